import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig, type RawConfig } from "../../components/config";
import { HUB_IMAGE } from "../../components/hub/manifests";
import { PROXY_IMAGE } from "../../components/proxy/manifests";
import { listStacks } from "../../tools/harness/stackfile";
import { problems, rawConfig, withClass } from "../support/stacks";

describe("example stacks", () => {
  for (const stack of listStacks()) {
    it(`${stack} is valid`, () => assert.deepEqual(problems(rawConfig(stack)), []));
  }

  it("dev gets the documented defaults", () => {
    const cls = parseConfig(rawConfig("dev")).class!;
    assert.equal(cls.namespace, "demo-dev");
    assert.equal(cls.imagePullPolicy, "IfNotPresent");
    assert.deepEqual(cls.culling, { enabled: true, timeoutMinutes: 30, everyMinutes: 10, maxAgeHours: 0 });
    assert.deepEqual(cls.storage, { homeSize: "1Gi", mountPath: "/home/jovyan" });
    assert.deepEqual(cls.tls, { clusterIssuer: "letsencrypt" });
    assert.deepEqual(cls.hub, { image: HUB_IMAGE, resources: {}, databaseSize: "1Gi" });
    assert.deepEqual(cls.proxy, { image: PROXY_IMAGE, resources: {} });
  });

  it("the hub and proxy images may be set, e.g. to local builds, and are kept as written", () => {
    const cls = parseConfig(
      withClass("dev", (c) => {
        c.hub = { image: "localhost/classhub/hub:5.5.0-3f9a2c1" };
        c.proxy = { image: "localhost/classhub/proxy:5.2.0-3f9a2c1" };
      }),
    ).class!;
    assert.equal(cls.hub.image, "localhost/classhub/hub:5.5.0-3f9a2c1");
    assert.equal(cls.proxy.image, "localhost/classhub/proxy:5.2.0-3f9a2c1");
  });

  it("a roster file adds its students, lowercased, skipping comments and blank lines", () => {
    const cls = parseConfig({
      ...withClass("dev", (c) => (c.rosterFile = "roster.csv")),
      readFile: () => "# login,name\nAda,Ada Lovelace\n\ngrace,Grace Hopper\n",
    }).class!;
    assert.deepEqual(cls.roster, ["student1", "student2", "student3", "ada", "grace"]);
  });

  it("the seminar's roster file holds its 40 students", () => {
    assert.equal(parseConfig(rawConfig("gpu-seminar-fa26")).class!.roster.length, 40);
  });

  it("a stack with only cluster config is a cluster-only stack", () => {
    const config = parseConfig(rawConfig("platform"));
    assert.equal(config.class, undefined);
    assert.equal(config.cluster.source, "gke");
  });
});

describe("bad config names the key, the value and what is allowed", () => {
  const cases: [string, RawConfig, string][] = [
    [
      "a string where a number belongs",
      withClass("dev", (c) => (c.resources.cpuLimit = "2")),
      'classhub:class.resources.cpuLimit = "2": expected a number of CPU cores',
    ],
    [
      "an unknown key",
      withClass("dev", (c) => (c.resources.gpu = 1)),
      "classhub:class.resources: unknown key(s) 'gpu'",
    ],
    [
      "a malformed memory quantity",
      withClass("dev", (c) => (c.resources.memoryLimit = "3Gb")),
      'classhub:class.resources.memoryLimit = "3Gb": expected a whole number of bytes (1951419879 or "1951419879") or a quantity such as 512Mi, 2Gi or 1.5G (suffixes Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E), at least one byte',
    ],
    [
      "a memory guarantee above its limit",
      withClass("dev", (c) => (c.resources.memoryGuarantee = "1Gi")),
      'classhub:class.resources.memoryGuarantee = "1Gi": exceeds memoryLimit 512Mi; a guarantee must be at most its limit',
    ],
    [
      "a CPU guarantee above its limit",
      withClass("dev", (c) => (c.resources.cpuGuarantee = 2)),
      "classhub:class.resources.cpuGuarantee = 2: exceeds cpuLimit 0.5; a guarantee must be at most its limit",
    ],
    [
      "a non-positive home size",
      withClass("dev", (c) => (c.storage.homeSize = "0Gi")),
      'classhub:class.storage.homeSize = "0Gi": expected a whole number of bytes (1951419879 or "1951419879") or a quantity such as 512Mi, 2Gi or 1.5G (suffixes Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E), at least one byte',
    ],
    [
      "a malformed email with Google login",
      withClass("data8-fa26", (c) => (c.admins = ["instructor-at-berkeley.edu"])),
      'classhub:class.admins[0] = "instructor-at-berkeley.edu": expected a user@domain login; Google logins are the account\'s email address',
    ],
    [
      "a malformed GitHub login",
      withClass("gpu-seminar-fa26", (c) => (c.admins = ["prof_lee"])),
      'classhub:class.admins[0] = "prof_lee": expected a GitHub login',
    ],
    [
      "a malformed username",
      withClass("dev", (c) => (c.roster = ["student 1"])),
      "classhub:class.roster[0] = \"student 1\": expected a username: lowercase letters, digits, '.', '_' or '-'",
    ],
    [
      "an unknown authenticator",
      withClass("dev", (c) => (c.auth = { type: "ldap" })),
      'classhub:class.auth.type = "ldap": expected one of dummy, github, google, generic-oauth, cilogon',
    ],
    [
      "a missing OAuth client secret",
      { ...rawConfig("data8-fa26"), hasOauthClientSecret: false },
      "classhub:oauthClientSecret: required with auth type google; run 'pulumi config set --secret classhub:oauthClientSecret <secret>'",
    ],
    [
      "dummy login outside a dev stack",
      { ...rawConfig("dev"), stack: "data8-fa26" },
      "classhub:class.auth.type = \"dummy\": dummy lets anyone in and is allowed only on dev stacks, not 'data8-fa26'; use github, google, generic-oauth or cilogon",
    ],
    [
      "OAuth without a hostname",
      withClass("data8-fa26", (c) => delete c.hostname),
      "classhub:class.hostname: required with auth type google: the OAuth callback URL is https://<hostname>/hub/oauth_callback",
    ],
    ["no admins", withClass("dev", (c) => (c.admins = [])), "classhub:class.admins = []: expected at least one admin"],
    [
      "an image without a tag",
      withClass("dev", (c) => (c.image = "quay.io/jupyter/minimal-notebook")),
      'classhub:class.image = "quay.io/jupyter/minimal-notebook": expected an image with a pinned tag or digest, e.g. quay.io/jupyter/scipy-notebook:2025-06-30',
    ],
    [
      "the latest tag",
      withClass("dev", (c) => (c.image = "quay.io/jupyter/minimal-notebook:latest")),
      "classhub:class.image = \"quay.io/jupyter/minimal-notebook:latest\": the tag 'latest' is not pinned; name an exact tag or digest",
    ],
    [
      "a hub image without a tag",
      withClass("dev", (c) => (c.hub = { image: "foo/hub" })),
      'classhub:class.hub.image = "foo/hub": expected an image with a pinned tag or digest, e.g. quay.io/jupyter/scipy-notebook:2025-06-30',
    ],
    [
      "a hub image on latest",
      withClass("dev", (c) => (c.hub = { image: "foo/hub:latest" })),
      "classhub:class.hub.image = \"foo/hub:latest\": the tag 'latest' is not pinned; name an exact tag or digest",
    ],
    [
      "a proxy image without a tag",
      withClass("dev", (c) => (c.proxy = { image: "quay.io/jupyterhub/configurable-http-proxy" })),
      'classhub:class.proxy.image = "quay.io/jupyterhub/configurable-http-proxy": expected an image with a pinned tag or digest, e.g. quay.io/jupyter/scipy-notebook:2025-06-30',
    ],
    [
      "a proxy image on latest",
      withClass("dev", (c) => (c.proxy = { image: "quay.io/jupyterhub/configurable-http-proxy:latest" })),
      "classhub:class.proxy.image = \"quay.io/jupyterhub/configurable-http-proxy:latest\": the tag 'latest' is not pinned; name an exact tag or digest",
    ],
    [
      "a hub image given as a bare string instead of under hub",
      withClass("dev", (c) => (c.hub = "quay.io/jupyterhub/k8s-hub:4.4.0")),
      'classhub:class.hub = "quay.io/jupyterhub/k8s-hub:4.4.0": Invalid input: expected object, received string',
    ],
    [
      "nobody allowed to log in",
      withClass("data8-fa26", (c) => (c.auth.hostedDomain = []), { hasOauthClientSecret: true }),
      "classhub:class.roster = []: is empty and nothing else admits students: nobody could log in; add students, or set auth.hostedDomain or auth.allowedDomains",
    ],
    [
      "a student listed twice",
      withClass("dev", (c) => c.roster.push("student1")),
      'classhub:class.roster = "student1": listed twice; list each user once',
    ],
    [
      "a GPU profile on a GKE cluster without a GPU pool",
      (() => {
        const raw = withClass("gpu-seminar-fa26", () => undefined);
        delete (raw.cluster as any).gke.gpuPool;
        return raw;
      })(),
      "classhub:class.profiles[1].gpus = 1: needs a GPU node pool; set classhub:cluster.gke.gpuPool",
    ],
    [
      "a node port outside the Kubernetes range",
      withClass("dev", (c) => (c.nodePort = 8080)),
      "classhub:class.nodePort = 8080: expected at least 30000",
    ],
    [
      "an unknown cluster source",
      { ...rawConfig("dev"), cluster: { source: "eks" } },
      'classhub:cluster.source = "eks": expected one of ambient, stack, gke',
    ],
    [
      "a typo in a top-level key",
      { ...rawConfig("dev"), keys: ["classhub:class", "classhub:clas"] },
      "classhub:clas: unknown key; classhub reads classhub:cluster, classhub:class, classhub:oauthClientSecret",
    ],
    [
      "a class that is not an object",
      { ...rawConfig("dev"), class: "data8" },
      'classhub:class = "data8": Invalid input: expected object, received string',
    ],
    [
      "a cluster-only stack that creates no cluster",
      { ...rawConfig("dev"), class: undefined, cluster: { source: "ambient" }, keys: ["classhub:cluster"] },
      'classhub:cluster.source = "ambient": a cluster-only stack creates a GKE cluster; use gke, or add classhub:class',
    ],
    [
      "a stack with neither class nor cluster",
      { ...rawConfig("dev"), class: undefined, keys: [] },
      "classhub:class: required; set classhub:class for a class, or classhub:cluster for a cluster stack",
    ],
  ];
  for (const [what, raw, message] of cases) {
    it(what, () => assert.ok(problems(raw).includes(message), `got:\n${problems(raw).join("\n")}`));
  }

  it("reports every problem at once, with a count", () => {
    const raw = withClass("dev", (c) => {
      c.resources.cpuLimit = "2";
      c.image = "x:latest";
    });
    assert.throws(() => parseConfig(raw), /^ConfigError: Invalid stack config \(2 problems\):\n {2}- classhub:class/);
  });
});

describe("configurations that would deploy a hub nobody can use", () => {
  it("refuses Google admins and students outside the hosted domain, which OAuthenticator blocks first", () => {
    const raw = withClass("data8-fa26", (c) => {
      c.admins.push("ta@gmail.com");
      c.roster = ["student@berkeley.edu", "visitor@stanford.edu"];
    });
    assert.deepEqual(problems(raw), [
      'classhub:class.admins[3] = "ta@gmail.com": is outside auth.hostedDomain ["berkeley.edu"], and Google login ' +
        "refuses other domains before it reads the admins; list the person's berkeley.edu account, or admit the " +
        "domain with auth.allowedDomains instead of auth.hostedDomain, which lets listed outsiders in",
      'classhub:class.roster[1] = "visitor@stanford.edu": is outside auth.hostedDomain ["berkeley.edu"], and Google ' +
        "login refuses other domains before it reads the roster; list the person's berkeley.edu account, or admit " +
        "the domain with auth.allowedDomains instead of auth.hostedDomain, which lets listed outsiders in",
    ]);
  });

  it("accepts any domain when no hosted domain restricts Google login (near miss)", () => {
    const raw = withClass("data8-fa26", (c) => {
      c.admins.push("ta@gmail.com");
      c.roster = ["visitor@stanford.edu"];
      c.auth.hostedDomain = [];
    });
    assert.deepEqual(problems(raw), []);
  });

  it("refuses a cert-manager issuer on a cluster the stack creates, which has no cert-manager", () => {
    const raw = withClass("gpu-seminar-fa26", (c) => delete c.tls);
    assert.deepEqual(problems(raw), [
      'classhub:class.tls = {"clusterIssuer":"letsencrypt"}: a cluster this stack creates (classhub:cluster.source gke) ' +
        "has no cert-manager to issue the certificate; set classhub:class.tls.secretName to a kubernetes.io/tls " +
        "Secret in the class namespace, or run the class on a platform cluster stack that has cert-manager " +
        "(classhub:cluster.source stack)",
    ]);
  });

  it("accepts an issuer on a platform cluster stack, and a TLS Secret on the stack's own cluster (near misses)", () => {
    assert.deepEqual(problems(rawConfig("data8-fa26")), []);
    assert.deepEqual(problems(withClass("gpu-seminar-fa26", (c) => (c.tls = { secretName: "cs294-dl-tls" }))), []);
  });
});

describe("what the hub would refuse at start-up is refused here, before any resource", () => {
  const sso = {
    type: "generic-oauth",
    clientId: "classhub",
    authorizeUrl: "https://sso.example.edu/authorize",
    tokenUrl: "https://sso.example.edu/token",
    userdataUrl: "https://sso.example.edu/userinfo",
  };
  const cases: [string, RawConfig, string[]][] = [
    [
      "generic OAuth groups without the claim that lists them",
      withClass("data8-fa26", (c) => {
        c.auth = { ...sso, allowedGroups: ["data8-fa26"] };
        c.admins = ["instructor"];
      }),
      [
        'classhub:class.auth.allowedGroups = ["data8-fa26"]: needs auth.claimGroupsKey, the user-info claim that ' +
          "lists a user's groups (e.g. groups)",
      ],
    ],
    [
      "a GitHub organization listed twice",
      withClass("gpu-seminar-fa26", (c) => (c.auth.allowedOrganizations = ["cs294", "cs294"])),
      ['classhub:class.auth.allowedOrganizations = "cs294": listed twice; list each organization once'],
    ],
    [
      "a profile name of one space",
      withClass("gpu-seminar-fa26", (c) => (c.profiles[0].displayName = " ")),
      ['classhub:class.profiles[0].displayName = " ": expected a name students can read, not blank'],
    ],
    [
      "dummy login with an empty roster",
      withClass("dev", (c) => (c.roster = [])),
      [
        "classhub:class.roster = []: is empty: with dummy login only the roster and the admins may log in; add students",
      ],
    ],
    [
      "a namespace derived from name and term longer than 63 characters",
      withClass("dev", (c) => (c.name = "a".repeat(60))),
      [
        `classhub:class.name = "${"a".repeat(60)}": with term 'dev' makes the namespace '${"a".repeat(60)}-dev' of 64 ` +
          "characters; Kubernetes allows 63: shorten name or term, or set classhub:class.namespace",
      ],
    ],
    [
      "a profile slug longer than 63 characters",
      withClass("gpu-seminar-fa26", (c) => (c.profiles[0].slug = "c".repeat(64))),
      [`classhub:class.profiles[0].slug = "${"c".repeat(64)}": expected at most 63 characters`],
    ],
    [
      "a CPU quota under which the 2-core hub is never admitted",
      withClass("dev", (c) => (c.quota = { cpu: 1 })),
      [
        "classhub:class.quota.cpu = 1: is below the 3500m cores the hub, the proxy and one student server are limited to; set at least that",
      ],
    ],
    [
      "a memory quota under the hub's own limit",
      withClass("dev", (c) => (c.quota = { memory: "1Gi" })),
      [
        'classhub:class.quota.memory = "1Gi": is below the 2848Mi the hub, the proxy and one student server are ' +
          "limited to; set at least that",
      ],
    ],
    [
      "a pod quota with no room for a student",
      withClass("dev", (c) => (c.quota = { pods: 2 })),
      ["classhub:class.quota.pods = 2: is below the 3 pods of the hub, the proxy and one student server"],
    ],
  ];
  for (const [what, raw, expected] of cases) {
    it(what, () => assert.deepEqual(problems(raw), expected));
  }

  it("accepts a quota with room for the hub, the proxy and one student (near miss)", () => {
    assert.deepEqual(problems(withClass("dev", (c) => (c.quota = { cpu: 3.5, memory: "2848Mi", pods: 3 }))), []);
  });

  it("accepts a long name with an explicit namespace (near miss)", () => {
    assert.deepEqual(
      problems(
        withClass("dev", (c) => {
          c.name = "a".repeat(60);
          c.namespace = "short-dev";
        }),
      ),
      [],
    );
  });
});

describe("environment values reach KubeSpawner, which fills in {fields}", () => {
  it("refuses a stray brace, which would fail every spawn", () => {
    assert.deepEqual(problems(withClass("dev", (c) => (c.environment = { GREETING: "hi}" }))), [
      'classhub:class.environment.GREETING = "hi}": expected text in which KubeSpawner\'s fields are {username}, ' +
        "{unescaped_username}, {userid}, {servername}, {user_server}; write a literal brace as {{ or }}",
    ]);
  });

  it("accepts fields and doubled braces (near miss)", () => {
    const environment = { HOME_URL: "https://x.edu/{username}", JSON: '{{"a": 1}}', ID: "{userid}-{servername}" };
    assert.deepEqual(problems(withClass("dev", (c) => (c.environment = environment))), []);
  });
});
