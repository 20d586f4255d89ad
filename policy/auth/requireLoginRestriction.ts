import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hubSettingsValidation } from "../lib/hubSettings";

/** The stack-file keys that admit students for each authenticator, beyond the roster. */
const RESTRICTION: Record<string, string> = {
  github: "classhub:class.auth.allowedOrganizations",
  google: "classhub:class.auth.hostedDomain or allowedDomains",
  "generic-oauth": "classhub:class.auth.allowedGroups, allowedDomains or allowAll",
  cilogon: "classhub:class.auth.idps[].allowedDomains or allowAll",
};

/**
 * An OAuth hub with neither a roster nor an organization, domain or group restriction lets every GitHub or Google
 * account in the world start a server on the class's budget.
 */
export const requireLoginRestriction: ResourceValidationPolicy = {
  name: "classhub-require-login-restriction",
  description:
    "Every class admits students by a roster or by an organization, domain, group or identity provider, never anyone.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: hubSettingsValidation(({ settings, where }, _args, reportViolation) => {
    const auth = settings.auth;
    const restrictions = [
      ...(auth.allowedUsers ?? []),
      ...(auth.github?.allowedOrganizations ?? []),
      ...(auth.google?.hostedDomain ?? []),
      ...(auth.google?.allowedDomains ?? []),
      ...(auth.genericOAuth?.allowedGroups ?? []),
      ...(auth.genericOAuth?.allowedDomains ?? []),
      ...(auth.genericOAuth?.allowAll ? ["allowAll"] : []),
      ...(auth.cilogon?.idps ?? []).flatMap((idp) => [...idp.allowedDomains, ...(idp.allowAll ? ["allowAll"] : [])]),
    ];
    if (restrictions.length === 0) {
      const restriction = RESTRICTION[auth.type];
      reportViolation(
        `Expected a roster${restriction === undefined ? "" : " or an organization, domain or group restriction"} but ` +
          `found none in auth of ${where}; set classhub:class.roster (or rosterFile)` +
          (restriction === undefined ? "" : ` or ${restriction}`),
      );
    }
  }),
};
