import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { hubSettingsValidation } from "../lib/hubSettings";

interface Config {
  minAdmins: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    minAdmins: {
      type: "integer",
      minimum: 1,
      default: 1,
      description: "Fewest hub admins (course staff) a class may have.",
    },
  },
};

/** Without an admin nobody can stop a runaway server, help a student or add a late enrollee during the term. */
export const requireHubAdmins: ResourceValidationPolicy = {
  name: "classhub-require-hub-admins",
  description: "Every class names at least one hub admin (course staff), or as many as the pack config asks.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateResource: hubSettingsValidation(({ settings, where }, args, reportViolation) => {
    const { minAdmins } = configWithDefaults<Config>(configSchema, args);
    const admins = settings.auth.admins ?? [];
    if (admins.length < minAdmins) {
      reportViolation(
        `Expected at least ${minAdmins} admin${minAdmins === 1 ? "" : "s"} but found ${admins.length} in auth.admins of ` +
          `${where}; list course staff in classhub:class.admins`,
      );
    }
  }),
};
