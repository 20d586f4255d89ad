// classhub:class.auth: the authenticator, who it admits besides the roster, and course staff by the provider's groups.
import { z } from "zod";
import { hostname, httpsUrl } from "./values";

/** Claims that give '@' logins (user@domain), where the authenticator reads the username from a claim. */
export const AT_CLAIMS = ["email", "eppn", "upn"];
/** The CILogon claims a username may come from: both are user@domain. */
export const CILOGON_CLAIMS = ["eppn", "email"] as const;

const oauthBase = {
  clientId: z
    .string()
    .min(1, { error: "expected the OAuth client id" })
    .describe(
      "Client id of the OAuth app, registered with the callback URL `https://<hostname>/hub/oauth_callback`. " +
        "Its secret goes in `classhub:oauthClientSecret`.",
    ),
};

const groupList = z.array(z.string().min(1, { error: "expected a group name" })).default([]);

const staffGroups = z
  .strictObject({
    instructors: groupList.describe(
      "Groups whose members are class admins, as if listed in `admins` (with `adminAccess`, JupyterHub admins).",
    ),
    tas: groupList.describe(
      "Groups whose members get the `class-ta` role: the admin page, the list of users and servers, starting, " +
        "stopping and opening students' servers; not adding or deleting users, editing groups or shutting the hub down.",
    ),
  })
  .prefault({})
  .describe(
    "Course staff by group: with `github` a team, `org:team` (read with the `read:org` scope, compared in " +
      "lower case as GitHub does); with `generic-oauth` and `cilogon` a group of the claim `claimGroupsKey` " +
      "names. Members may log in; a person taken out of the group loses the role at their next login.",
  );

const domains = z.array(hostname).default([]);
const allowedDomains = domains.describe(
  "Domains whose every user may log in, besides the roster and the admins, who may be of any domain: the way to " +
    "admit a domain plus named outsiders. With `google`, the account's Google Workspace domain (the `hd` claim " +
    "Google vouches for, not the email's domain; not with `hostedDomain`). With `generic-oauth`, the domain of the " +
    "`email` claim, which the provider must vouch for: a false `email_verified` is refused.",
);
/** CILogon's claim with a person's groups, which the institution's identity provider releases. */
export const CILOGON_GROUPS_CLAIM = "isMemberOf";
const claimGroupsKey = z
  .string()
  .min(1)
  .optional()
  .describe(
    "User-info claim that lists a user's groups, for `allowedGroups` and `staffGroups`, e.g. `groups`; required " +
      `with those keys with \`generic-oauth\`. With \`cilogon\` it defaults to CILogon's, \`${CILOGON_GROUPS_CLAIM}\`.`,
  );

const idp = z.strictObject({
  entityId: z
    .string()
    .regex(/^(https?|urn):\S+$/, { error: "expected a CILogon EntityID, e.g. urn:mace:incommon:berkeley.edu" })
    .describe("The identity provider's EntityID, as https://cilogon.org/idplist lists it."),
  usernameClaim: z
    .enum(CILOGON_CLAIMS)
    .default("eppn")
    .describe(
      "Claim the username comes from: `eppn` (`user@scope`, the institution's own login) or `email`. Both " +
        "are `user@domain`, so the roster and the admins are written that way.",
    ),
  allowAll: z.boolean().default(false).describe("Admit everyone this identity provider authenticates."),
  allowedDomains: domains.describe(
    "Domains whose every user of this identity provider may log in: the domain of its username claim, e.g. " +
      "`berkeley.edu` for `ada@berkeley.edu`.",
  ),
});

export const auth = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      // The discriminator is described once, here; the reference shows one row for it.
      type: z
        .literal("dummy")
        .describe(
          "The authenticator: `dummy` (any name with any password; only on stacks named `dev` or `dev-*`), " +
            "`github`, `google`, `generic-oauth` (any OAuth 2 or OpenID Connect provider, e.g. an LMS such as " +
            "Canvas), or `cilogon` (CILogon, which federates most universities' identity providers).",
        ),
    }),
    z.strictObject({
      type: z.literal("github"),
      ...oauthBase,
      allowedOrganizations: z
        .array(z.string().regex(/^[A-Za-z0-9-]+(:[A-Za-z0-9_.-]+)?$/))
        .default([])
        .describe(
          "GitHub organizations (`org`) or teams (`org:team`) whose members may log in, besides the roster. " +
            "The hub then asks GitHub for `read:org`.",
        ),
      staffGroups,
    }),
    z.strictObject({
      type: z.literal("google"),
      ...oauthBase,
      hostedDomain: z
        .array(hostname)
        .default([])
        .describe(
          "Google Workspace domains whose accounts may log in; accounts of other domains are refused. With an " +
            "empty roster every account of these domains may log in; otherwise the roster and the admins must be " +
            "accounts of these domains. To admit a domain plus named outsiders, use `allowedDomains` instead.",
        ),
      allowedDomains,
    }),
    z.strictObject({
      type: z.literal("generic-oauth"),
      ...oauthBase,
      loginService: z.string().min(1).default("Single sign-on").describe("Name of the provider on the login button."),
      authorizeUrl: httpsUrl.describe(
        "The provider's authorization endpoint, an https URL; people's browsers go there to log in.",
      ),
      tokenUrl: httpsUrl.describe(
        "The provider's token endpoint, an https URL. The hub calls it, so its port is opened in the hub's egress.",
      ),
      userdataUrl: httpsUrl.describe(
        "The provider's user-info endpoint, an https URL. The hub calls it, so its port is opened in the hub's egress.",
      ),
      usernameClaim: z
        .string()
        .min(1)
        .default("preferred_username")
        .describe(
          `User-info claim that names the user. With ${AT_CLAIMS.map((c) => `\`${c}\``).join(", ")} the roster ` +
            "and the admins are `user@domain` logins.",
        ),
      scope: z
        .array(z.string().min(1))
        .default(["openid", "profile", "email"])
        .describe("OAuth scopes the hub asks for."),
      allowAll: z
        .boolean()
        .default(false)
        .describe(
          "Admit everyone the provider authenticates, e.g. an LMS whose OAuth app serves this class only. An " +
            "empty roster never means this; it must be said. Needs `expectedStudents`.",
        ),
      allowedDomains,
      allowedGroups: z
        .array(z.string().min(1))
        .default([])
        .describe("Groups (from `claimGroupsKey`) whose members may log in, besides the roster."),
      claimGroupsKey,
      staffGroups,
    }),
    z.strictObject({
      type: z.literal("cilogon"),
      ...oauthBase,
      idps: z
        .array(idp)
        .min(1, { error: "expected at least one identity provider" })
        .describe(
          "The identity providers people may choose at CILogon; the first is preselected. A person is admitted " +
            "by the roster, the admins, or their provider's `allowAll` or `allowedDomains`.",
        ),
      claimGroupsKey,
      staffGroups,
    }),
  ],
  { error: "expected one of dummy, github, google, generic-oauth, cilogon" },
);

export type AuthConfig = z.output<typeof auth>;
