// Rules for classhub:class.auth and who it lets in, beyond what the zod schema checks: the shape of logins for the
// chosen authenticator and claim, the keys each admission mode needs, and the class size it must state.
import { show } from "./errors";
import { AT_CLAIMS, type ClassConfig, EMAIL, GITHUB_LOGIN, USERNAME } from "./schema";

/** Stacks where dummy login (anyone with any password) is allowed. */
export const DEV_STACKS = /^dev(-[\w.-]*)?$/;

export type Report = (key: string, value: unknown, message: string) => void;
type Auth = ClassConfig["auth"];

const AT_CLAIM_WORDS = AT_CLAIMS.join(", ").replace(/, (?=[^,]*$)/, " or ");

/** Whether the authenticator names people user@domain, and which setting makes it so. */
function atLogins(auth: Auth): [boolean, string] {
  switch (auth.type) {
    case "google":
      return [true, "Google logins are the account's email address"];
    case "cilogon":
      return [true, "CILogon logins come from the eppn or email claim (auth.idps[].usernameClaim), user@domain"];
    case "generic-oauth":
      return AT_CLAIMS.includes(auth.usernameClaim)
        ? [true, `auth.usernameClaim ${auth.usernameClaim} gives user@domain logins`]
        : [false, `user@domain logins need auth.usernameClaim ${AT_CLAIM_WORDS}; ${auth.usernameClaim} gives none`];
    case "github":
      return [false, "GitHub logins have no '@'"];
    default:
      return [
        false,
        `user@domain logins need auth type google, cilogon, or generic-oauth with usernameClaim ${AT_CLAIM_WORDS}`,
      ];
  }
}

/** What the class's logins look like, and the hint for a login whose '@' is wrong for the authenticator. */
function loginPattern(auth: Auth): { pattern: RegExp; what: string; at: boolean; hint: string } {
  const [at, hint] = atLogins(auth);
  if (at) return { pattern: EMAIL, what: "a user@domain login", at, hint };
  if (auth.type === "github") return { pattern: GITHUB_LOGIN, what: "a GitHub login", at, hint };
  return { pattern: USERNAME, what: "a username: lowercase letters, digits, '.', '_' or '-'", at, hint };
}

export function listedOnce(report: Report, key: string, values: string[], what: string) {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) report(key, value, `listed twice; list each ${what} once`);
    seen.add(value);
  }
}

/** Admins and roster: well-formed for the authenticator, each once, and able to pass its domain check. */
export function loginProblems(cls: ClassConfig, report: Report) {
  const { pattern, what, at, hint } = loginPattern(cls.auth);
  for (const list of ["admins", "roster"] as const) {
    cls[list].forEach((user, i) => {
      if (!pattern.test(user)) {
        report(`${list}[${i}]`, user, `expected ${what}${user.includes("@") !== at ? `; ${hint}` : ""}`);
      }
    });
    listedOnce(report, list, cls[list], "user");
  }
  const auth = cls.auth;
  if (auth.type === "google" && auth.hostedDomain.length > 0) {
    // OAuthenticator blocks an account whose Google Workspace domain (the hd claim) is not a hosted domain
    // before it reads the allow-list, so a listed user of another domain could never log in.
    const domains = auth.hostedDomain;
    for (const list of ["admins", "roster"] as const) {
      cls[list].forEach((user, i) => {
        if (pattern.test(user) && !domains.includes(user.split("@")[1])) {
          report(
            `${list}[${i}]`,
            user,
            `is outside auth.hostedDomain ${show(domains)}, and Google login refuses other domains before it reads ` +
              `the ${list}; list the person's ${domains.join(" or ")} account, or admit the domain with ` +
              "auth.allowedDomains instead of auth.hostedDomain, which lets listed outsiders in",
          );
        }
      });
    }
  }
}

/** Keys that admit students beyond the roster, each with whether it admits anyone now. */
function admissionKeys(auth: Auth, rosterEmpty: boolean): [string, boolean][] {
  switch (auth.type) {
    case "github":
      return [["auth.allowedOrganizations", auth.allowedOrganizations.length > 0]];
    case "google":
      // hostedDomain only restricts a class with a roster; without one it admits the whole domain
      return [
        ["auth.hostedDomain", rosterEmpty && auth.hostedDomain.length > 0],
        ["auth.allowedDomains", auth.allowedDomains.length > 0],
      ];
    case "generic-oauth":
      return [
        ["auth.allowAll", auth.allowAll],
        ["auth.allowedDomains", auth.allowedDomains.length > 0],
        ["auth.allowedGroups", auth.allowedGroups.length > 0],
      ];
    case "cilogon":
      return auth.idps.flatMap((idp, i): [string, boolean][] => [
        [`auth.idps[${i}].allowAll`, idp.allowAll],
        [`auth.idps[${i}].allowedDomains`, idp.allowedDomains.length > 0],
      ]);
    default:
      return [];
  }
}

/** Admission modes new with open admission: their roster, if any, lists outsiders, not the class. */
const SIZED_BY_EXPECTED = /allowAll|allowedDomains/;

/** A GitHub team as OAuthenticator names it: `org:team`, the team's slug as in its URL. */
const GITHUB_TEAM = /^[A-Za-z0-9-]+:[A-Za-z0-9_.-]+$/;

/** staffGroups: a claim (or GitHub's teams) to read them from, each group once and in one role. */
function staffProblems(auth: Auth, report: Report) {
  if (auth.type !== "generic-oauth" && auth.type !== "cilogon" && auth.type !== "github") return;
  // GitHub compares names without case: two spellings are one team
  const name = (group: string) => (auth.type === "github" ? group.toLowerCase() : group);
  const { instructors, tas } = auth.staffGroups;
  for (const [role, groups] of [
    ["instructors", instructors],
    ["tas", tas],
  ] as const) {
    groups.forEach((group, i) => {
      if (auth.type === "github" && !GITHUB_TEAM.test(group)) {
        report(
          `auth.staffGroups.${role}[${i}]`,
          group,
          "expected a GitHub team as org:team (its slug), e.g. cs294:gsis",
        );
      }
    });
    listedOnce(report, `auth.staffGroups.${role}`, groups.map(name), "group");
  }
  for (const group of tas.filter((g) => instructors.map(name).includes(name(g)))) {
    report("auth.staffGroups.tas", group, "is also in auth.staffGroups.instructors; give each group one role");
  }
  if (auth.type === "generic-oauth" && auth.claimGroupsKey === undefined && instructors.length + tas.length > 0) {
    report(
      "auth.staffGroups",
      auth.staffGroups,
      "needs auth.claimGroupsKey, the user-info claim that lists a user's groups (e.g. groups)",
    );
  }
}

/** The keys each OAuth authenticator's admission needs, each list without repeats. */
function oauthKeyProblems(auth: Auth, report: Report) {
  if (auth.type === "github")
    listedOnce(report, "auth.allowedOrganizations", auth.allowedOrganizations, "organization");
  if (auth.type === "google") {
    listedOnce(report, "auth.hostedDomain", auth.hostedDomain, "domain");
    listedOnce(report, "auth.allowedDomains", auth.allowedDomains, "domain");
    if (auth.hostedDomain.length > 0 && auth.allowedDomains.length > 0) {
      report(
        "auth.allowedDomains",
        auth.allowedDomains,
        "cannot be combined with auth.hostedDomain, which refuses every other domain; to admit a domain plus " +
          "listed outsiders, set auth.allowedDomains alone",
      );
    }
  }
  if (auth.type === "generic-oauth") {
    listedOnce(report, "auth.allowedDomains", auth.allowedDomains, "domain");
    listedOnce(report, "auth.allowedGroups", auth.allowedGroups, "group");
    if (auth.allowedGroups.length > 0 && auth.claimGroupsKey === undefined) {
      report(
        "auth.allowedGroups",
        auth.allowedGroups,
        "needs auth.claimGroupsKey, the user-info claim that lists a user's groups (e.g. groups)",
      );
    }
  }
  if (auth.type === "cilogon") {
    listedOnce(
      report,
      "auth.idps",
      auth.idps.map((idp) => idp.entityId),
      "identity provider",
    );
    auth.idps.forEach((idp, i) => listedOnce(report, `auth.idps[${i}].allowedDomains`, idp.allowedDomains, "domain"));
  }
  staffProblems(auth, report);
}

/** Who may log in at all: dummy only on dev stacks; OAuth with its secret, a callback hostname and an admission. */
export function admissionProblems(
  cls: ClassConfig,
  stack: string,
  hasOauthClientSecret: boolean,
  report: Report,
): string[] {
  const auth = cls.auth;
  const unkeyed: string[] = [];
  if (auth.type === "dummy") {
    if (!DEV_STACKS.test(stack)) {
      report(
        "auth.type",
        "dummy",
        `dummy lets anyone in and is allowed only on dev stacks, not '${stack}'; use github, google, generic-oauth or cilogon`,
      );
    }
    if (cls.roster.length === 0) {
      report("roster", [], "is empty: with dummy login only the roster and the admins may log in; add students");
    }
    return unkeyed;
  }
  if (!hasOauthClientSecret) {
    unkeyed.push(
      `classhub:oauthClientSecret: required with auth type ${auth.type}; run 'pulumi config set --secret classhub:oauthClientSecret <secret>'`,
    );
  }
  if (cls.hostname === undefined) {
    report(
      "hostname",
      undefined,
      `required with auth type ${auth.type}: the OAuth callback URL is https://<hostname>/hub/oauth_callback`,
    );
  }
  oauthKeyProblems(auth, report);
  const rosterEmpty = cls.roster.length === 0;
  const keys = admissionKeys(auth, rosterEmpty);
  const admitting = keys.filter(([, admits]) => admits).map(([key]) => key);
  if (rosterEmpty && admitting.length === 0) {
    report(
      "roster",
      [],
      `is empty and nothing else admits students: nobody could log in; add students, or set ` +
        keys.map(([key]) => key).join(" or "),
    );
  }
  if (cls.expectedStudents === undefined) {
    const sizedBy = rosterEmpty ? admitting : admitting.filter((key) => SIZED_BY_EXPECTED.test(key));
    if (sizedBy.length > 0) {
      report(
        "expectedStudents",
        undefined,
        `required when ${sizedBy.join(" and ")} admit${sizedBy.length === 1 ? "s" : ""} students ` +
          `${rosterEmpty ? "without a roster" : "beyond the roster"}: the class size sizes the quota and spawn limits`,
      );
    }
  }
  return unkeyed;
}
