// The auth section of the hub settings: the authenticator, who it admits, and course staff by group.
import type { ClassConfig } from "../config/schema";
// from the schema module itself: the schema index imports the hub manifests, which import these settings
import { CILOGON_GROUPS_CLAIM } from "../config/schema/auth";
import type { HubSettings } from "./settingsSchema";

type AuthSettings = HubSettings["auth"];

function callbackUrl(cls: ClassConfig): string | null {
  return cls.auth.type === "dummy" || cls.hostname === undefined ? null : `https://${cls.hostname}/hub/oauth_callback`;
}

/** Instructor and TA groups, for the authenticators that read groups: GitHub teams, or a claim's groups. */
function staff(cls: ClassConfig): { instructors: string[]; tas: string[] } {
  const auth = cls.auth;
  switch (auth.type) {
    case "github": {
      // GitHub compares organization names without case, and the hub names teams `org:slug` in lower case
      const lower = (teams: string[]) => teams.map((t) => t.toLowerCase());
      return { instructors: lower(auth.staffGroups.instructors), tas: lower(auth.staffGroups.tas) };
    }
    case "generic-oauth":
    case "cilogon":
      return auth.staffGroups;
    default:
      return { instructors: [], tas: [] };
  }
}

export function authSettings(cls: ClassConfig): AuthSettings {
  const auth = cls.auth;
  const { instructors, tas } = staff(cls);
  return {
    type: auth.type,
    admins: cls.admins,
    allowedUsers: cls.roster,
    callbackUrl: callbackUrl(cls),
    clientId: auth.type === "dummy" ? null : auth.clientId,
    github:
      auth.type === "github"
        ? {
            allowedOrganizations: auth.allowedOrganizations,
            // teams are read only for staff roles: otherwise every login would rewrite the hub's groups
            teamsAsGroups: instructors.length + tas.length > 0,
          }
        : null,
    google: auth.type === "google" ? { hostedDomain: auth.hostedDomain, allowedDomains: auth.allowedDomains } : null,
    genericOAuth:
      auth.type === "generic-oauth"
        ? {
            loginService: auth.loginService,
            authorizeUrl: auth.authorizeUrl,
            tokenUrl: auth.tokenUrl,
            userdataUrl: auth.userdataUrl,
            usernameClaim: auth.usernameClaim,
            scope: auth.scope,
            allowAll: auth.allowAll,
            allowedDomains: auth.allowedDomains,
            allowedGroups: auth.allowedGroups,
            claimGroupsKey: auth.claimGroupsKey ?? null,
          }
        : null,
    cilogon:
      auth.type === "cilogon"
        ? {
            idps: auth.idps,
            // groups are read only for staff roles: otherwise every login would rewrite the hub's groups
            claimGroupsKey: instructors.length + tas.length > 0 ? (auth.claimGroupsKey ?? CILOGON_GROUPS_CLAIM) : null,
          }
        : null,
    staffGroups: [...instructors, ...tas],
    instructorGroups: instructors,
    taGroups: tas,
  };
}
