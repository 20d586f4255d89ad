// Pure builders for the image pre-puller: a DaemonSet on the nodes where the class's servers run, whose pods hold
// every image of the class, so that a node has them before the first student's server is placed on it.
import type * as k8s from "@pulumi/kubernetes";
import type { ClassConfig } from "../config/schema";
import { classSize } from "../hub/settings";
import type { HubSettings, Toleration } from "../hub/settingsSchema";
import { labels, NO_AWAIT_ANNOTATION, selectorLabels } from "../labels";
import type { ContainerResources } from "../quantity";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../security";

/** The pause image's own user and group; the init containers run as it too, since `true` needs no one. */
const PAUSE_UID = 65535;

/**
 * Each container's requests and limits: the init containers only exec `true`, the main one only waits. A pod counts
 * as the larger of its containers' sum and its largest init container: with one main container, this once.
 */
export const PREPULL_RESOURCES: ContainerResources = {
  requests: { cpu: "5m", memory: "16Mi" },
  limits: { cpu: "20m", memory: "32Mi" },
};

/** Every image a student's server may run, in the order the stack file names them, each once. */
export function classImages(cls: ClassConfig): string[] {
  const images = [
    cls.image,
    ...cls.profiles.flatMap((p) => [p.image, ...p.options.flatMap((o) => o.choices.map((c) => c.image))]),
  ];
  return [...new Set(images.filter((i): i is string => i !== undefined))];
}

/**
 * What the pre-puller adds to the class namespace, for its quota: a pod on each user node, classhub:class.prePull.nodes
 * of them (the class size unless set), each with one container's share (PREPULL_RESOURCES). No surge: a roll removes
 * a node's pod before it adds the new one. Nothing without pre-pull.
 */
export function prePullRoom(cls: ClassConfig): { pods: number; containers: ContainerResources[] } {
  const pods = cls.prePull.enabled ? (cls.prePull.nodes ?? classSize(cls)) : 0;
  return { pods, containers: Array<ContainerResources>(pods).fill(PREPULL_RESOURCES) };
}

/** Where the pre-puller runs, and how it pulls: as the spawner places and pulls students' servers. */
export interface PrePullPlacement {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  runtimeClassName: string | null;
  imagePullPolicy: HubSettings["spawner"]["imagePullPolicy"];
}

/**
 * Every node any of the class's servers may run on. Profiles and choices only add labels to the class's node
 * selector, so the class's selects them all; their tolerations add up, so the pre-puller tolerates each of them
 * (the GPU pool, extra pools). Locally there is no user pool, and the selector is empty, like the servers'.
 */
export function prePullPlacement(spawner: HubSettings["spawner"]): PrePullPlacement {
  const tolerations = [
    spawner.tolerations,
    ...spawner.profiles.flatMap((p) => [
      p.overrides.tolerations ?? [],
      ...p.options.flatMap((o) => o.choices.map((c) => c.overrides.tolerations ?? [])),
    ]),
  ].flat();
  const unique = [...new Map(tolerations.map((t) => [JSON.stringify(t), t])).values()];
  return {
    nodeSelector: spawner.nodeSelector,
    tolerations: unique,
    runtimeClassName: spawner.runtimeClassName,
    imagePullPolicy: spawner.imagePullPolicy,
  };
}

/** An init container per image, each pulled by the kubelet before it runs `true` and exits. */
function pullContainer(image: string, index: number, pullPolicy: string): k8s.types.input.core.v1.Container {
  return {
    name: `pull-${index}`,
    image,
    imagePullPolicy: pullPolicy,
    // coreutils' true, in every Jupyter image; exec'd directly, it needs no shell.
    command: ["true"],
    // The image's own directory may be a home only its user may enter; true needs none.
    workingDir: "/",
    resources: PREPULL_RESOURCES,
    securityContext: restrictedContainerSecurity(),
  };
}

/** `up` does not wait for the pulls: a large image takes minutes on each new node, and no student needs it yet. */
export function daemonSetMetadata(ns: string): k8s.types.input.meta.v1.ObjectMeta {
  return { name: "image-puller", namespace: ns, labels: labels(ns, "image-puller"), annotations: NO_AWAIT_ANNOTATION };
}

export function daemonSet(
  ns: string,
  images: string[],
  pauseImage: string,
  where: PrePullPlacement,
): k8s.types.input.apps.v1.DaemonSet {
  return {
    metadata: daemonSetMetadata(ns),
    spec: {
      selector: { matchLabels: selectorLabels(ns, "image-puller") },
      // A changed image list is pulled on every node at once, not one node after another.
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } },
      template: {
        metadata: { labels: labels(ns, "image-puller") },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 0,
          nodeSelector: where.nodeSelector,
          tolerations: where.tolerations.map((t) => ({ ...t })),
          ...(where.runtimeClassName === null ? {} : { runtimeClassName: where.runtimeClassName }),
          securityContext: restrictedPodSecurity(PAUSE_UID, PAUSE_UID),
          initContainers: images.map((image, i) => pullContainer(image, i, where.imagePullPolicy)),
          containers: [
            {
              name: "pause",
              image: pauseImage,
              imagePullPolicy: "IfNotPresent",
              resources: PREPULL_RESOURCES,
              securityContext: restrictedContainerSecurity(),
            },
          ],
        },
      },
    },
  };
}
