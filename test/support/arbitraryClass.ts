// Varied class stacks for property tests: every authenticator, rosters or restrictions, awkward resource
// values, profiles with partial overrides, exposure and TLS choices, and the cluster facts the settings depend
// on. Not every generated config is valid; the properties are about the ones parseConfig accepts.
import fc from "fast-check";
import type { RawConfig } from "../../components/config";
import type { ClusterFacts } from "../../components/hub/settings";

const label = (max: number) => fc.stringMatching(new RegExp(`^[a-z]([a-z0-9-]{0,${max - 2}}[a-z0-9])?$`));
const domain = fc.constantFrom("berkeley.edu", "ucmerced.edu", "example.org", "cs.example.edu");
const githubLogin = fc.stringMatching(/^[a-z0-9](-?[a-z0-9]){0,15}$/);
const username = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);

/** CPU cores, often with more decimals than millicores, as staff type them. */
const cores = fc.oneof(
  fc.constantFrom(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 7.5313, 0.29, 1.0005),
  fc.integer({ min: 1, max: 8000 }).map((milli) => milli / 1000),
  fc.double({ min: 0.001, max: 8, noNaN: true, noDefaultInfinity: true }),
);
const memoryValue = fc.constantFrom(0.5, 1, 1.5, 2, 3, 256, 512, 768);
const memoryUnit = fc.constantFrom("Mi", "Gi", "M", "G");
const memory = fc.tuple(memoryValue, memoryUnit).map(([n, unit]) => `${n}${unit}`);
/** Requests and limits, guarantees at most their limits: a share of the limit, itself awkward. */
const resources = fc
  .record({
    cpuLimit: cores,
    cpuShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
    memory: memoryValue,
    memoryShare: fc.constantFrom(0.25, 0.5, 1),
    unit: memoryUnit,
  })
  .map((r) => ({
    cpuGuarantee: Math.max(0.001, r.cpuLimit * r.cpuShare),
    cpuLimit: r.cpuLimit,
    memoryGuarantee: `${r.memory * r.memoryShare}${r.unit}`,
    memoryLimit: `${r.memory}${r.unit}`,
  }));
const image = fc.constantFrom(
  "quay.io/jupyter/minimal-notebook:2025-10-06",
  "quay.io/jupyter/scipy-notebook:2025-10-06",
  "ghcr.io/example/course-image:v1.2.3",
);

/** Logins of the authenticator's kind; for Google, addresses of the hosted domains when there are any. */
function people(auth: { type: string; hostedDomain?: string[] }) {
  if (auth.type === "google") {
    const domains = auth.hostedDomain?.length ? auth.hostedDomain : ["gmail.com", "berkeley.edu"];
    return fc.tuple(username, fc.constantFrom(...domains)).map(([user, d]) => `${user}@${d}`);
  }
  if (auth.type === "github") return githubLogin;
  return username;
}

const auth = fc.oneof(
  fc.constant({ type: "dummy" }),
  fc.record({
    type: fc.constant("github"),
    clientId: fc.constant("Iv23liExample"),
    allowedOrganizations: fc.uniqueArray(fc.constantFrom("cs294", "cs294:staff", "data-8", "ucb-ds:fa26"), {
      maxLength: 2,
    }),
  }),
  fc.record({
    type: fc.constant("google"),
    clientId: fc.constant("1234-example.apps.googleusercontent.com"),
    hostedDomain: fc.uniqueArray(domain, { maxLength: 2 }),
  }),
  fc
    .record({
      type: fc.constant("generic-oauth"),
      clientId: fc.constant("classhub"),
      port: fc.constantFrom("", ":8443", ":9443"),
      usernameClaim: fc.constantFrom("preferred_username", "sub"),
      allowedGroups: fc.uniqueArray(fc.constantFrom("data8-fa26", "staff", "cs61a"), { maxLength: 2 }),
    })
    .map(({ port, allowedGroups, ...rest }) => ({
      ...rest,
      authorizeUrl: "https://sso.example.edu/authorize",
      tokenUrl: `https://sso.example.edu${port}/token`,
      userdataUrl: `https://sso.example.edu${port}/userinfo`,
      ...(allowedGroups.length > 0 ? { allowedGroups, claimGroupsKey: "groups" } : {}),
    })),
);

/** A class stack file's config, its stack name, and the facts of the cluster it lands on. */
export const arbitraryClass: fc.Arbitrary<{ raw: RawConfig; facts: ClusterFacts }> = auth.chain((a) => {
  const person = people(a);
  return fc
    .record({
      name: label(12),
      term: label(6),
      admins: fc.uniqueArray(person, { minLength: 1, maxLength: 3 }),
      roster: fc.uniqueArray(person, { maxLength: 25 }),
      expectedStudents: fc.integer({ min: 1, max: 2000 }),
      image,
      resources,
      storage: fc.record({ homeSize: memory, mountPath: fc.constantFrom("/home/jovyan", "/home/student") }),
      culling: fc.record(
        {
          enabled: fc.boolean(),
          timeoutMinutes: fc.integer({ min: 5, max: 600 }),
          everyMinutes: fc.integer({ min: 1, max: 60 }),
          maxAgeHours: fc.integer({ min: 0, max: 48 }),
        },
        { requiredKeys: [] },
      ),
      profiles: fc.uniqueArray(
        fc.record(
          {
            slug: label(20),
            displayName: fc.constantFrom("CPU", "Large memory (16 GiB)", "GPU (T4)", "Édition R"),
            description: fc.string({ maxLength: 40 }),
            image,
            resources,
            gpus: fc.integer({ min: 0, max: 2 }),
          },
          { requiredKeys: ["slug", "displayName"] },
        ),
        { maxLength: 3, selector: (p) => p.slug },
      ),
      defaultProfile: fc.integer({ min: -1, max: 2 }),
      spawn: fc.record(
        {
          concurrentLimit: fc.integer({ min: 1, max: 600 }),
          activeServerLimit: fc.integer({ min: 0, max: 2000 }),
          startTimeoutSeconds: fc.integer({ min: 60, max: 1200 }),
        },
        { requiredKeys: [] },
      ),
      environment: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 20 }), {
        maxKeys: 3,
      }),
      defaultUrl: fc.constantFrom("/lab", "/tree", "/rstudio"),
      adminAccess: fc.boolean(),
      https: fc.boolean(),
      tls: fc.constantFrom({ clusterIssuer: "letsencrypt" }, { secretName: "class-tls" }),
      exposure: fc.constantFrom("NodePort", "ClusterIP", "LoadBalancer", "default"),
      userPool: fc.boolean(),
      gpuAcceleratorType: fc.constantFrom(undefined, "nvidia-tesla-t4", "nvidia-l4"),
      homeStorageClass: fc.constantFrom(undefined, "classhub-home", "standard-rwo"),
    })
    .map((c) => {
      const oauth = a.type !== "dummy";
      const cls: Record<string, unknown> = {
        name: c.name,
        term: c.term,
        admins: c.admins,
        roster: c.roster,
        ...(c.roster.length === 0 ? { expectedStudents: c.expectedStudents } : {}),
        auth: a,
        image: c.image,
        resources: c.resources,
        storage: c.storage,
        culling: c.culling,
        // At most one default, as staff mark it.
        profiles: c.profiles.map((p, i) => ({ ...p, default: i === c.defaultProfile })),
        spawn: c.spawn,
        environment: c.environment,
        defaultUrl: c.defaultUrl,
        adminAccess: c.adminAccess,
        ...(oauth || c.https ? { hostname: `${c.name}.hub.example.edu`, tls: c.tls } : {}),
        ...(c.exposure === "default" ? {} : { serviceType: c.exposure }),
      };
      const raw: RawConfig = {
        stack: oauth ? `${c.name}-${c.term}` : "dev",
        cluster: { source: "ambient" },
        class: cls,
        hasOauthClientSecret: oauth,
        keys: ["classhub:cluster", "classhub:class", ...(oauth ? ["classhub:oauthClientSecret"] : [])],
      };
      const facts: ClusterFacts = {
        userPool: c.userPool,
        gpuAcceleratorType: c.gpuAcceleratorType,
        homeStorageClass: c.homeStorageClass,
      };
      return { raw, facts };
    });
});
