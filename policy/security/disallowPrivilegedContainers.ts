import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { eachContainer, podSpecValidations } from "../lib/pods";

/** A privileged container, or one that may gain privileges, can take over its node and every class on it. */
export const disallowPrivilegedContainers: ResourceValidationPolicy = {
  name: "classhub-disallow-privileged-containers",
  description: "Containers run unprivileged and with allowPrivilegeEscalation: false (Pod Security restricted).",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: podSpecValidations((pod, _args, reportViolation) =>
    eachContainer(pod, (c) => {
      const context = c.container.securityContext ?? {};
      if (context.privileged === true) {
        reportViolation(
          `Expected privileged false but found true in ${c.label} of ${pod.resource}; ` +
            `set ${c.path}.securityContext.privileged to false (classhub's pods use components/security.ts)`,
        );
      }
      if (context.allowPrivilegeEscalation !== false) {
        reportViolation(
          `Expected allowPrivilegeEscalation false but found ${show(context.allowPrivilegeEscalation)} in ${c.label} of ` +
            `${pod.resource}; set ${c.path}.securityContext.allowPrivilegeEscalation to false`,
        );
      }
    }),
  ),
};
