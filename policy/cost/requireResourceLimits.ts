import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hubSettingsValidation, profileKey } from "../lib/hubSettings";
import { eachContainer, podSpecValidations } from "../lib/pods";
import { known } from "../lib/unknown";

const RESOURCES = ["cpu", "memory"] as const;

/**
 * A container without requests is scheduled as if it were free, and one without limits can take a node from
 * everyone on it; the namespace quota also refuses pods that declare neither. Students' servers get theirs from
 * the hub settings.
 */
export const requireResourceLimits: ResourceValidationPolicy = {
  name: "classhub-require-resource-limits",
  description: "Every container, students' servers included, declares CPU and memory requests and limits.",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: [
    ...podSpecValidations((pod, _args, reportViolation) =>
      eachContainer(pod, (c) => {
        for (const kind of ["requests", "limits"] as const) {
          const declared = known(() => c.container.resources?.[kind]) ?? {};
          const missing = RESOURCES.filter((r) => declared[r] === undefined || declared[r] === null);
          if (missing.length > 0) {
            reportViolation(
              `Expected ${kind} for cpu and memory but found none for ${missing.join(" and ")} in ${c.label} of ` +
                `${pod.resource}; set ${c.path}.resources.${kind}`,
            );
          }
        }
      }),
    ),
    hubSettingsValidation(({ settings, where }, _args, reportViolation) => {
      const fields = [
        ["cpuGuarantee", "cpuGuarantee"],
        ["cpuLimit", "cpuLimit"],
        ["memGuarantee", "memoryGuarantee"],
        ["memLimit", "memoryLimit"],
      ] as const;
      const missing = fields.filter(
        ([field]) => typeof settings.spawner[field] !== "number" || settings.spawner[field]! <= 0,
      );
      if (missing.length > 0) {
        reportViolation(
          `Expected students' servers to have CPU and memory guarantees and limits but found none for ` +
            `${missing.map(([field]) => `spawner.${field}`).join(", ")} in ${where}; ` +
            `set ${missing.map(([, key]) => `classhub:class.resources.${key}`).join(", ")}`,
        );
      }
      settings.spawner.profiles.forEach((p, i) => {
        for (const [field, key] of fields) {
          const value = p.overrides[field];
          if (value !== null && value !== undefined && !(value > 0)) {
            reportViolation(
              `Expected a positive ${field} but found ${value} in profile ${p.slug} of ${where}; set ${profileKey(i, `resources.${key}`)}`,
            );
          }
        }
      });
    }),
  ],
};
