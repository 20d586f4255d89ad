import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, stackMatches } from "../lib/config";
import { hubSettingsValidation } from "../lib/hubSettings";
import { stackName } from "../lib/stack";

/** The logins that prove who a user is through an identity provider, which the message offers instead. */
const IDENTITY_PROVIDER_TYPES = "github, google, generic-oauth or cilogon";

interface Config {
  allowedStacks: string[];
  openTypes: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedStacks: {
      type: "array",
      items: { type: "string" },
      default: ["dev", "dev-*"],
      description: "Stacks (names, * matches any run of characters) that may use dummy or shared-password login.",
    },
    openTypes: {
      type: "array",
      items: { type: "string" },
      default: ["dummy", "shared-password"],
      description: "Authenticator types that let anyone in who knows a username or one shared password.",
    },
  },
};

/**
 * Dummy login accepts any password, and a shared password is one leak away from the same: fine on a laptop
 * cluster, never for a real class whose notebooks hold graded work and whose servers cost money.
 */
export const disallowOpenAuthentication: ResourceValidationPolicy = {
  name: "classhub-disallow-open-authentication",
  description: "Dummy or shared-password login only in the stacks the pack config allows (by default dev and dev-*).",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema,
  validateResource: hubSettingsValidation(({ settings, where }, args, reportViolation) => {
    const config = configWithDefaults<Config>(configSchema, args);
    const type = settings.auth.type;
    const stack = stackName();
    if (config.openTypes.includes(type) && !stackMatches(stack, config.allowedStacks)) {
      reportViolation(
        `Expected ${IDENTITY_PROVIDER_TYPES} login in stack ${JSON.stringify(stack)} but found auth type ` +
          `${JSON.stringify(type)} in ${where}; set classhub:class.auth.type to ${IDENTITY_PROVIDER_TYPES} ` +
          (config.allowedStacks.length === 0
            ? `(this pack allows ${JSON.stringify(type)} in no stack)`
            : `(${JSON.stringify(type)} is allowed only in stacks ${config.allowedStacks.join(", ")})`),
      );
    }
  }),
};
