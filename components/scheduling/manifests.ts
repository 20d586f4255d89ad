// Pure builders for a class's packing scheduler (classhub:class.packing.scheduler): a kube-scheduler of the class's
// own that places its student servers on the nodes already most requested, so that the other nodes empty out and
// the cluster autoscaler can remove them. The default scheduler spreads pods instead, which keeps every node busy.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { ApiServer } from "../cluster/apiServer";
import type { ClassConfig } from "../config/schema";
import { labels, podsOf, selectorLabels } from "../labels";
import type { ContainerResources } from "../quantity";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../security";

/** The default of classhub:class.packing.image: kube-scheduler at KUBE_VERSION of tools/versions.sh. */
export const USER_SCHEDULER_IMAGE = "registry.k8s.io/kube-scheduler:v1.35.4";
/** Named: the Deployment runs as it, and the policy pack lets only it hold a scheduler's cluster-wide rights. */
export const USER_SCHEDULER_ACCOUNT = "user-scheduler";
/** The Lease in the class namespace that the scheduler's pods elect a leader on (two overlap during a roll). */
export const USER_SCHEDULER_LEASE = "user-scheduler";
/**
 * The cluster's own roles every scheduler is bound to: system:kube-scheduler reads pods, nodes and what placement
 * depends on, binds pods and writes events; system:volume-scheduler binds the claims of WaitForFirstConsumer
 * volumes (student homes) to the chosen node.
 */
export const USER_SCHEDULER_CLUSTER_ROLES = ["system:kube-scheduler", "system:volume-scheduler"] as const;
/**
 * kube-scheduler's secure port, serving /healthz. Probes need no credentials: /healthz is on its default
 * --authorization-always-allow-paths.
 */
export const USER_SCHEDULER_PORT = 10259;
/**
 * Requests and limits of the scheduler. It holds every pod and node of the cluster in memory (they all bear on a
 * placement), so its memory grows with the cluster: 62 MiB resident on the local one-node cluster (tools/node).
 */
export const USER_SCHEDULER_RESOURCES: ContainerResources = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};
/** kube-scheduler's config file, from the ConfigMap. */
const CONFIG_DIR = "/etc/user-scheduler";
const CONFIG_FILE = "config.yaml";
/** nobody: the scheduler needs no identity of its own on the node. */
const SCHEDULER_UID = 65534;
/**
 * The weight of NodeResourcesFit's score, which MostAllocated turns into "how full is the node": over three times
 * that of any other default score plugin (TaintToleration's 3 is the largest), so fullness decides the placement.
 */
export const PACKING_WEIGHT = 10;

/** The name student pods ask for in spec.schedulerName; undefined when the class does not pack (the default scheduler). */
export function userSchedulerName(cls: ClassConfig): string | undefined {
  return cls.packing.scheduler ? `${cls.namespace}-user-scheduler` : undefined;
}

/**
 * What the scheduler adds to the class namespace, for its quota: one pod, and its successor during a rolling
 * update (maxSurge 1), each with the scheduler's requests and limits. Nothing without packing.
 */
export function userSchedulerRoom(cls: ClassConfig): { pods: number; containers: ContainerResources[] } {
  return cls.packing.scheduler
    ? { pods: 2, containers: [USER_SCHEDULER_RESOURCES, USER_SCHEDULER_RESOURCES] }
    : { pods: 0, containers: [] };
}

/**
 * One profile, `schedulerName`: NodeResourcesFit scores nodes MostAllocated (by requested CPU and memory), at
 * PACKING_WEIGHT; NodeResourcesBalancedAllocation, which prefers the node whose CPU and memory stay even and so
 * pulls pods apart, is off. Leader election on the Lease USER_SCHEDULER_LEASE in the class namespace.
 */
export function schedulerConfig(ns: string, schedulerName: string): Record<string, unknown> {
  return {
    apiVersion: "kubescheduler.config.k8s.io/v1",
    kind: "KubeSchedulerConfiguration",
    leaderElection: {
      leaderElect: true,
      resourceLock: "leases",
      resourceName: USER_SCHEDULER_LEASE,
      resourceNamespace: ns,
    },
    profiles: [
      {
        schedulerName,
        plugins: {
          score: {
            enabled: [{ name: "NodeResourcesFit", weight: PACKING_WEIGHT }],
            disabled: [{ name: "NodeResourcesBalancedAllocation" }],
          },
        },
        pluginConfig: [
          {
            name: "NodeResourcesFit",
            args: {
              scoringStrategy: {
                type: "MostAllocated",
                resources: [
                  { name: "cpu", weight: 1 },
                  { name: "memory", weight: 1 },
                ],
              },
            },
          },
        ],
      },
    ],
  };
}

function meta(ns: string, name?: string): k8s.types.input.meta.v1.ObjectMeta {
  return { namespace: ns, ...(name === undefined ? {} : { name }), labels: labels(ns, "user-scheduler") };
}

/** Auto-named: a changed config is a new ConfigMap, so the Deployment rolls onto it. */
export function configMap(ns: string, schedulerName: string): k8s.types.input.core.v1.ConfigMap {
  return { metadata: meta(ns), data: { [CONFIG_FILE]: stringify(schedulerConfig(ns, schedulerName)) } };
}

export function serviceAccount(ns: string): k8s.types.input.core.v1.ServiceAccount {
  return { metadata: meta(ns, USER_SCHEDULER_ACCOUNT) };
}

/**
 * Leader election, in the class namespace: create the Lease (a create cannot name its object), then read and
 * renew that one Lease only.
 */
export function leaseRole(ns: string): k8s.types.input.rbac.v1.Role {
  const leases = { apiGroups: ["coordination.k8s.io"], resources: ["leases"] };
  return {
    metadata: meta(ns),
    rules: [
      { ...leases, verbs: ["create"] },
      { ...leases, resourceNames: [USER_SCHEDULER_LEASE], verbs: ["get", "update"] },
    ],
  };
}

const SUBJECT = (ns: string) => [{ kind: "ServiceAccount", name: USER_SCHEDULER_ACCOUNT, namespace: ns }];

export function leaseRoleBinding(ns: string, roleName: pulumi.Input<string>): k8s.types.input.rbac.v1.RoleBinding {
  return {
    metadata: meta(ns),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
    subjects: SUBJECT(ns),
  };
}

/**
 * The cluster-wide rights a scheduler cannot do without (it places pods among all the cluster's pods), bound to
 * the scheduler's ServiceAccount only. Auto-named: they are cluster-scoped, one pair per class.
 */
export function clusterRoleBindings(ns: string): k8s.types.input.rbac.v1.ClusterRoleBinding[] {
  return USER_SCHEDULER_CLUSTER_ROLES.map((role) => ({
    metadata: { labels: labels(ns, "user-scheduler") },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: SUBJECT(ns),
  }));
}

export interface DeploymentInputs {
  namespace: string;
  /** kube-scheduler's image: classhub:class.packing.image. */
  image: string;
  configMapName: pulumi.Input<string>;
  serviceAccountName: pulumi.Input<string>;
}

export function deployment(d: DeploymentInputs): k8s.types.input.apps.v1.Deployment {
  const ns = d.namespace;
  const probe = (periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe => ({
    httpGet: { path: "/healthz", port: "healthz", scheme: "HTTPS" },
    periodSeconds,
    failureThreshold,
  });
  return {
    // Named: staff find it as deployment/user-scheduler.
    metadata: meta(ns, "user-scheduler"),
    spec: {
      replicas: 1,
      // The new pod starts before the old one stops; the Lease keeps one of them scheduling.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      selector: { matchLabels: selectorLabels(ns, "user-scheduler") },
      template: {
        metadata: { labels: labels(ns, "user-scheduler") },
        spec: {
          serviceAccountName: d.serviceAccountName,
          securityContext: restrictedPodSecurity(SCHEDULER_UID, SCHEDULER_UID),
          containers: [
            {
              name: "kube-scheduler",
              image: d.image,
              command: [
                "/usr/local/bin/kube-scheduler",
                `--config=${CONFIG_DIR}/${CONFIG_FILE}`,
                // Callers of its port are not authenticated (only /healthz is served to them), so it need not
                // read the cluster's client CA from kube-system, which it has no right to.
                "--authentication-skip-lookup=true",
              ],
              ports: [{ name: "healthz", containerPort: USER_SCHEDULER_PORT }],
              readinessProbe: probe(5, 3),
              livenessProbe: probe(10, 6),
              resources: USER_SCHEDULER_RESOURCES,
              securityContext: { ...restrictedContainerSecurity(), readOnlyRootFilesystem: true },
              volumeMounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: "config", configMap: { name: d.configMapName } }],
        },
      },
    },
  };
}

/** A NetworkPolicy egress rule to the API server, at the addresses and ports pods reach it on (cluster/apiServer.ts). */
export function apiServerEgress(api: ApiServer): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
  return {
    to: api.addresses.map((address) => ({ ipBlock: { cidr: `${address}/32` } })),
    ports: api.ports.map((port) => ({ protocol: "TCP", port })),
  };
}

export const networkPolicyMetadata = (ns: string) => meta(ns, "user-scheduler");

/** The scheduler talks to the API server and nothing else; nothing calls it but the kubelet's probes. */
export function networkPolicy(ns: string, api: ApiServer): k8s.types.input.networking.v1.NetworkPolicy {
  return {
    metadata: networkPolicyMetadata(ns),
    spec: {
      podSelector: podsOf(ns, "user-scheduler").podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [apiServerEgress(api)],
    },
  };
}
