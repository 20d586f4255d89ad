import * as k8s from "@pulumi/kubernetes";
import { type PolicyConfigSchema, type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { describe, show } from "../lib/describe";
import { skipUnknown } from "../lib/unknown";

interface Config {
  modes: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    modes: {
      type: "array",
      items: { type: "string", enum: ["enforce", "audit", "warn"] },
      default: ["enforce", "audit", "warn"],
      description: "Pod Security modes each class namespace must set to restricted.",
    },
  },
};

/**
 * Pod Security admission is the cluster's own check that every pod in a class namespace, students' servers
 * included, is restricted: no root, no privilege, no host access, even for pods classhub does not create.
 */
export const enforcePodSecurityLabels: ResourceValidationPolicy = {
  name: "classhub-enforce-pod-security-labels",
  description: 'Every class namespace carries the Pod Security "restricted" labels (enforce, audit and warn).',
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: validateResourceOfType(
    k8s.core.v1.Namespace,
    skipUnknown((namespace, args, reportViolation) => {
      const { modes } = configWithDefaults<Config>(configSchema, args);
      const labels: Record<string, string> = namespace.metadata?.labels ?? {};
      for (const mode of modes) {
        const label = `pod-security.kubernetes.io/${mode}`;
        if (labels[label] !== "restricted") {
          reportViolation(
            `Expected label ${label}=restricted but found ${show(labels[label])} in ${describe(args)}; ` +
              `set metadata.labels["${label}"] to "restricted" (POD_SECURITY_LABELS in components/namespace/manifests.ts)`,
          );
        }
      }
    }),
  ),
};
