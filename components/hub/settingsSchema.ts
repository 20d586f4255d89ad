// The hub settings contract, defined once: the TypeScript side writes hub-settings.json to this schema, and the
// hub checks the file against the same schema, exported as JSON Schema (hub/hub-settings.schema.json), with the
// pinned jsonschema before it sets a single trait. What a schema cannot say (who may log in, guarantees within
// limits after profile overrides) the hub checks itself, in hub/classhub_settings.py.
import { z } from "zod";

/** RFC 1123 label: a namespace, a volume name, a profile slug. */
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const text = z.string().regex(/\S/);
const url = z.string().regex(/^https?:\/\/\S*$/);
const path = z.string().regex(/^\//);
const cores = z.number().positive();
const byteCount = z.int().min(1);
const seconds = z.int().min(1);
const stringMap = z.record(z.string(), z.string());
/** A list with each entry once: enforced here, and as uniqueItems in the JSON Schema. */
const uniqueList = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .refine((list) => new Set(list).size === list.length, { error: "lists an entry twice" })
    .meta({ uniqueItems: true });
const toleration = z.strictObject({
  key: z.string(),
  operator: z.enum(["Equal", "Exists"]),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

const profile = z.strictObject({
  slug: dnsLabel,
  displayName: text,
  description: z.string(),
  default: z.boolean(),
  /** null keeps the class value. */
  overrides: z.strictObject({
    image: text.nullable(),
    cpuGuarantee: cores.nullable(),
    cpuLimit: cores.nullable(),
    memGuarantee: byteCount.nullable(),
    memLimit: byteCount.nullable(),
    gpus: z.int().min(0),
    nodeSelector: stringMap.nullable(),
    tolerations: z.array(toleration).nullable(),
    /** Always this profile's own: null is the cluster's default runtime, not the class value. */
    runtimeClassName: text.nullable(),
  }),
});

export const hubSettingsSchema = z.strictObject({
  version: z.literal(1),
  class: z.strictObject({ name: text, term: text, namespace: dnsLabel }),
  hub: z.strictObject({
    baseUrl: z.string().regex(/^\/(.*\/)?$/),
    bindUrl: url,
    connectUrl: url,
    dbUrl: z.string().regex(/^[a-z+]+:\/\/\S*$/),
    publicUrl: url.nullable(),
    concurrentSpawnLimit: z.int().min(1),
    /** 0: no limit. */
    activeServerLimit: z.int().min(0),
    lastActivityInterval: seconds,
    namedServers: z.boolean(),
    adminAccess: z.boolean(),
    logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
  }),
  proxy: z.strictObject({ apiUrl: url }),
  auth: z.strictObject({
    type: z.enum(["dummy", "github", "google", "generic-oauth"]),
    admins: uniqueList(text).min(1),
    allowedUsers: uniqueList(text),
    callbackUrl: z
      .string()
      .regex(/^https:\/\/\S+\/oauth_callback$/)
      .nullable(),
    clientId: text.nullable(),
    github: z.strictObject({ allowedOrganizations: uniqueList(text) }).nullable(),
    google: z.strictObject({ hostedDomain: uniqueList(text) }).nullable(),
    genericOAuth: z
      .strictObject({
        loginService: text,
        authorizeUrl: url,
        tokenUrl: url,
        userdataUrl: url,
        usernameClaim: text,
        scope: uniqueList(text),
        allowedGroups: uniqueList(text),
        claimGroupsKey: text.nullable(),
      })
      .nullable(),
  }),
  spawner: z.strictObject({
    namespace: dnsLabel,
    image: text,
    imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]),
    cpuGuarantee: cores,
    cpuLimit: cores,
    memGuarantee: byteCount,
    memLimit: byteCount,
    /** Pod Security "restricted" refuses root. */
    uid: z.int().min(1),
    gid: z.int().min(0),
    fsGid: z.int().min(0),
    startTimeout: seconds,
    httpTimeout: seconds,
    defaultUrl: path,
    environment: stringMap,
    extraLabels: stringMap,
    nodeSelector: stringMap,
    tolerations: z.array(toleration),
    /** e.g. gvisor on a GKE Sandbox pool; null: the cluster's default runtime. */
    runtimeClassName: text.nullable(),
    profiles: z.array(profile),
  }),
  storage: z.strictObject({
    storageClass: text.nullable(),
    capacity: z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/),
    mountPath: path,
    /** Must name each user's claim apart, e.g. claim-{user_server}. */
    pvcNameTemplate: z.string().regex(/\{[a-z_]+\}/),
    volumeName: dnsLabel,
  }),
  culler: z.strictObject({
    enabled: z.boolean(),
    apiUrl: url,
    timeoutSeconds: seconds,
    everySeconds: seconds,
    /** 0: no maximum age. */
    maxAgeSeconds: z.int().min(0),
    concurrency: z.int().min(1),
  }),
});

export type HubSettings = z.output<typeof hubSettingsSchema>;
export type ProfileSettings = HubSettings["spawner"]["profiles"][number];

/** Where the JSON Schema lives: next to classhub_settings.py in hub/, and in the hub ConfigMap. */
export const SCHEMA_FILE = "hub-settings.schema.json";

/** The schema as JSON Schema, the form the hub checks hub-settings.json with. */
export function hubSettingsJsonSchema(): Record<string, unknown> {
  return { title: "classhub hub settings", ...z.toJSONSchema(hubSettingsSchema, { target: "draft-2020-12" }) };
}
