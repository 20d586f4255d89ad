import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { hubSettingsValidation } from "../lib/hubSettings";

interface Config {
  maxTimeoutMinutes: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    maxTimeoutMinutes: {
      type: "integer",
      minimum: 5,
      default: 120,
      description: "Longest a student's idle server may keep running before the culler stops it.",
    },
  },
};

/** Students close the tab, not the server. Without culling every server of the term keeps its node running. */
export const requireIdleCulling: ResourceValidationPolicy = {
  name: "classhub-require-idle-culling",
  description: "Idle culling is on, with a timeout no longer than the pack config's ceiling.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema,
  validateResource: hubSettingsValidation(({ settings, where }, args, reportViolation) => {
    const { maxTimeoutMinutes } = configWithDefaults<Config>(configSchema, args);
    const culler = settings.culler;
    if (culler?.enabled !== true) {
      reportViolation(
        `Expected idle culling enabled but found culler.enabled ${JSON.stringify(culler?.enabled ?? null)} in ${where}; ` +
          "set classhub:class.culling.enabled to true",
      );
      return;
    }
    const minutes = culler.timeoutSeconds / 60;
    if (!(minutes <= maxTimeoutMinutes)) {
      reportViolation(
        `Expected an idle timeout of at most ${maxTimeoutMinutes} minutes but found ${minutes} minutes in ${where}; ` +
          `set classhub:class.culling.timeoutMinutes to ${maxTimeoutMinutes} or less`,
      );
    }
  }),
};
