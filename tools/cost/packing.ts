// How many student servers fit on one node, by the servers' requests: the scheduler places pods by requests, not
// limits, so requests decide how many nodes the autoscaler must add for a class.

const GIB = 1024 ** 3;

/** A node's size, or a server's requests. */
export interface Shape {
  cpu: number;
  memoryGiB: number;
}

/**
 * GKE's memory reservation for the kubelet and the system, by slices of the machine's memory: 25% of the first
 * 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112 and 2% above 128 GiB. Source: GKE, "Plan node
 * sizes" (cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes), Standard clusters.
 */
const MEMORY_RESERVED: [upToGiB: number, share: number][] = [
  [4, 0.25],
  [8, 0.2],
  [16, 0.1],
  [128, 0.06],
  [Infinity, 0.02],
];
/** GKE's CPU reservation: 6% of the first core, 1% of the next, 0.5% of the next two, 0.25% above four. */
const CPU_RESERVED: [upToCores: number, share: number][] = [
  [1, 0.06],
  [2, 0.01],
  [4, 0.005],
  [Infinity, 0.0025],
];
/** The kubelet's hard eviction threshold, which GKE also takes from allocatable memory. */
const EVICTION_GIB = 100 / 1024;

/**
 * What GKE's own DaemonSets on every node request (Dataplane V2, logging and metrics agents, the disk CSI driver)
 * plus classhub's image pre-puller. An estimate: GKE changes these with its versions; `kubectl describe node`
 * on a real user node shows the figure.
 */
export const SYSTEM_PODS: Shape & { pods: number } = { cpu: 0.25, memoryGiB: 0.5, pods: 10 };

/** GKE's default most pods on one node of a Standard cluster. */
export const MAX_PODS_PER_NODE = 110;

function reserved(total: number, slices: [number, number][]): number {
  let from = 0;
  let sum = 0;
  for (const [upTo, share] of slices) {
    sum += Math.max(0, Math.min(total, upTo) - from) * share;
    from = upTo;
  }
  return sum;
}

/** What pods may request on a GKE node of this machine shape, after GKE's reservations and its system pods. */
export function allocatable(node: Shape): Shape {
  return {
    cpu: node.cpu - reserved(node.cpu, CPU_RESERVED) - SYSTEM_PODS.cpu,
    memoryGiB: node.memoryGiB - reserved(node.memoryGiB, MEMORY_RESERVED) - EVICTION_GIB - SYSTEM_PODS.memoryGiB,
  };
}

export const gib = (bytes: number): number => bytes / GIB;

/** Servers of this request that one node holds: bound by CPU, memory, GPUs and the node's pod limit. */
export function serversPerNode(node: Shape, server: Shape, gpus?: { node: number; server: number }): number {
  const room = allocatable(node);
  // A quotient that is whole on paper may land a hair below it in floating point (0.3 / 0.1).
  const whole = (x: number) => Math.floor(x + 1e-9);
  const fits = [
    whole(room.cpu / server.cpu),
    whole(room.memoryGiB / server.memoryGiB),
    MAX_PODS_PER_NODE - SYSTEM_PODS.pods,
  ];
  if (gpus !== undefined && gpus.server > 0) fits.push(whole(gpus.node / gpus.server));
  return Math.max(0, Math.min(...fits));
}
