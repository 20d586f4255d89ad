// Pure builders for the class namespace and its guardrails.
import type * as k8s from "@pulumi/kubernetes";
import type { ClassConfig } from "../config/schema";
import { classSize } from "../hub/settings";
import { ADOPT_ANNOTATION, labels } from "../labels";
import { userSchedulerRoom } from "../scheduling/manifests";
import { prePullRoom } from "../prepull/manifests";
import { placeholderRoom } from "../capacity/manifests";
import { homeQuota } from "../storage/sharedManifests";
import { bytes, type ContainerResources, formatBytes, formatCpu, millicores, parseCpu } from "../quantity";

type Metadata = k8s.types.input.meta.v1.ObjectMeta;

/**
 * Headroom for the class's own pods beyond the students' servers: the hub and proxy, and one pod of each
 * during a Recreate roll; the hub database claim (of classhub:class.hub.databaseSize).
 */
export const PLATFORM_OVERHEAD = { pods: 5, pvcs: 1 };

/** The containers classhub itself runs in the namespace (the hub and the proxy), summed for the quota. */
export function platformTotals(containers: ContainerResources[]) {
  const sum = (f: (c: ContainerResources) => number) => containers.reduce((total, c) => total + f(c), 0);
  return {
    requestsMillicores: sum((c) => parseCpu(c.requests.cpu)),
    limitsMillicores: sum((c) => parseCpu(c.limits.cpu)),
    requestsMemory: sum((c) => bytes(c.requests.memory)),
    limitsMemory: sum((c) => bytes(c.limits.memory)),
  };
}

/** Pod Security "restricted", enforced, audited and warned, at the cluster's own policy version. */
export const POD_SECURITY_LABELS = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "latest",
};

export function namespace(name: string): k8s.types.input.core.v1.Namespace {
  return {
    metadata: { name, labels: { ...labels(name, "namespace"), ...POD_SECURITY_LABELS }, annotations: ADOPT_ANNOTATION },
  };
}

/** The largest per-server resources any profile, or any choice within one, asks for. */
export function largestServer(cls: ClassConfig) {
  const options = [
    cls.resources,
    ...cls.profiles.flatMap((p) => [
      { ...cls.resources, ...p.resources },
      ...p.options.flatMap((o) => o.choices.map((c) => ({ ...cls.resources, ...p.resources, ...c.resources }))),
    ]),
  ];
  return {
    cpuGuarantee: Math.max(...options.map((r) => r.cpuGuarantee)),
    cpuLimit: Math.max(...options.map((r) => r.cpuLimit)),
    memGuarantee: Math.max(...options.map((r) => bytes(r.memoryGuarantee))),
    memLimit: Math.max(...options.map((r) => bytes(r.memoryLimit))),
    gpus: Math.max(0, ...cls.profiles.map((p) => p.gpus)),
  };
}

/**
 * classhub's own containers in the namespace: the hub and proxy (`platform`), the packing scheduler's, and the
 * image pre-puller's, one pod per user node: counted here, they never take a student's room.
 */
function ownContainers(cls: ClassConfig, platform: ContainerResources[]): ContainerResources[] {
  return [
    ...platform,
    ...userSchedulerRoom(cls).containers,
    ...prePullRoom(cls).containers,
    ...placeholderRoom(cls).containers,
  ];
}

/**
 * The namespace's hard quota: every planned server at its largest, plus the hub and proxy, and the packing
 * scheduler with its successor during a roll, and a pre-puller pod per user node. Each value can be set explicitly
 * in classhub:class.quota. Limits count toward the quota, so every pod must declare them.
 * CPU is summed in whole millicores, each server rounded up as the API server rounds it.
 */
export function quotaHard(cls: ClassConfig, platform: ContainerResources[]): Record<string, string> {
  const size = classSize(cls);
  const server = largestServer(cls);
  const own = platformTotals(ownContainers(cls, platform));
  const homes = homeQuota(cls);
  const cpu = (milli: number) => formatCpu(milli / 1000);
  const hard: Record<string, string> = {
    pods: String(
      cls.quota.pods ??
        size + PLATFORM_OVERHEAD.pods + userSchedulerRoom(cls).pods + prePullRoom(cls).pods + placeholderRoom(cls).pods,
    ),
    "requests.cpu": cpu(size * millicores(server.cpuGuarantee) + own.requestsMillicores),
    "limits.cpu":
      cls.quota.cpu === undefined
        ? cpu(size * millicores(server.cpuLimit) + own.limitsMillicores)
        : formatCpu(cls.quota.cpu),
    "requests.memory": formatBytes(size * server.memGuarantee + own.requestsMemory),
    "limits.memory": cls.quota.memory ?? formatBytes(size * server.memLimit + own.limitsMemory),
    persistentvolumeclaims: String(homes.claims + PLATFORM_OVERHEAD.pvcs),
    ...(cls.quota.storage === undefined && homes.storage === undefined
      ? {}
      : { "requests.storage": cls.quota.storage ?? formatBytes(homes.storage! + bytes(cls.hub.databaseSize)) }),
    "services.loadbalancers": "1",
    "services.nodeports": "2",
  };
  const gpus = cls.quota.gpus ?? size * server.gpus;
  if (gpus > 0 || cls.quota.gpus !== undefined) hard["requests.nvidia.com/gpu"] = String(gpus);
  return hard;
}

export function resourceQuota(
  ns: string,
  cls: ClassConfig,
  platform: ContainerResources[],
): k8s.types.input.core.v1.ResourceQuota {
  return { metadata: meta(ns, "classhub-quota"), spec: { hard: quotaHard(cls, platform) } };
}

/**
 * Defaults for containers that declare no resources (so the quota can count them) and a ceiling no
 * container may exceed: the largest server, the hub, the proxy or the packing scheduler, whichever is bigger.
 * Every value is rounded the way the API server rounds the pods it bounds, so a ceiling is never stricter than a pod.
 */
export function limitRange(
  ns: string,
  cls: ClassConfig,
  platform: ContainerResources[],
): k8s.types.input.core.v1.LimitRange {
  const server = largestServer(cls);
  const own = ownContainers(cls, platform);
  const maxCpu = Math.max(millicores(server.cpuLimit), ...own.map((c) => parseCpu(c.limits.cpu)));
  const maxMemory = Math.max(server.memLimit, ...own.map((c) => bytes(c.limits.memory)));
  return {
    metadata: meta(ns, "classhub-limits"),
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: formatCpu(cls.resources.cpuLimit), memory: formatBytes(bytes(cls.resources.memoryLimit)) },
          defaultRequest: {
            cpu: formatCpu(cls.resources.cpuGuarantee),
            memory: formatBytes(bytes(cls.resources.memoryGuarantee)),
          },
          max: { cpu: formatCpu(maxCpu / 1000), memory: formatBytes(maxMemory) },
        },
      ],
    },
  };
}

/** Nothing talks to or from a pod in the class unless a component's own NetworkPolicy allows it. */
export function defaultDeny(ns: string): k8s.types.input.networking.v1.NetworkPolicy {
  return { metadata: meta(ns, "default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };
}

function meta(ns: string, name: string): Metadata {
  return { name, namespace: ns, labels: labels(ns, "namespace") };
}
