import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { hubSettingsValidation } from "../lib/hubSettings";
import { effective, eachContainer, podSpecValidations } from "../lib/pods";

/** Root in a container is one kernel bug away from root on the node. Covers classhub's pods and the students' servers. */
export const requireRunAsNonRoot: ResourceValidationPolicy = {
  name: "classhub-require-run-as-non-root",
  description: "Every container runs with runAsNonRoot: true and a non-zero uid, and so do students' servers.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: [
    ...podSpecValidations((pod, _args, reportViolation) =>
      eachContainer(pod, (c) => {
        const nonRoot = effective(pod, c, (context) => context.runAsNonRoot);
        if (nonRoot !== true) {
          reportViolation(
            `Expected runAsNonRoot true but found ${show(nonRoot)} in ${c.label} of ${pod.resource}; ` +
              `set ${pod.path}.securityContext.runAsNonRoot (or ${c.path}.securityContext.runAsNonRoot) to true`,
          );
        }
        const uid = effective(pod, c, (context) => context.runAsUser);
        if (uid === 0) {
          reportViolation(
            `Expected a non-zero runAsUser but found 0 in ${c.label} of ${pod.resource}; ` +
              `set ${c.path}.securityContext.runAsUser to the image's unprivileged uid, e.g. 1000`,
          );
        }
      }),
    ),
    hubSettingsValidation(({ settings, where }, _args, reportViolation) => {
      const uid = settings.spawner.uid;
      if (typeof uid !== "number" || uid === 0) {
        reportViolation(
          `Expected a non-zero spawner.uid for students' servers but found ${show(uid)} in ${where}; ` +
            "set spawner.uid to 1000 (jovyan) in components/hub/settings.ts",
        );
      }
    }),
  ],
};
