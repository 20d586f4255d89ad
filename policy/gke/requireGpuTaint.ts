import type { ResourceValidationPolicy } from "@pulumi/policy";
import { NODE_POOL_ARGS, nodePoolValidation } from "../lib/gke";

/** The taint that keeps pods that request no GPU off GPU nodes (GPU_TAINT in components/placement.ts). */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" } as const;

/** Effects that keep pods without a toleration off the node; PREFER_NO_SCHEDULE only discourages them. */
const KEEPS_OFF = ["NO_SCHEDULE", "NO_EXECUTE"];

/**
 * GPU nodes carry the same user label and taint as CPU nodes, so without the GPU taint students' CPU servers land
 * on them: they take the GPUs' place from students who need one, keep GPU nodes from scaling down, and make the
 * autoscaler start GPU nodes for CPU servers. GKE adds the taint itself only to a GPU pool that joins a cluster
 * that already has other pools; classhub creates its pools together, so each declares it.
 */
export const requireGpuTaint: ResourceValidationPolicy = {
  name: "classhub-require-gpu-taint",
  description: "Every node pool with guestAccelerators is tainted nvidia.com/gpu with effect NO_SCHEDULE.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: nodePoolValidation((pool, resource, _args, reportViolation) => {
    if ((pool.nodeConfig?.guestAccelerators ?? []).length === 0) return;
    const taints = pool.nodeConfig?.taints ?? [];
    if (taints.some((t) => t.key === GPU_TAINT.key && KEEPS_OFF.includes(t.effect))) return;
    const found =
      taints.length === 0 ? "no taints" : `taints ${taints.map((t) => `${t.key}=${t.value}:${t.effect}`).join(", ")}`;
    reportViolation(
      `Expected taint ${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect} on a pool with guestAccelerators but ` +
        `found ${found} in ${resource}; add it to nodeConfig.taints in ${NODE_POOL_ARGS} (poolTaints)`,
    );
  }),
};
