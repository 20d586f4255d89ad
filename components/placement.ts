// Where classhub's pods run. The GKE node pools carry these labels and taints (cluster/gke.ts); the hub and the
// proxy select core nodes (classhub/ClassHub.ts), student servers select and tolerate user nodes (hub/settings.ts).
// Spelled once here, so that a pod can never select a label or tolerate a taint that no pool has.

/** The node label pods select on (z2jh's convention, which existing hubs' node pools follow). */
export const NODE_PURPOSE_LABEL = "hub.jupyter.org/node-purpose";
/** Core nodes: the hub and the proxy. */
export const CORE_NODES = { [NODE_PURPOSE_LABEL]: "core" };
/** User nodes: student servers, CPU or GPU. */
export const USER_NODES = { [NODE_PURPOSE_LABEL]: "user" };

export interface Taint {
  key: string;
  value: string;
  effect: "NoSchedule";
}

/** Keeps everything but student servers off user nodes. */
export const USER_TAINT: Taint = { key: "hub.jupyter.org/dedicated", value: "user", effect: "NoSchedule" };

/**
 * Keeps CPU servers off GPU nodes. GKE adds this taint itself only when a GPU pool joins a cluster that already has
 * a pool without GPUs; classhub creates its pools together, so the GPU pool declares it (cluster/gke.ts).
 */
export const GPU_TAINT: Taint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };

/** The toleration a pod needs to run on nodes with this taint. */
export function toleration(taint: Taint) {
  return { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect } as const;
}

/** GPU servers tolerate the GPU taint, whatever its value (GKE's own, or GPU_TAINT). */
export const GPU_TOLERATION = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect } as const;

/**
 * GKE Sandbox's RuntimeClass. Pods that name it run in gVisor, and its scheduling rules give them the
 * toleration for the sandbox nodes' own taint.
 */
export const SANDBOX_RUNTIME_CLASS = "gvisor";

/** A taint as the GKE API spells it (NO_SCHEDULE). */
export function gkeTaint(taint: Taint) {
  return { key: taint.key, value: taint.value, effect: "NO_SCHEDULE" };
}

/** The label GKE gives every node with the name of its pool. */
export const GKE_POOL_LABEL = "cloud.google.com/gke-nodepool";
/** classhub's own pools (cluster/gke.ts); an extra user pool takes another name. */
export const RESERVED_POOL_NAMES = ["core", "user", "gpu"];
/** Key of an extra user pool's own taint, unless the stack file names another: only servers that name the pool run there. */
export const EXTRA_POOL_TAINT_KEY = "classhub.io/pool";

/** An extra user pool's own taint: the one the stack file sets, or EXTRA_POOL_TAINT_KEY=<name>. */
export function extraPoolTaint(pool: { name: string; taint?: { key: string; value: string } }): Taint {
  return { ...(pool.taint ?? { key: EXTRA_POOL_TAINT_KEY, value: pool.name }), effect: "NoSchedule" };
}
