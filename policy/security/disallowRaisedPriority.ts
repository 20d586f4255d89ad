import * as k8s from "@pulumi/kubernetes";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { describe, show } from "../lib/describe";
import { skipUnknown } from "../lib/unknown";

/**
 * Pod priority is cluster-wide. A class whose PriorityClass outranked the default, 0, would have its pods evict
 * other classes' students to get their nodes; one that preempts, or is the default, would do the same to anyone.
 * classhub creates one only for user placeholders, which yield to everybody and take from nobody.
 */
export const disallowRaisedPriority: ResourceValidationPolicy = {
  name: "classhub-disallow-raised-priority",
  description:
    "PriorityClasses a stack creates rank below the default priority, never preempt and are not the default.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(
    k8s.scheduling.v1.PriorityClass,
    skipUnknown((priority, args, reportViolation) => {
      const where = describe(args);
      const fix = "(placeholderPriorityClass() in components/capacity/manifests.ts)";
      if (!(typeof priority.value === "number" && priority.value < 0)) {
        reportViolation(`Expected a value below 0 but found ${show(priority.value)} in ${where}; lower it ${fix}`);
      }
      if (priority.preemptionPolicy !== "Never") {
        reportViolation(
          `Expected preemptionPolicy Never but found ${show(priority.preemptionPolicy)} in ${where}; set it ${fix}`,
        );
      }
      if (priority.globalDefault === true) {
        reportViolation(`Expected globalDefault false but found true in ${where}; set it to false ${fix}`);
      }
    }),
  ),
};
