// Admission without a roster (identity providers, domains, allowAll), '@' logins, and course staff by group:
// each bad case names its stack-file key, and the hub settings carry what jupyterhub_config.py applies.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig, type RawConfig } from "../../components/config";
import { identityProviderPorts } from "../../components/hub/manifests";
import { hubSettings } from "../../components/hub/settings";
import { problems, withClass } from "../support/stacks";

const settingsOf = (raw: RawConfig) => hubSettings(parseConfig(raw).class!, { userPool: false });

/** The CILogon example, changed. */
const cilogon = (change: (cls: any) => void) => withClass("stat20-sp27", change);

/** The data8 class (Google) on a generic OAuth provider such as Canvas. */
const lms = (auth: Record<string, unknown>, change: (cls: any) => void = () => undefined) =>
  withClass("data8-fa26", (c) => {
    c.auth = {
      type: "generic-oauth",
      clientId: "170000000000042",
      loginService: "bCourses",
      authorizeUrl: "https://bcourses.berkeley.edu/login/oauth2/auth",
      tokenUrl: "https://bcourses.berkeley.edu/login/oauth2/token",
      userdataUrl: "https://bcourses.berkeley.edu/api/v1/users/self",
      ...auth,
    };
    change(c);
  });

describe("admission by identity provider (CILogon)", () => {
  it("the example's settings name its identity providers, claims, domains and staff groups", () => {
    const auth = settingsOf(cilogon(() => undefined)).auth;
    assert.equal(auth.type, "cilogon");
    assert.deepEqual(auth.cilogon, {
      idps: [
        {
          entityId: "urn:mace:incommon:berkeley.edu",
          usernameClaim: "eppn",
          allowAll: false,
          allowedDomains: ["berkeley.edu"],
        },
        { entityId: "urn:mace:incommon:stanford.edu", usernameClaim: "eppn", allowAll: false, allowedDomains: [] },
      ],
      claimGroupsKey: "isMemberOf",
    });
    assert.deepEqual(auth.staffGroups, ["stat20-instructors", "stat20-gsis"]);
    assert.deepEqual(auth.instructorGroups, ["stat20-instructors"]);
    assert.deepEqual(auth.taGroups, ["stat20-gsis"]);
    assert.deepEqual(auth.allowedUsers, ["exchange-student@stanford.edu"]);
  });

  it("groups are not read when no staff group is named", () => {
    const auth = settingsOf(cilogon((c) => delete c.auth.staffGroups)).auth;
    assert.equal(auth.cilogon!.claimGroupsKey, null);
    assert.deepEqual(auth.staffGroups, []);
  });

  it("the hub's egress reaches CILogon's token and user-info endpoints on 443", () => {
    assert.deepEqual(identityProviderPorts(settingsOf(cilogon(() => undefined)).auth), [443]);
  });

  const cases: [string, RawConfig, string[]][] = [
    [
      "no identity provider",
      cilogon((c) => (c.auth.idps = [])),
      ["classhub:class.auth.idps = []: expected at least one identity provider"],
    ],
    [
      "a domain name where an EntityID belongs",
      cilogon((c) => (c.auth.idps[0].entityId = "berkeley.edu")),
      [
        'classhub:class.auth.idps[0].entityId = "berkeley.edu": expected a CILogon EntityID, e.g. ' +
          "urn:mace:incommon:berkeley.edu",
      ],
    ],
    [
      "a claim that gives no user@domain login",
      cilogon((c) => (c.auth.idps[0].usernameClaim = "sub")),
      ['classhub:class.auth.idps[0].usernameClaim = "sub": Invalid option: expected one of "eppn"|"email"'],
    ],
    [
      "an identity provider listed twice",
      cilogon((c) => c.auth.idps.push({ entityId: "urn:mace:incommon:berkeley.edu" })),
      ['classhub:class.auth.idps = "urn:mace:incommon:berkeley.edu": listed twice; list each identity provider once'],
    ],
    [
      "no roster and no provider that admits anyone",
      cilogon((c) => {
        c.roster = [];
        c.auth.idps[0].allowedDomains = [];
      }),
      [
        "classhub:class.roster = []: is empty and nothing else admits students: nobody could log in; add students, " +
          "or set auth.idps[0].allowAll or auth.idps[0].allowedDomains or auth.idps[1].allowAll or " +
          "auth.idps[1].allowedDomains",
      ],
    ],
    [
      "admission by domain beyond the roster without a class size",
      cilogon((c) => delete c.expectedStudents),
      [
        "classhub:class.expectedStudents: required when auth.idps[0].allowedDomains admits students beyond the " +
          "roster: the class size sizes the quota and spawn limits",
      ],
    ],
    [
      "a login without '@', which eppn never gives",
      cilogon((c) => c.roster.push("oski")),
      [
        'classhub:class.roster[1] = "oski": expected a user@domain login; CILogon logins come from the eppn or ' +
          "email claim (auth.idps[].usernameClaim), user@domain",
      ],
    ],
    [
      "a group that is both instructor and TA",
      cilogon((c) => c.auth.staffGroups.tas.push("stat20-instructors")),
      [
        'classhub:class.auth.staffGroups.tas = "stat20-instructors": is also in auth.staffGroups.instructors; ' +
          "give each group one role",
      ],
    ],
    [
      "a TA group listed twice",
      cilogon((c) => c.auth.staffGroups.tas.push("stat20-gsis")),
      ['classhub:class.auth.staffGroups.tas = "stat20-gsis": listed twice; list each group once'],
    ],
    [
      "an unknown staff role",
      cilogon((c) => (c.auth.staffGroups.readers = ["stat20-readers"])),
      ["classhub:class.auth.staffGroups: unknown key(s) 'readers'"],
    ],
  ];
  for (const [what, raw, expected] of cases) it(what, () => assert.deepEqual(problems(raw), expected));
});

describe("admission of everyone an LMS authenticates, or of a domain (generic OAuth)", () => {
  it("allowAll is said explicitly and reaches the settings", () => {
    const raw = lms({ allowAll: true, usernameClaim: "email" });
    assert.deepEqual(problems(raw), []);
    assert.equal(settingsOf(raw).auth.genericOAuth!.allowAll, true);
  });

  it("an empty roster alone admits nobody: the error names the keys that would", () => {
    assert.deepEqual(problems(lms({ usernameClaim: "email" })), [
      "classhub:class.roster = []: is empty and nothing else admits students: nobody could log in; add students, " +
        "or set auth.allowAll or auth.allowedDomains or auth.allowedGroups",
    ]);
  });

  it("allowAll needs the class size even with a roster", () => {
    const raw = lms({ allowAll: true, usernameClaim: "email" }, (c) => {
      delete c.expectedStudents;
      c.roster = ["oski@berkeley.edu"];
    });
    assert.deepEqual(problems(raw), [
      "classhub:class.expectedStudents: required when auth.allowAll admits students beyond the roster: the class " +
        "size sizes the quota and spawn limits",
    ]);
  });

  it("without a roster the error says so", () => {
    const raw = lms({ allowedDomains: ["berkeley.edu"], usernameClaim: "email" }, (c) => delete c.expectedStudents);
    assert.deepEqual(problems(raw), [
      "classhub:class.expectedStudents: required when auth.allowedDomains admits students without a roster: the " +
        "class size sizes the quota and spawn limits",
    ]);
  });

  it("'@' logins are refused where the claim gives none, naming the claims that do", () => {
    const raw = lms({ allowAll: true, usernameClaim: "login_id" });
    assert.deepEqual(problems(raw), [
      "classhub:class.admins[0] = \"instructor@berkeley.edu\": expected a username: lowercase letters, digits, '.', " +
        "'_' or '-'; user@domain logins need auth.usernameClaim email, eppn or upn; login_id gives none",
      "classhub:class.admins[1] = \"head-gsi@berkeley.edu\": expected a username: lowercase letters, digits, '.', " +
        "'_' or '-'; user@domain logins need auth.usernameClaim email, eppn or upn; login_id gives none",
      "classhub:class.admins[2] = \"gsi-1@berkeley.edu\": expected a username: lowercase letters, digits, '.', " +
        "'_' or '-'; user@domain logins need auth.usernameClaim email, eppn or upn; login_id gives none",
    ]);
  });

  it("eppn gives '@' logins (near miss)", () => {
    assert.deepEqual(problems(lms({ allowAll: true, usernameClaim: "eppn" })), []);
  });

  it("'@' logins with dummy login name the authenticators that give them", () => {
    const raw = withClass("dev", (c) => c.roster.push("ada@berkeley.edu"));
    assert.deepEqual(problems(raw), [
      "classhub:class.roster[3] = \"ada@berkeley.edu\": expected a username: lowercase letters, digits, '.', '_' " +
        "or '-'; user@domain logins need auth type google, cilogon, or generic-oauth with usernameClaim email, eppn or upn",
    ]);
  });

  it("staff groups need the claim that lists groups", () => {
    const raw = lms({ allowAll: true, usernameClaim: "email", staffGroups: { tas: ["gsis"] } });
    assert.deepEqual(problems(raw), [
      'classhub:class.auth.staffGroups = {"instructors":[],"tas":["gsis"]}: needs auth.claimGroupsKey, the ' +
        "user-info claim that lists a user's groups (e.g. groups)",
    ]);
  });

  it("staff groups reach the settings as one list and by role", () => {
    const raw = lms({
      allowAll: true,
      usernameClaim: "email",
      claimGroupsKey: "groups",
      staffGroups: { instructors: ["teachers"], tas: ["tas", "readers"] },
    });
    const auth = settingsOf(raw).auth;
    assert.deepEqual(auth.staffGroups, ["teachers", "tas", "readers"]);
    assert.deepEqual([auth.instructorGroups, auth.taGroups], [["teachers"], ["tas", "readers"]]);
  });
});

describe("a Google domain plus named outsiders", () => {
  const outsiders = (change: (cls: any) => void = () => undefined) =>
    withClass("data8-fa26", (c) => {
      c.auth.allowedDomains = ["berkeley.edu"];
      delete c.auth.hostedDomain;
      c.admins.push("visiting-ta@gmail.com");
      c.roster = ["exchange@stanford.edu"];
      change(c);
    });

  it("allowedDomains admits the domain and lets listed outsiders in", () => {
    assert.deepEqual(problems(outsiders()), []);
    const google = settingsOf(outsiders()).auth.google;
    assert.deepEqual(google, { hostedDomain: [], allowedDomains: ["berkeley.edu"] });
  });

  it("allowedDomains with hostedDomain is refused: hostedDomain would lock the outsiders out", () => {
    assert.deepEqual(
      problems(outsiders((c) => (c.auth.hostedDomain = ["berkeley.edu"]))).filter((p) =>
        p.includes("allowedDomains ="),
      ),
      [
        'classhub:class.auth.allowedDomains = ["berkeley.edu"]: cannot be combined with auth.hostedDomain, which ' +
          "refuses every other domain; to admit a domain plus listed outsiders, set auth.allowedDomains alone",
      ],
    );
  });

  it("a domain listed twice", () => {
    assert.deepEqual(problems(outsiders((c) => c.auth.allowedDomains.push("berkeley.edu"))), [
      'classhub:class.auth.allowedDomains = "berkeley.edu": listed twice; list each domain once',
    ]);
  });

  it("a bad domain names the key", () => {
    assert.deepEqual(problems(outsiders((c) => (c.auth.allowedDomains = ["@berkeley.edu"]))), [
      'classhub:class.auth.allowedDomains[0] = "@berkeley.edu": expected a DNS name such as data8.example.edu',
    ]);
  });
});

describe("course staff by GitHub team", () => {
  /** The GitHub example with staff teams. */
  const seminar = (staffGroups: unknown) => withClass("gpu-seminar-fa26", (c) => (c.auth.staffGroups = staffGroups));

  it("teams are read, in lower case, only when the class names staff teams", () => {
    const auth = settingsOf(seminar({ instructors: ["GPU-Seminar-Org:Faculty"], tas: ["gpu-seminar-org:gsis"] })).auth;
    assert.deepEqual(auth.github, { allowedOrganizations: [], teamsAsGroups: true });
    assert.deepEqual(auth.instructorGroups, ["gpu-seminar-org:faculty"]);
    assert.deepEqual(auth.taGroups, ["gpu-seminar-org:gsis"]);
    assert.deepEqual(auth.staffGroups, ["gpu-seminar-org:faculty", "gpu-seminar-org:gsis"]);
    assert.equal(settingsOf(withClass("gpu-seminar-fa26", () => undefined)).auth.github!.teamsAsGroups, false);
  });

  it("a staff group that is not org:team is refused, with its key", () => {
    assert.deepEqual(problems(seminar({ tas: ["gsis"] })), [
      'classhub:class.auth.staffGroups.tas[0] = "gsis": expected a GitHub team as org:team (its slug), e.g. cs294:gsis',
    ]);
  });

  it("one team in two spellings is one team, in one role", () => {
    assert.deepEqual(problems(seminar({ instructors: ["org:Faculty"], tas: ["org:faculty"] })), [
      'classhub:class.auth.staffGroups.tas = "org:faculty": is also in auth.staffGroups.instructors; give each group one role',
    ]);
    assert.deepEqual(problems(seminar({ tas: ["org:gsis", "ORG:gsis"] })), [
      'classhub:class.auth.staffGroups.tas = "org:gsis": listed twice; list each group once',
    ]);
  });
});
