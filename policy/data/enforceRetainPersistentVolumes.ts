import * as k8s from "@pulumi/kubernetes";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { describe, show } from "../lib/describe";
import { skipUnknown } from "../lib/unknown";

/**
 * A class's shared home volume holds every student's files. With reclaimPolicy Delete (or Recycle, which empties
 * it), deleting the claim or the namespace would erase them all at once.
 */
export const enforceRetainPersistentVolumes: ResourceValidationPolicy = {
  name: "classhub-enforce-retain-persistent-volumes",
  description: "PersistentVolumes the stack creates, such as a class's shared homes on NFS, use reclaimPolicy Retain.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateResourceOfType(
    k8s.core.v1.PersistentVolume,
    skipUnknown((volume, args, reportViolation) => {
      const policy = volume.spec?.persistentVolumeReclaimPolicy;
      if (policy !== "Retain") {
        reportViolation(
          `Expected persistentVolumeReclaimPolicy Retain but found ${show(policy)}` +
            `${policy === undefined ? " (Kubernetes defaults to Retain only for volumes made by hand)" : ""} in ` +
            `${describe(args)}; set persistentVolumeReclaimPolicy to Retain (sharedVolume() in ` +
            "components/storage/sharedManifests.ts)",
        );
      }
    }),
  ),
};
