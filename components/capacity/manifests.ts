// Pure builders for user placeholders: low-priority pods the size of a student's default server that hold room on
// user nodes and yield it at once; and the CronJobs that change their count around each lecture.
import type * as k8s from "@pulumi/kubernetes";
import type { ApiServer } from "../cluster/apiServer";
import type { ClassConfig } from "../config/schema";
import { classSize } from "../hub/settings";
import { largestServer } from "../namespace/manifests";
import type { HubSettings } from "../hub/settingsSchema";
import { labels, podsOf } from "../labels";
import { type ContainerResources, formatBytes, formatCpu } from "../quantity";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../security";
import { peakPlaceholders, type ScaleTime } from "./schedule";

export const PLACEHOLDER_DEPLOYMENT = "user-placeholder";
const SCALER = "placeholder-scaler";
/** The pause image's user; nobody, for kubectl. */
const PAUSE_UID = 65535;
const NOBODY = 65534;

/**
 * Below every pod's default priority (0), so the scheduler evicts a placeholder to place a student's server, and
 * never evicting anything itself. Not below -10: the cluster autoscaler ignores such "expendable" pods when it
 * decides to add a node, and adding nodes is what a waiting placeholder is for. Cluster-wide, so named after the class.
 */
export const PLACEHOLDER_PRIORITY = -10;
export const placeholderPriorityClassName = (ns: string) => `classhub-${ns}-placeholder`;

export function placeholderPriorityClass(ns: string): k8s.types.input.scheduling.v1.PriorityClass {
  return {
    metadata: { name: placeholderPriorityClassName(ns), labels: labels(ns, "placeholder") },
    value: PLACEHOLDER_PRIORITY,
    preemptionPolicy: "Never",
    globalDefault: false,
    description: `Placeholders of class ${ns}: they hold room for students' servers and give it up to them.`,
  };
}

/** What a student's default server asks for, and where it runs: the class's values under its default profile's. */
export interface DefaultServer {
  cpu: number;
  /** Bytes. */
  memory: number;
  nodeSelector: Record<string, string>;
  tolerations: NonNullable<HubSettings["spawner"]["tolerations"]>;
  runtimeClassName: string | null;
  /** The class's packing scheduler; null: the cluster's default scheduler. */
  schedulerName: string | null;
}

export function defaultServer(spawner: HubSettings["spawner"]): DefaultServer {
  const profile = spawner.profiles.find((p) => p.default) ?? spawner.profiles[0];
  const server: DefaultServer = {
    cpu: spawner.cpuGuarantee,
    memory: spawner.memGuarantee,
    nodeSelector: spawner.nodeSelector,
    tolerations: spawner.tolerations,
    runtimeClassName: profile === undefined ? spawner.runtimeClassName : profile.overrides.runtimeClassName,
    schedulerName: spawner.schedulerName,
  };
  // the profile overrides the class, each option's default choice the profile; null keeps what is below
  const layers = profile === undefined ? [] : [profile.overrides, ...profile.options.map((o) => defaultChoice(o))];
  for (const layer of layers) {
    server.cpu = layer.cpuGuarantee ?? server.cpu;
    server.memory = layer.memGuarantee ?? server.memory;
    server.nodeSelector = { ...server.nodeSelector, ...layer.nodeSelector };
    server.tolerations = layer.tolerations ?? server.tolerations;
  }
  return server;
}

type Option = HubSettings["spawner"]["profiles"][number]["options"][number];
const defaultChoice = (option: Option) => option.choices.find((c) => c.default)!.overrides;

/**
 * The placeholders. Requests equal limits: a placeholder uses nothing, and counts in the quota as exactly the room
 * it holds. No grace period: a student waits for none.
 */
export function placeholderDeployment(
  ns: string,
  replicas: number,
  server: DefaultServer,
  image: string,
): k8s.types.input.apps.v1.Deployment {
  const size = { cpu: formatCpu(server.cpu), memory: formatBytes(server.memory) };
  return {
    metadata: { name: PLACEHOLDER_DEPLOYMENT, namespace: ns, labels: labels(ns, "placeholder") },
    spec: {
      replicas,
      selector: { matchLabels: podsOf(ns, "placeholder").podSelector.matchLabels },
      template: {
        metadata: { labels: labels(ns, "placeholder") },
        spec: {
          priorityClassName: placeholderPriorityClassName(ns),
          terminationGracePeriodSeconds: 0,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          nodeSelector: server.nodeSelector,
          tolerations: server.tolerations.map((t) => ({ ...t })),
          ...(server.runtimeClassName === null ? {} : { runtimeClassName: server.runtimeClassName }),
          // packed like the servers they hold room for, so the nodes they fill are the ones students will
          ...(server.schedulerName === null ? {} : { schedulerName: server.schedulerName }),
          securityContext: restrictedPodSecurity(PAUSE_UID, PAUSE_UID),
          containers: [
            {
              name: "pause",
              image,
              resources: { requests: size, limits: size },
              securityContext: restrictedContainerSecurity(),
            },
          ],
        },
      },
    },
  };
}

export function scalerServiceAccount(ns: string): k8s.types.input.core.v1.ServiceAccount {
  return { metadata: { name: SCALER, namespace: ns, labels: labels(ns, "placeholder") } };
}

/** It may read and scale the placeholders' Deployment, and nothing else. */
export function scalerRole(ns: string): k8s.types.input.rbac.v1.Role {
  return {
    metadata: { name: SCALER, namespace: ns, labels: labels(ns, "placeholder") },
    rules: [
      {
        apiGroups: ["apps"],
        resources: ["deployments", "deployments/scale"],
        resourceNames: [PLACEHOLDER_DEPLOYMENT],
        verbs: ["get", "patch"],
      },
    ],
  };
}

export function scalerRoleBinding(ns: string): k8s.types.input.rbac.v1.RoleBinding {
  return {
    metadata: { name: SCALER, namespace: ns, labels: labels(ns, "placeholder") },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: SCALER },
    subjects: [{ kind: "ServiceAccount", name: SCALER, namespace: ns }],
  };
}

/** The scaler's resources: kubectl for a second. They count in the quota as one more platform container. */
export const SCALER_RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
};

/**
 * One change of count. A start missed by more than five minutes (the controller was down) is skipped: the next
 * change puts the count right. Forbid: a change still running is never raced by the next.
 */
export function scaleCronJob(ns: string, at: ScaleTime, image: string): k8s.types.input.batch.v1.CronJob {
  return {
    metadata: { name: `placeholders-${at.name}`, namespace: ns, labels: labels(ns, "placeholder") },
    spec: {
      schedule: at.schedule,
      timeZone: at.timeZone,
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 2,
      jobTemplate: {
        metadata: { labels: labels(ns, "placeholder") },
        spec: {
          backoffLimit: 3,
          ttlSecondsAfterFinished: 86400,
          template: {
            metadata: { labels: { ...labels(ns, "placeholder"), "classhub.io/role": SCALER } },
            spec: {
              serviceAccountName: SCALER,
              restartPolicy: "Never",
              enableServiceLinks: false,
              securityContext: restrictedPodSecurity(NOBODY, NOBODY),
              containers: [
                {
                  name: "kubectl",
                  image,
                  command: ["kubectl"],
                  args: [
                    "--namespace",
                    ns,
                    "scale",
                    `deployment/${PLACEHOLDER_DEPLOYMENT}`,
                    `--replicas=${at.replicas}`,
                  ],
                  resources: SCALER_RESOURCES,
                  securityContext: restrictedContainerSecurity(),
                },
              ],
            },
          },
        },
      },
    },
  };
}

/** The scaler reaches the API server and nothing else; nothing reaches it. The placeholders need no traffic. */
export function scalerNetworkPolicy(ns: string, apiServer: ApiServer): k8s.types.input.networking.v1.NetworkPolicy {
  return {
    metadata: { name: SCALER, namespace: ns, labels: labels(ns, "placeholder") },
    spec: {
      podSelector: {
        matchLabels: { ...podsOf(ns, "placeholder").podSelector.matchLabels, "classhub.io/role": SCALER },
      },
      policyTypes: ["Ingress", "Egress"],
      egress: [
        {
          to: apiServer.addresses.map((address) => ({ ipBlock: { cidr: `${address}/32` } })),
          ports: apiServer.ports.map((port) => ({ protocol: "TCP", port })),
        },
      ],
    },
  };
}

/**
 * What the placeholders add to the class namespace, for its quota: their most at once, each as big as the largest
 * server's guarantee (requests equal limits), and with lectures the scaler's one pod. The quota admits a student's
 * server before the scheduler evicts a placeholder for it, so without this room a lecture's placeholders would
 * keep students out.
 */
export function placeholderRoom(cls: ClassConfig): { pods: number; containers: ContainerResources[] } {
  const peak = peakPlaceholders(cls.placeholders, classSize(cls));
  const server = largestServer(cls);
  const size = { cpu: formatCpu(server.cpuGuarantee), memory: formatBytes(server.memGuarantee) };
  const held = Array<ContainerResources>(peak).fill({ requests: size, limits: size });
  const scaler = cls.placeholders.lectures.length > 0 ? [SCALER_RESOURCES] : [];
  return { pods: peak + scaler.length, containers: [...held, ...scaler] };
}
