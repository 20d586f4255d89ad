// Pure builders for the shared storage classes of a GKE cluster.
import type * as k8s from "@pulumi/kubernetes";

/** Names class stacks use to find the classes, across stacks, so they are fixed. */
export const HOME_STORAGE_CLASS = "classhub-home";
export const HUB_DB_STORAGE_CLASS = "classhub-hub-db";

/**
 * Persistent disks that outlive their claims (Retain), are created in the zone where the pod lands
 * (WaitForFirstConsumer), and can grow when a class raises homeSize.
 */
export function storageClass(
  name: string,
  diskType: "pd-balanced" | "pd-ssd",
): k8s.types.input.storage.v1.StorageClass {
  return {
    metadata: { name, labels: { "app.kubernetes.io/part-of": "classhub", "app.kubernetes.io/managed-by": "pulumi" } },
    provisioner: "pd.csi.storage.gke.io",
    parameters: { type: diskType },
    reclaimPolicy: "Retain",
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
  };
}
