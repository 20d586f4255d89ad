// Pure builders for a class's shared home volume: a PersistentVolume for an NFS export (given by address, or the
// cluster's Filestore instance) and the claim in the class namespace bound to it, and to nothing else.
import { homesPerStudent } from "../hub/servers";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { ADOPT_ANNOTATION, labels, NO_AWAIT_ANNOTATION } from "../labels";
import type { ClassConfig } from "../config/schema";
import { classSize } from "../hub/settings";
import { SHARED_CLAIM } from "../hub/sharedStorage";
import { bytes, formatBytes } from "../quantity";

/** An NFS export, as kubelet mounts it. */
export interface NfsExport {
  server: pulumi.Input<string>;
  path: pulumi.Input<string>;
}

/** The volume's cluster-wide name, one per class namespace. */
export const sharedVolumeName = (ns: string) => `classhub-${ns}-shared`;

/**
 * Retain: deleting the claim (or the namespace) never deletes the files; NFS has no provisioner that would anyway,
 * but the policy pack checks it. The claimRef reserves the volume for this class's claim. No storage class: the
 * claim binds this volume by name, and no provisioner makes another.
 */
export function sharedVolume(ns: string, nfs: NfsExport, capacity: string): k8s.types.input.core.v1.PersistentVolume {
  return {
    // Named: the claim binds it by name.
    metadata: { name: sharedVolumeName(ns), labels: labels(ns, "storage"), annotations: ADOPT_ANNOTATION },
    spec: {
      capacity: { storage: capacity },
      accessModes: ["ReadWriteMany"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "",
      claimRef: { namespace: ns, name: SHARED_CLAIM },
      nfs: { server: nfs.server, path: nfs.path },
    },
  };
}

export function sharedClaim(ns: string, capacity: string): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    // Named: the hub settings and the hub pod mount it by name. Not awaited, like hub-db: the hub's readiness,
    // which needs it mounted, proves it bound.
    metadata: {
      name: SHARED_CLAIM,
      namespace: ns,
      labels: labels(ns, "storage"),
      annotations: { ...ADOPT_ANNOTATION, ...NO_AWAIT_ANNOTATION },
    },
    spec: {
      accessModes: ["ReadWriteMany"],
      storageClassName: "",
      volumeName: sharedVolumeName(ns),
      resources: { requests: { storage: capacity } },
    },
  };
}

/** The shared volume's recorded capacity: the stack file's, or what the class plans for, a home per person. */
export function sharedCapacity(cls: ClassConfig): string {
  const shared = cls.storage.shared;
  const given = shared !== undefined && "nfs" in shared ? shared.nfs.capacity : undefined;
  return given ?? formatBytes(classSize(cls) * bytes(cls.storage.homeSize));
}

/**
 * What the students' homes add to the namespace quota: their claims, and the storage those request. A shared
 * volume is one claim; the size of a platform team's claim is unknown here (undefined: no storage limit).
 */
export function homeQuota(cls: ClassConfig): { claims: number; storage: number | undefined } {
  const shared = cls.storage.shared;
  const homes = classSize(cls) * homesPerStudent(cls);
  if (shared === undefined) return { claims: homes, storage: homes * bytes(cls.storage.homeSize) };
  return { claims: 1, storage: "claim" in shared ? undefined : bytes(sharedCapacity(cls)) };
}
