import * as k8s from "@pulumi/kubernetes";
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, stackMatches } from "../lib/config";
import { describe } from "../lib/describe";
import { settingsOf } from "../lib/hubSettings";
import { stackName } from "../lib/stack";
import { isKnown, known } from "../lib/unknown";

interface Config {
  retainedStorageClasses: string[];
  exemptStacks: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    retainedStorageClasses: {
      type: "array",
      items: { type: "string" },
      default: ["classhub-home", "classhub-hub-db"],
      description:
        "Storage classes known to use reclaimPolicy Retain that this stack does not create itself: those of the " +
        "cluster stack it references (checked there by classhub-enforce-retain-storage-classes).",
    },
    exemptStacks: {
      type: "array",
      items: { type: "string" },
      default: ["dev", "dev-*"],
      description:
        "Stacks (names, * matches any run of characters) on laptop clusters whose volumes hold no real data.",
    },
  },
};

/**
 * Student homes and the hub database must outlive any config change and a `pulumi destroy`. The program marks its
 * claims retainOnDelete, but the analyzer protocol carries only `protect` of the resource options, so a policy
 * cannot see retainOnDelete. What it can check is that the data survives even if a claim is deleted: the claim is
 * protected, or its storage class keeps the disk (Retain). Home claims are KubeSpawner's, from the hub settings.
 */
export const requireRetainedVolumeClaims: StackValidationPolicy = {
  name: "classhub-require-retained-volume-claims",
  description:
    "Every hub-database and home volume claim is protected, or uses a storage class with reclaimPolicy Retain.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema,
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<Config>(configSchema, args);
    if (stackMatches(stackName(), config.exemptStacks)) return;
    const retained = new Set(config.retainedStorageClasses);
    const classes = new Map<string, string | undefined>();
    for (const r of args.resources.filter((r) => r.isType(k8s.storage.v1.StorageClass))) {
      const name = known(() => r.props.metadata?.name as string | undefined) ?? r.name;
      classes.set(
        name,
        known(() => r.props.reclaimPolicy as string | undefined),
      );
    }
    /** Why a storage class does not keep its disks, or undefined if it does. */
    const why = (storageClass: string | null | undefined): string | undefined => {
      if (storageClass === undefined || storageClass === null)
        return "the cluster's default storage class, whose reclaimPolicy is unknown";
      if (storageClass === "") return "a claim bound by name to a volume not known to keep its files";
      if (classes.has(storageClass)) {
        const policy = classes.get(storageClass);
        return policy === "Retain"
          ? undefined
          : `storage class ${storageClass} with reclaimPolicy ${policy ?? "Delete"}`;
      }
      return retained.has(storageClass) ? undefined : `storage class ${storageClass}, not known to retain its disks`;
    };

    // Volumes of this stack that keep their files (checked by classhub-enforce-retain-persistent-volumes).
    const retainedVolumes = new Set(
      args.resources
        .filter((r) => r.isType(k8s.core.v1.PersistentVolume))
        .filter((r) => known(() => r.props.spec?.persistentVolumeReclaimPolicy) === "Retain")
        .map((r) => known(() => r.props.metadata?.name as string | undefined)),
    );
    for (const r of args.resources.filter((r) => r.isType(k8s.core.v1.PersistentVolumeClaim))) {
      if (r.opts.protect) continue;
      // A claim bound by name to a retained volume of this stack: the class's shared homes.
      if (retainedVolumes.has(known(() => r.props.spec?.volumeName as string | undefined))) continue;
      if (!isKnown(() => r.props.spec?.storageClassName)) continue;
      const storageClass = r.props.spec?.storageClassName as string | undefined;
      const problem = why(storageClass);
      if (problem !== undefined) {
        reportViolation(
          `Expected a protected claim or a storage class with reclaimPolicy Retain but found ${problem} in ` +
            `${describe(r)}; set classhub:cluster.storageClasses.hubDb to a Retain class (or protect the claim)`,
          r.urn,
        );
      }
    }
    for (const r of args.resources.filter((r) => r.isType(k8s.core.v1.ConfigMap))) {
      const at = settingsOf(
        known(() => r.props.data),
        describe(r),
      );
      // Shared homes make no claim per student; their volume is checked above.
      if (at === undefined || at.settings.storage?.shared) continue;
      const problem = why(at.settings.storage?.storageClass);
      if (problem !== undefined) {
        reportViolation(
          `Expected students' home claims on a storage class with reclaimPolicy Retain but found ${problem} in ` +
            `storage.storageClass of ${at.where}; set classhub:cluster.storageClasses.home to a Retain class`,
          r.urn,
        );
      }
    }
  },
};
