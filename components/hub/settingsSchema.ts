// The hub settings contract, defined once: the TypeScript side writes hub-settings.json to this schema, and the
// hub checks the file against the same schema, exported as JSON Schema (hub/hub-settings.schema.json), with the
// pinned jsonschema before it sets a single trait. What a schema cannot say (who may log in, guarantees within
// limits after profile overrides) the hub checks itself, in hub/classhub_settings.py.
import { z } from "zod";
import { brandingSettingsSchema, filesSettingsSchema } from "./operatorSettings";
import { sharedSettingsSchema } from "./sharedStorage";

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
  /** Left out: with Exists, every taint. */
  key: z.string().optional(),
  operator: z.enum(["Equal", "Exists"]),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
  tolerationSeconds: z.int().min(0).optional(),
});
const command = z.array(z.string());

/** What a profile and a choice within it may both override; null keeps the value they would override. */
const serverOverrides = {
  image: text.nullable(),
  cpuGuarantee: cores.nullable(),
  cpuLimit: cores.nullable(),
  memGuarantee: byteCount.nullable(),
  memLimit: byteCount.nullable(),
  /** Added to the class's (and for a choice, to the profile's). */
  environment: stringMap.nullable(),
  nodeSelector: stringMap.nullable(),
  tolerations: z.array(toleration).nullable(),
};

/** A choice within a profile option: null keeps the profile's value (or the class's). */
const choice = z.strictObject({
  slug: dnsLabel,
  displayName: text,
  /** Exactly one choice of each option is the default. */
  default: z.boolean(),
  overrides: z.strictObject(serverOverrides),
});
const option = z.strictObject({
  /** The profile form posts profile-option-<profile>--<name>; "profile" would clash with the profile's own key. */
  name: z.string().regex(/^(?!profile$)[a-z0-9]+(-[a-z0-9]+)*$/),
  displayName: text,
  choices: z.array(choice).min(1),
});

const profile = z.strictObject({
  slug: dnsLabel,
  displayName: text,
  description: z.string(),
  default: z.boolean(),
  /** null keeps the class value. */
  overrides: z.strictObject({
    ...serverOverrides,
    gpus: z.int().min(0),
    /** Always this profile's own: null is the cluster's default runtime, not the class value. */
    runtimeClassName: text.nullable(),
    defaultUrl: path.nullable(),
    cmd: command.nullable(),
    args: command.nullable(),
    workingDir: path.nullable(),
  }),
  /** KubeSpawner's profile_options, in the order students see them. */
  options: z.array(option),
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
    /** Named servers a user may have; 0: no limit (JupyterHub's meaning), or named servers are off. */
    namedServerLimitPerUser: z.int().min(0),
    adminAccess: z.boolean(),
    logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
  }),
  proxy: z.strictObject({ apiUrl: url }),
  auth: z.strictObject({
    type: z.enum(["dummy", "github", "google", "generic-oauth", "cilogon"]),
    admins: uniqueList(text).min(1),
    allowedUsers: uniqueList(text),
    callbackUrl: z
      .string()
      .regex(/^https:\/\/\S+\/oauth_callback$/)
      .nullable(),
    clientId: text.nullable(),
    github: z
      .strictObject({
        allowedOrganizations: uniqueList(text),
        /** Read the user's teams as groups, `org:team` in lower case: for staff roles only. */
        teamsAsGroups: z.boolean(),
      })
      .nullable(),
    google: z.strictObject({ hostedDomain: uniqueList(text), allowedDomains: uniqueList(text) }).nullable(),
    genericOAuth: z
      .strictObject({
        loginService: text,
        authorizeUrl: url,
        tokenUrl: url,
        userdataUrl: url,
        usernameClaim: text,
        scope: uniqueList(text),
        /** Everyone the provider authenticates. */
        allowAll: z.boolean(),
        /** By the domain of the email claim. */
        allowedDomains: uniqueList(text),
        allowedGroups: uniqueList(text),
        claimGroupsKey: text.nullable(),
      })
      .nullable(),
    cilogon: z
      .strictObject({
        idps: z
          .array(
            z.strictObject({
              entityId: text,
              usernameClaim: z.enum(["eppn", "email"]),
              allowAll: z.boolean(),
              allowedDomains: uniqueList(text),
            }),
          )
          .min(1),
        /** The user-info claim that lists groups; null: groups are not read. */
        claimGroupsKey: text.nullable(),
      })
      .nullable(),
    /** Every staff group (instructors and TAs): their members may log in, and staff get extra mounts. */
    staffGroups: uniqueList(text),
    /** Groups whose members hold the class admin role, as the admins do. */
    instructorGroups: uniqueList(text),
    /** Groups whose members hold the class-ta role. */
    taGroups: uniqueList(text),
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
    /** null: the image's own command. */
    cmd: command.min(1).nullable(),
    args: command,
    /** null: the image's working directory. */
    workingDir: path.nullable(),
    extraLabels: stringMap,
    nodeSelector: stringMap,
    tolerations: z.array(toleration),
    /** e.g. gvisor on a GKE Sandbox pool; null: the cluster's default runtime. */
    runtimeClassName: text.nullable(),
    /** The class's packing scheduler (classhub:class.packing.scheduler); null: the cluster's default scheduler. */
    schedulerName: text.nullable(),
    profiles: z.array(profile),
  }),
  storage: z.strictObject({
    storageClass: text.nullable(),
    capacity: z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/),
    mountPath: path,
    /** Must name each user's claim apart, e.g. claim-{user_server}. */
    pvcNameTemplate: z.string().regex(/\{[a-z_]+\}/),
    volumeName: dnsLabel,
    /** Homes as folders of one shared volume; null: one claim per student. */
    shared: sharedSettingsSchema.nullable(),
    /** Files mounted read-only into every server from a ConfigMap; null: none. */
    files: filesSettingsSchema.nullable(),
  }),
  /** The login page's course name, message and logo; null: JupyterHub's own page. */
  branding: brandingSettingsSchema.nullable(),
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
export type OptionSettings = ProfileSettings["options"][number];
export type ChoiceSettings = OptionSettings["choices"][number];
export type Toleration = z.output<typeof toleration>;

/** Where the JSON Schema lives: next to classhub_settings.py in hub/, and in the hub ConfigMap. */
export const SCHEMA_FILE = "hub-settings.schema.json";

/** The schema as JSON Schema, the form the hub checks hub-settings.json with. */
export function hubSettingsJsonSchema(): Record<string, unknown> {
  return { title: "classhub hub settings", ...z.toJSONSchema(hubSettingsSchema, { target: "draft-2020-12" }) };
}
