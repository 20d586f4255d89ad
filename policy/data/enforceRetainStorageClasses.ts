import * as k8s from "@pulumi/kubernetes";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { describe, show } from "../lib/describe";
import { skipUnknown } from "../lib/unknown";

/**
 * With reclaimPolicy Delete (Kubernetes' default) deleting a claim deletes the disk behind it: one mistaken
 * `kubectl delete pvc` or a deleted user erases a student's homework. Retain keeps the disk.
 */
export const enforceRetainStorageClasses: ResourceValidationPolicy = {
  name: "classhub-enforce-retain-storage-classes",
  description: "The home and hub-database storage classes keep their disks: reclaimPolicy Retain.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateResourceOfType(
    k8s.storage.v1.StorageClass,
    skipUnknown((storageClass, args, reportViolation) => {
      if (storageClass.reclaimPolicy !== "Retain") {
        reportViolation(
          `Expected reclaimPolicy Retain but found ${show(storageClass.reclaimPolicy ?? undefined)}` +
            `${storageClass.reclaimPolicy === undefined ? " (Kubernetes defaults to Delete)" : ""} in ${describe(args)}; ` +
            "set reclaimPolicy to Retain (storageClass() in components/storage/manifests.ts)",
        );
      }
    }),
  ),
};
