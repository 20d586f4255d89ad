// What fits on which Compute Engine machine: GPUs and boot disks. Small on purpose: a machine type or accelerator
// missing here is not checked (GKE then decides), and every entry says where the fact comes from. Config rules
// (config/clusterRules.ts) and the node pool builder (gke.ts) read these tables.

/** Boot disk types classhub offers for nodes. */
export const BOOT_DISK_TYPES = ["pd-standard", "pd-balanced", "pd-ssd", "hyperdisk-balanced"] as const;
export type BootDiskType = (typeof BOOT_DISK_TYPES)[number];

/** The machine family of a machine type: `n2` for `n2-highmem-4`. */
export function machineFamily(machineType: string): string {
  return machineType.split("-")[0];
}

interface AcceleratorFit {
  /** Machine type prefixes the accelerator attaches to. */
  prefixes: string[];
  /** How a message names them, and an example. */
  needs: string;
}

/**
 * GKE accelerator types and the machine types they attach to. Source: Compute Engine, "GPU machine types"
 * (cloud.google.com/compute/docs/gpus): T4, P4, V100 and P100 attach to N1 general-purpose machines; L4 comes with
 * G2, A100 40GB with A2 Standard (a2-highgpu, a2-megagpu), A100 80GB with A2 Ultra (a2-ultragpu), H100 80GB with
 * A3 High (a3-highgpu).
 */
export const ACCELERATOR_FITS: Record<string, AcceleratorFit> = {
  "nvidia-tesla-t4": { prefixes: ["n1-"], needs: "an N1 machine type (n1-*), e.g. n1-standard-8" },
  "nvidia-tesla-p4": { prefixes: ["n1-"], needs: "an N1 machine type (n1-*), e.g. n1-standard-8" },
  "nvidia-tesla-v100": { prefixes: ["n1-"], needs: "an N1 machine type (n1-*), e.g. n1-standard-8" },
  "nvidia-tesla-p100": { prefixes: ["n1-"], needs: "an N1 machine type (n1-*), e.g. n1-standard-8" },
  "nvidia-l4": { prefixes: ["g2-"], needs: "a G2 machine type (g2-*), e.g. g2-standard-8" },
  "nvidia-tesla-a100": {
    prefixes: ["a2-highgpu-", "a2-megagpu-"],
    needs: "an A2 Standard machine type (a2-highgpu-* or a2-megagpu-*), e.g. a2-highgpu-1g",
  },
  "nvidia-a100-80gb": {
    prefixes: ["a2-ultragpu-"],
    needs: "an A2 Ultra machine type (a2-ultragpu-*), e.g. a2-ultragpu-1g",
  },
  "nvidia-h100-80gb": {
    prefixes: ["a3-highgpu-"],
    needs: "an A3 High machine type (a3-highgpu-*), e.g. a3-highgpu-8g",
  },
};

const PERSISTENT_DISKS: BootDiskType[] = ["pd-standard", "pd-balanced", "pd-ssd"];

/**
 * Boot disk types each machine family takes. Source: Compute Engine, "Machine series comparison" and "Choose a disk
 * type" (cloud.google.com/compute/docs/machine-resource, /docs/disks): the first and second generations take
 * Persistent Disk only; C3 and C3D take Balanced and SSD Persistent Disk and Hyperdisk Balanced, but not Standard
 * Persistent Disk; N4, C4, C4A and C4D take Hyperdisk only. G2 (no Standard PD, no Hyperdisk Balanced) is the
 * entry least sure here.
 */
export const BOOT_DISKS: Record<string, BootDiskType[]> = {
  e2: PERSISTENT_DISKS,
  n1: PERSISTENT_DISKS,
  n2: PERSISTENT_DISKS,
  n2d: PERSISTENT_DISKS,
  c2: PERSISTENT_DISKS,
  c2d: PERSISTENT_DISKS,
  t2d: PERSISTENT_DISKS,
  c3: ["pd-balanced", "pd-ssd", "hyperdisk-balanced"],
  c3d: ["pd-balanced", "pd-ssd", "hyperdisk-balanced"],
  g2: ["pd-balanced", "pd-ssd"],
  n4: ["hyperdisk-balanced"],
  c4: ["hyperdisk-balanced"],
  c4a: ["hyperdisk-balanced"],
  c4d: ["hyperdisk-balanced"],
};

/** The boot disk a pool gets unless the stack file says: pd-balanced, or Hyperdisk where that is all there is. */
export function defaultBootDisk(machineType: string): BootDiskType {
  const fits = BOOT_DISKS[machineFamily(machineType)];
  return fits !== undefined && !fits.includes("pd-balanced") ? "hyperdisk-balanced" : "pd-balanced";
}
