// Every stack-config read lives here. One zod schema validates the stack file and documents its defaults;
// the README's config reference is checked against it (test/config/reference.test.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { gkeProblems } from "./cluster/checks";
import { bytes, isMemoryQuantity } from "./quantity";

const slug = (what: string) =>
  z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, {
    error: `expected ${what}: lowercase letters, digits and '-', starting and ending with a letter or digit`,
  });
const memory = z.string().refine(isMemoryQuantity, {
  error: "expected a positive Kubernetes quantity such as 512Mi or 2Gi",
});
const cores = z.number({ error: "expected a number of CPU cores" }).positive({ error: "expected more than 0 cores" });
const count = (min: number, max: number) =>
  z
    .number()
    .int({ error: "expected a whole number" })
    .min(min)
    .max(max, { error: `expected at most ${max}` });
const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: "expected a DNS name such as data8.example.edu",
});
const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
const image = z
  .string()
  .regex(/^[a-z0-9.\-_/:]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
    error: "expected an image with a pinned tag or digest, e.g. quay.io/jupyter/scipy-notebook:2025-06-30",
  })
  .refine((ref) => !/:latest$/.test(ref), { error: "the tag 'latest' is not pinned; name an exact tag or digest" });

const resourceFields = {
  /** CPU cores each student is guaranteed. */
  cpuGuarantee: cores,
  /** CPU cores each student may burst to. */
  cpuLimit: cores,
  /** Memory each student is guaranteed. */
  memoryGuarantee: memory,
  /** Memory at which a student's server is killed. */
  memoryLimit: memory,
};
const resources = z.strictObject({
  cpuGuarantee: resourceFields.cpuGuarantee.default(0.5),
  cpuLimit: resourceFields.cpuLimit.default(1),
  memoryGuarantee: resourceFields.memoryGuarantee.default("1Gi"),
  memoryLimit: resourceFields.memoryLimit.default("2Gi"),
});

const profile = z.strictObject({
  slug: slug("a profile slug"),
  displayName: z.string().min(1),
  description: z.string().default(""),
  default: z.boolean().default(false),
  image: image.optional(),
  /** Overrides of the class resources; what is not set keeps the class value. */
  resources: z.strictObject(resourceFields).partial().prefault({}),
  /** NVIDIA GPUs attached to each server of this profile. */
  gpus: count(0, 8).default(0),
});

const oauthBase = {
  clientId: z.string().min(1, { error: "expected the OAuth client id" }),
};
const auth = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("dummy") }),
    z.strictObject({
      type: z.literal("github"),
      ...oauthBase,
      /** GitHub organizations ("org") or teams ("org:team") whose members may log in. */
      allowedOrganizations: z.array(z.string().regex(/^[A-Za-z0-9-]+(:[A-Za-z0-9_.-]+)?$/)).default([]),
    }),
    z.strictObject({
      type: z.literal("google"),
      ...oauthBase,
      /** Google Workspace domains whose accounts may log in. */
      hostedDomain: z.array(hostname).default([]),
    }),
    z.strictObject({
      type: z.literal("generic-oauth"),
      ...oauthBase,
      loginService: z.string().min(1).default("Single sign-on"),
      authorizeUrl: httpsUrl,
      tokenUrl: httpsUrl,
      userdataUrl: httpsUrl,
      usernameClaim: z.string().min(1).default("preferred_username"),
      scope: z.array(z.string().min(1)).default(["openid", "profile", "email"]),
      /** Groups (from claimGroupsKey) whose members may log in. */
      allowedGroups: z.array(z.string().min(1)).default([]),
      claimGroupsKey: z.string().min(1).optional(),
    }),
  ],
  { error: "expected one of dummy, github, google, generic-oauth" },
);

const nodePool = (machineType: string, minNodes: number, maxNodes: number, diskSizeGb: number) =>
  z.strictObject({
    machineType: z.string().min(1).default(machineType),
    minNodes: count(0, 1000).default(minNodes),
    maxNodes: count(1, 1000).default(maxNodes),
    diskSizeGb: count(20, 65536).default(diskSizeGb),
    spot: z.boolean().default(false),
  });

const cidr = z.cidrv4({ error: "expected an IPv4 CIDR block such as 10.10.0.0/20" });

export const gkeSchema = z.strictObject({
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: "expected a GCP project id" }),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: "expected a GCP region such as us-central1" }),
  /** Zones for the node pools. Defaults to the region's zones chosen by GKE. */
  nodeLocations: z.array(z.string().min(1)).optional(),
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
  deletionProtection: z.boolean().default(true),
  network: z
    .strictObject({
      nodesCidr: cidr.default("10.10.0.0/20"),
      podsCidr: cidr.default("10.16.0.0/14"),
      servicesCidr: cidr.default("10.20.0.0/20"),
      controlPlaneCidr: cidr.default("172.16.0.0/28"),
    })
    .prefault({}),
  /** CIDR blocks allowed to reach the control plane. Defaults to anywhere (authenticated by Google IAM). */
  authorizedNetworks: z.array(cidr).default([]),
  corePool: nodePool("e2-standard-4", 1, 3, 50).prefault({}),
  userPool: nodePool("n2-highmem-4", 0, 10, 100).prefault({}),
  gpuPool: z
    .strictObject({
      ...nodePool("n1-standard-8", 0, 2, 100).shape,
      acceleratorType: z.string().min(1).default("nvidia-tesla-t4"),
      acceleratorCount: count(1, 8).default(1),
    })
    .optional(),
});

const clusterSchema = z.discriminatedUnion(
  "source",
  [
    z.strictObject({
      source: z.literal("ambient"),
      /** kubeconfig context to use. Defaults to the current context. */
      context: z.string().min(1).optional(),
      /** Existing storage classes for homes and the hub database. Defaults to the cluster default class. */
      storageClasses: z
        .strictObject({ home: z.string().min(1), hubDb: z.string().min(1) })
        .partial()
        .prefault({}),
      /** Do not wait for objects to become ready. Only for a control plane with no kubelet, such as tools/controlplane. */
      skipAwait: z.boolean().default(false),
    }),
    z.strictObject({
      source: z.literal("stack"),
      /** The cluster-only stack to use, as org/project/stack. */
      stack: z.string().regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, { error: "expected a stack name as org/project/stack" }),
    }),
    z.strictObject({ source: z.literal("gke"), gke: gkeSchema }),
  ],
  { error: "expected one of ambient, stack, gke" },
);

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const GITHUB_LOGIN = /^[a-z0-9](-?[a-z0-9]){0,38}$/;
const EMAIL = /^[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,63}$/;
const username = z.string().trim().toLowerCase();

const classSchema = z.strictObject({
  /** Short course name, e.g. data8. */
  name: slug("a course name"),
  /** Term, e.g. fa26. */
  term: slug("a term"),
  /** Kubernetes namespace. Defaults to <name>-<term>. */
  namespace: slug("a namespace").max(63).optional(),
  /** Hub administrators: course staff. At least one. */
  admins: z.array(username).min(1, { error: "expected at least one admin" }),
  /** Students allowed to log in. */
  roster: z.array(username).default([]),
  /** A file with one student per line (or a CSV whose first column is the student), relative to the project. */
  rosterFile: z.string().min(1).optional(),
  /** Class size when students come from an organization, domain or group rather than a roster. */
  expectedStudents: count(1, 100000).optional(),
  auth,
  image,
  imagePullPolicy: z.enum(["IfNotPresent", "Always"]).default("IfNotPresent"),
  resources: resources.prefault({}),
  storage: z
    .strictObject({
      homeSize: memory.default("10Gi"),
      mountPath: z
        .string()
        .regex(/^\/[\w./-]*$/, { error: "expected an absolute path" })
        .default("/home/jovyan"),
    })
    .prefault({}),
  culling: z
    .strictObject({
      enabled: z.boolean().default(true),
      timeoutMinutes: count(5, 10080).default(60),
      everyMinutes: count(1, 1440).default(10),
      /** Stop servers older than this however active they are; 0 disables. */
      maxAgeHours: count(0, 720).default(0),
    })
    .prefault({}),
  profiles: z.array(profile).default([]),
  /** Public DNS name. Turns on HTTPS. Required for OAuth, whose callback URL needs it. */
  hostname: hostname.optional(),
  /** Where the TLS certificate comes from when hostname is set. */
  tls: z
    .union([z.strictObject({ clusterIssuer: z.string().min(1) }), z.strictObject({ secretName: z.string().min(1) })], {
      error: "expected either clusterIssuer or secretName",
    })
    .default({ clusterIssuer: "letsencrypt" }),
  /** How proxy-public is exposed. Defaults to LoadBalancer on GKE and NodePort elsewhere. */
  serviceType: z.enum(["LoadBalancer", "NodePort", "ClusterIP"]).optional(),
  nodePort: count(30000, 32767).optional(),
  spawn: z
    .strictObject({
      /** Servers starting at once. Defaults to the class size, between 32 and 500. */
      concurrentLimit: count(1, 5000).optional(),
      /** Servers running at once; 0 for no limit. Defaults to students plus admins. */
      activeServerLimit: count(0, 100000).optional(),
      startTimeoutSeconds: count(60, 3600).default(600),
      httpTimeoutSeconds: count(30, 600).default(120),
    })
    .prefault({}),
  defaultUrl: z
    .string()
    .regex(/^\/[\w./-]*$/, { error: "expected a path such as /lab" })
    .default("/lab"),
  environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).prefault({}),
  /** Lets admins open students' servers. */
  adminAccess: z.boolean().default(false),
  /** Namespace ResourceQuota. Each value defaults to one derived from the class size and per-student limits. */
  quota: z
    .strictObject({ cpu: cores, memory, storage: memory, pods: count(1, 100000), gpus: count(0, 1000) })
    .partial()
    .prefault({}),
});

export type GkeConfig = z.output<typeof gkeSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type ClassConfig = Omit<z.output<typeof classSchema>, "namespace" | "rosterFile"> & { namespace: string };
export type Authenticator = ClassConfig["auth"]["type"];

/** A validated stack: a class stack has `class`; a cluster-only stack has none. */
export interface StackConfig {
  stack: string;
  cluster: ClusterConfig;
  class?: ClassConfig;
}

/** What the stack file holds, before validation. */
export interface RawConfig {
  stack: string;
  cluster?: unknown;
  class?: unknown;
  /** Whether classhub:oauthClientSecret is set. Its value never enters validation. */
  hasOauthClientSecret: boolean;
  /** Every classhub:* key present, to catch typos in key names. */
  keys: string[];
  /** Reads rosterFile; injected so that validation stays pure. */
  readFile?: (file: string) => string;
}

export const CONFIG_KEYS = ["classhub:cluster", "classhub:class", "classhub:oauthClientSecret"];
const DUMMY_STACKS = /^dev(-[a-z0-9-]+)?$/;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function problem(key: string, at: PropertyKey[], value: unknown, message: string): string {
  const where = [key, ...at.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("");
  return value === undefined ? `${where}: ${message}` : `${where} = ${show(value)}: ${message}`;
}

function issues(key: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return problem(key, issue.path, undefined, `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`);
    }
    const message = issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message;
    // A union's discriminator (auth.type, cluster.source) is reported on the whole object; show its value.
    const field = issue.path.at(-1);
    const input =
      issue.code === "invalid_union" && typeof field === "string" && typeof issue.input === "object" && issue.input
        ? (issue.input as Record<string, unknown>)[field]
        : issue.input;
    return problem(key, issue.path, input, message);
  });
}

function rosterFromFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(",")[0].trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Validates a raw stack config. Throws ConfigError listing every problem; registers nothing. */
export function parseConfig(raw: RawConfig): StackConfig {
  const problems = raw.keys
    .filter((k) => !CONFIG_KEYS.includes(k))
    .map((k) => `${k}: unknown key; classhub reads ${CONFIG_KEYS.join(", ")}`);
  if (raw.cluster === undefined && raw.class === undefined) {
    problems.push("classhub:class: required; set classhub:class for a class, or classhub:cluster for a cluster stack");
  }
  const cluster = clusterSchema.safeParse(raw.cluster ?? { source: "ambient" }, { reportInput: true });
  if (!cluster.success) problems.push(...issues("classhub:cluster", cluster.error));
  const cls = raw.class === undefined ? undefined : classSchema.safeParse(raw.class, { reportInput: true });
  if (cls !== undefined && !cls.success) problems.push(...issues("classhub:class", cls.error));
  if (cluster.success && cluster.data.source === "gke") problems.push(...gkeProblems(cluster.data.gke));
  if (cluster.success && cls === undefined && cluster.data.source !== "gke" && raw.cluster !== undefined) {
    problems.push(
      problem(
        "classhub:cluster.source",
        [],
        cluster.data.source,
        "a cluster-only stack creates a GKE cluster; use gke, or add classhub:class",
      ),
    );
  }
  if (problems.length > 0 || !cluster.success) throw new ConfigError(problems);
  if (cls === undefined) return { stack: raw.stack, cluster: cluster.data };

  const { rosterFile, namespace, ...parsed } = cls.data!;
  const klass: ClassConfig = { ...parsed, namespace: namespace ?? `${parsed.name}-${parsed.term}` };
  if (rosterFile !== undefined) {
    try {
      const read = raw.readFile ?? ((file: string) => fs.readFileSync(path.resolve(file), "utf8"));
      klass.roster = [...klass.roster, ...rosterFromFile(read(rosterFile)).map((u) => u.toLowerCase())];
    } catch (e) {
      problems.push(problem("classhub:class.rosterFile", [], rosterFile, `cannot be read (${(e as Error).message})`));
    }
  }
  problems.push(...classProblems(klass, cluster.data, raw));
  if (problems.length > 0) throw new ConfigError(problems);
  return { stack: raw.stack, cluster: cluster.data, class: klass };
}

/** Rules that span several keys. */
function classProblems(cls: ClassConfig, cluster: ClusterConfig, raw: RawConfig): string[] {
  const out: string[] = [];
  const at = (key: string, value: unknown, message: string) =>
    out.push(problem(`classhub:class.${key}`, [], value, message));
  const auth = cls.auth;

  const [pattern, what] =
    auth.type === "google" || (auth.type === "generic-oauth" && auth.usernameClaim === "email")
      ? [EMAIL, "an email address"]
      : auth.type === "github"
        ? [GITHUB_LOGIN, "a GitHub login"]
        : [USERNAME, "a username: lowercase letters, digits, '.', '_' or '-'"];
  for (const list of ["admins", "roster"] as const) {
    cls[list].forEach((user, i) => {
      if (!pattern.test(user)) at(`${list}[${i}]`, user, `expected ${what}`);
    });
    const seen = new Set<string>();
    for (const user of cls[list]) {
      if (seen.has(user)) at(list, user, "listed twice; list each user once");
      seen.add(user);
    }
  }

  if (auth.type === "google" && auth.hostedDomain.length > 0) {
    // OAuthenticator blocks an account whose Google Workspace domain (the hd claim) is not a hosted domain
    // before it reads the allow-list, so a listed user of another domain could never log in.
    const domains = auth.hostedDomain;
    for (const list of ["admins", "roster"] as const) {
      cls[list].forEach((user, i) => {
        if (pattern.test(user) && !domains.includes(user.split("@")[1])) {
          at(
            `${list}[${i}]`,
            user,
            `is outside auth.hostedDomain ${show(domains)}, and Google login refuses other domains before it reads ` +
              `the ${list}; list the person's ${domains.join(" or ")} account, or drop auth.hostedDomain and rely on the roster`,
          );
        }
      });
    }
  }

  if (cls.hostname !== undefined && cluster.source === "gke" && "clusterIssuer" in cls.tls) {
    at(
      "tls",
      cls.tls,
      "a cluster this stack creates (classhub:cluster.source gke) has no cert-manager to issue the certificate; " +
        "set classhub:class.tls.secretName to a kubernetes.io/tls Secret in the class namespace, " +
        "or run the class on a platform cluster stack that has cert-manager (classhub:cluster.source stack)",
    );
  }

  if (auth.type === "dummy") {
    if (!DUMMY_STACKS.test(raw.stack)) {
      at(
        "auth.type",
        "dummy",
        `dummy lets anyone in and is allowed only on dev stacks, not '${raw.stack}'; use github, google or generic-oauth`,
      );
    }
  } else {
    if (!raw.hasOauthClientSecret) {
      out.push(
        `classhub:oauthClientSecret: required with auth type ${auth.type}; run 'pulumi config set --secret classhub:oauthClientSecret <secret>'`,
      );
    }
    if (cls.hostname === undefined) {
      at(
        "hostname",
        undefined,
        `required with auth type ${auth.type}: the OAuth callback URL is https://<hostname>/hub/oauth_callback`,
      );
    }
    const restriction =
      auth.type === "github"
        ? auth.allowedOrganizations
        : auth.type === "google"
          ? auth.hostedDomain
          : auth.allowedGroups;
    if (cls.roster.length === 0 && restriction.length === 0) {
      at(
        "roster",
        [],
        "is empty and no organization, domain or group is allowed: nobody could log in; add students or a restriction",
      );
    }
  }
  if (cls.roster.length === 0 && cls.expectedStudents === undefined && auth.type !== "dummy") {
    at(
      "expectedStudents",
      undefined,
      "required when students are admitted by organization, domain or group; it sizes the quota and spawn limits",
    );
  }

  const limits: [string, z.output<typeof resources> | Partial<z.output<typeof resources>>][] = [
    ["resources", cls.resources],
    ...cls.profiles.map((p, i): [string, Partial<z.output<typeof resources>>] => [
      `profiles[${i}].resources`,
      p.resources,
    ]),
  ];
  for (const [key, r] of limits) {
    const cpuGuarantee = r.cpuGuarantee ?? cls.resources.cpuGuarantee;
    const cpuLimit = r.cpuLimit ?? cls.resources.cpuLimit;
    if (cpuGuarantee > cpuLimit)
      at(`${key}.cpuGuarantee`, cpuGuarantee, `exceeds cpuLimit ${cpuLimit}; a guarantee must be at most its limit`);
    const memGuarantee = r.memoryGuarantee ?? cls.resources.memoryGuarantee;
    const memLimit = r.memoryLimit ?? cls.resources.memoryLimit;
    if (bytes(memGuarantee) > bytes(memLimit))
      at(
        `${key}.memoryGuarantee`,
        memGuarantee,
        `exceeds memoryLimit ${memLimit}; a guarantee must be at most its limit`,
      );
  }

  const slugs = new Set<string>();
  cls.profiles.forEach((p, i) => {
    if (slugs.has(p.slug)) at(`profiles[${i}].slug`, p.slug, "used twice; each profile needs its own slug");
    slugs.add(p.slug);
    if (p.gpus > 0 && cluster.source === "gke" && cluster.gke.gpuPool === undefined) {
      at(`profiles[${i}].gpus`, p.gpus, "needs a GPU node pool; set classhub:cluster.gke.gpuPool");
    }
  });
  const defaults = cls.profiles.filter((p) => p.default).map((p) => p.slug);
  if (defaults.length > 1) at("profiles", defaults, "more than one profile is marked default; mark one");

  if (cls.nodePort !== undefined && serviceType(cls, cluster) !== "NodePort") {
    at("nodePort", cls.nodePort, "only applies with serviceType NodePort");
  }
  return out;
}

/** How proxy-public is exposed: the explicit choice, else LoadBalancer on GKE and NodePort elsewhere. */
export function serviceType(cls: ClassConfig, cluster: ClusterConfig): "LoadBalancer" | "NodePort" | "ClusterIP" {
  return cls.serviceType ?? (cluster.source === "ambient" ? "NodePort" : "LoadBalancer");
}

/** Every documented stack-file key, e.g. `classhub:class.resources.cpuLimit` or `classhub:class.profiles[].slug`. */
export function configKeys(): string[] {
  const keys = new Set<string>(["classhub:oauthClientSecret"]);
  const walk = (schema: any, at: string) => {
    if (schema === undefined || schema === null || typeof schema !== "object") return;
    for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(branch, at);
    if (schema.items !== undefined) walk(schema.items, `${at}[]`);
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      keys.add(`${at}.${name}`);
      walk(child, `${at}.${name}`);
    }
  };
  walk(z.toJSONSchema(clusterSchema, { io: "input" }), "classhub:cluster");
  walk(z.toJSONSchema(classSchema, { io: "input" }), "classhub:class");
  return [...keys].sort();
}

/** Reads and validates this stack's config. A bad config stops the program with a message and no stack trace. */
export function loadConfig(): StackConfig {
  const config = new pulumi.Config("classhub");
  const keys = Object.keys(pulumi.runtime.allConfig()).filter((k) => k.startsWith("classhub:"));
  try {
    return parseConfig({
      stack: pulumi.getStack(),
      cluster: readObject(config, "cluster"),
      class: readObject(config, "class"),
      hasOauthClientSecret: keys.includes("classhub:oauthClientSecret"),
      keys,
    });
  } catch (e) {
    throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
  }
}

/** A structured key's value; a value that is not JSON is passed on as text so validation names it. */
function readObject(config: pulumi.Config, key: string): unknown {
  const text = config.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The OAuth client secret, kept an Output secret end to end. */
export function oauthClientSecret(): pulumi.Output<string> | undefined {
  return new pulumi.Config("classhub").getSecret("oauthClientSecret");
}
