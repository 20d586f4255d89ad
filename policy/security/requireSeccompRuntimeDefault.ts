import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { effective, eachContainer, podSpecValidations } from "../lib/pods";

/** The runtime's default seccomp profile blocks the rarely used syscalls most container escapes go through. */
export const requireSeccompRuntimeDefault: ResourceValidationPolicy = {
  name: "classhub-require-seccomp-runtime-default",
  description:
    "Every container runs with the seccomp profile RuntimeDefault (or a Localhost profile), never Unconfined.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: podSpecValidations((pod, _args, reportViolation) =>
    eachContainer(pod, (c) => {
      const type = effective(pod, c, (context) => context.seccompProfile?.type);
      if (type !== "RuntimeDefault" && type !== "Localhost") {
        reportViolation(
          `Expected seccompProfile RuntimeDefault but found ${show(type)} in ${c.label} of ${pod.resource}; ` +
            `set ${pod.path}.securityContext.seccompProfile.type to RuntimeDefault`,
        );
      }
    }),
  ),
};
