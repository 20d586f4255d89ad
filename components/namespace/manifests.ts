// Pure builders for the class namespace and its guardrails.
import type * as k8s from "@pulumi/kubernetes";
import type { ClassConfig } from "../config";
import { classSize } from "../hub/settings";
import { ADOPT_ANNOTATION, labels } from "../labels";
import { bytes, formatBytes, formatCpu } from "../quantity";

type Metadata = k8s.types.input.meta.v1.ObjectMeta;

/** What the hub and the proxy add on top of the students' servers, for quota headroom. */
export const PLATFORM_OVERHEAD = { cpu: 3, memory: bytes("3Gi"), pods: 5, pvcs: 1, storage: bytes("1Gi") };

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

/** The largest per-server resources any profile asks for. */
export function largestServer(cls: ClassConfig) {
  const options = [cls.resources, ...cls.profiles.map((p) => ({ ...cls.resources, ...p.resources }))];
  return {
    cpuGuarantee: Math.max(...options.map((r) => r.cpuGuarantee)),
    cpuLimit: Math.max(...options.map((r) => r.cpuLimit)),
    memGuarantee: Math.max(...options.map((r) => bytes(r.memoryGuarantee))),
    memLimit: Math.max(...options.map((r) => bytes(r.memoryLimit))),
    gpus: Math.max(0, ...cls.profiles.map((p) => p.gpus)),
  };
}

/**
 * The namespace's hard quota: every planned server at its largest, plus the hub and proxy. Each value can be
 * set explicitly in classhub:class.quota. Limits count toward the quota, so every pod must declare them.
 */
export function quotaHard(cls: ClassConfig): Record<string, string> {
  const size = classSize(cls);
  const server = largestServer(cls);
  const hard: Record<string, string> = {
    pods: String(cls.quota.pods ?? size + PLATFORM_OVERHEAD.pods),
    "requests.cpu": formatCpu(size * server.cpuGuarantee + PLATFORM_OVERHEAD.cpu),
    "limits.cpu": formatCpu(cls.quota.cpu ?? size * server.cpuLimit + PLATFORM_OVERHEAD.cpu),
    "requests.memory": formatBytes(size * server.memGuarantee + PLATFORM_OVERHEAD.memory),
    "limits.memory": cls.quota.memory ?? formatBytes(size * server.memLimit + PLATFORM_OVERHEAD.memory),
    persistentvolumeclaims: String(size + PLATFORM_OVERHEAD.pvcs),
    "requests.storage":
      cls.quota.storage ?? formatBytes(size * bytes(cls.storage.homeSize) + PLATFORM_OVERHEAD.storage),
    "services.loadbalancers": "1",
    "services.nodeports": "2",
  };
  const gpus = cls.quota.gpus ?? size * server.gpus;
  if (gpus > 0 || cls.quota.gpus !== undefined) hard["requests.nvidia.com/gpu"] = String(gpus);
  return hard;
}

export function resourceQuota(ns: string, cls: ClassConfig): k8s.types.input.core.v1.ResourceQuota {
  return { metadata: meta(ns), spec: { hard: quotaHard(cls) } };
}

/**
 * Defaults for containers that declare no resources (so the quota can count them) and a ceiling no
 * container may exceed: the largest server, or the hub, whichever is bigger.
 */
export function limitRange(
  ns: string,
  cls: ClassConfig,
  hubMax: { cpu: number; memory: number },
): k8s.types.input.core.v1.LimitRange {
  const server = largestServer(cls);
  return {
    metadata: meta(ns),
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: formatCpu(cls.resources.cpuLimit), memory: cls.resources.memoryLimit },
          defaultRequest: { cpu: formatCpu(cls.resources.cpuGuarantee), memory: cls.resources.memoryGuarantee },
          max: {
            cpu: formatCpu(Math.max(server.cpuLimit, hubMax.cpu)),
            memory: formatBytes(Math.max(server.memLimit, hubMax.memory)),
          },
        },
      ],
    },
  };
}

/** Nothing talks to or from a pod in the class unless a component's own NetworkPolicy allows it. */
export function defaultDeny(ns: string): k8s.types.input.networking.v1.NetworkPolicy {
  return { metadata: meta(ns), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };
}

function meta(ns: string): Metadata {
  return { namespace: ns, labels: labels(ns, "namespace") };
}
