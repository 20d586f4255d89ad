import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { show } from "../lib/describe";
import { eachContainer, podSpecValidations } from "../lib/pods";

interface Config {
  allowedCapabilities: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedCapabilities: {
      type: "array",
      items: { type: "string" },
      default: ["NET_BIND_SERVICE"],
      description:
        "Capabilities a container may add back after dropping ALL. Pod Security restricted allows only NET_BIND_SERVICE.",
    },
  },
};

/** Linux capabilities are root's powers in pieces; a container keeps none of them unless the pack config allows it. */
export const requireDroppedCapabilities: ResourceValidationPolicy = {
  name: "classhub-require-dropped-capabilities",
  description: "Every container drops ALL capabilities and adds back only those the pack config allows.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: podSpecValidations((pod, args, reportViolation) => {
    const { allowedCapabilities } = configWithDefaults<Config>(configSchema, args);
    eachContainer(pod, (c) => {
      const capabilities = c.container.securityContext?.capabilities ?? {};
      const drop: string[] = [...(capabilities.drop ?? [])];
      if (!drop.includes("ALL")) {
        reportViolation(
          `Expected capabilities.drop to include "ALL" but found ${show(drop.length === 0 ? undefined : drop)} in ` +
            `${c.label} of ${pod.resource}; set ${c.path}.securityContext.capabilities.drop to ["ALL"]`,
        );
      }
      const added: string[] = [...(capabilities.add ?? [])];
      for (const capability of added.filter((a) => !allowedCapabilities.includes(a))) {
        reportViolation(
          `Expected no added capabilities beyond ${show(allowedCapabilities)} but found ${show(capability)} in ` +
            `${c.label} of ${pod.resource}; remove it from ${c.path}.securityContext.capabilities.add`,
        );
      }
    });
  }),
};
