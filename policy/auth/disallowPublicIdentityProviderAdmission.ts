import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { hubSettingsValidation } from "../lib/hubSettings";

interface Config {
  publicIdps: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    publicIdps: {
      type: "array",
      items: { type: "string" },
      // CILogon's EntityIDs of the providers where anyone can make an account
      default: [
        "http://google.com/accounts/o8/id",
        "http://github.com/login/oauth/authorize",
        "http://orcid.org/oauth/authorize",
        "http://login.microsoftonline.com/common/oauth2/v2.0/authorize",
      ],
      description: "CILogon EntityIDs of identity providers where anyone can make an account.",
    },
  },
};

/**
 * CILogon federates Google, GitHub, ORCID and Microsoft accounts too, which anyone can open in a minute:
 * admitting everyone such a provider authenticates is admitting everyone, on the class's budget.
 */
export const disallowPublicIdentityProviderAdmission: ResourceValidationPolicy = {
  name: "classhub-disallow-public-identity-provider-admission",
  description: "No CILogon identity provider where anyone can make an account admits all its users (allowAll).",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema,
  validateResource: hubSettingsValidation(({ settings, where }, args, reportViolation) => {
    const { publicIdps } = configWithDefaults<Config>(configSchema, args);
    (settings.auth.cilogon?.idps ?? []).forEach((idp, i) => {
      if (idp.allowAll && publicIdps.includes(idp.entityId)) {
        reportViolation(
          `Expected no admission of everyone from public identity provider ${JSON.stringify(idp.entityId)} but ` +
            `found allowAll in auth.cilogon.idps[${i}] of ${where}; set classhub:class.auth.idps[${i}].allowAll ` +
            "to false and list its people in classhub:class.roster, or admit an institution's provider instead",
        );
      }
    });
  }),
};
