// classhub:class: one class's logins, image, resources, storage, profiles and exposure.
import { z } from "zod";
import { HUB_IMAGE } from "../../hub/manifests";
import { PROXY_IMAGE } from "../../proxy/manifests";
import { auth } from "./auth";
import { classServerFields, ENVIRONMENT_HELP, environment, profileServerFields, urlPath } from "./servers";
import { egressSchema } from "./egress";
import { brandingSchema, filesSchema } from "./files";
import { packingSchema, placeholdersSchema, prePullSchema } from "./lecture";
import { databaseSize, hubResources, proxyResources } from "./sizing";
import { storageSchema } from "./storage";
import { cores, count, hostname, image, memory, resourceFields, resources, slug } from "./values";

/** How proxy-public can be exposed. */
export const SERVICE_TYPES = ["LoadBalancer", "NodePort", "ClusterIP"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** A Kubernetes label value holds at most 63 characters; KubeSpawner labels each server with its profile. */
const LABEL_MAX = 63;

const profile = z.strictObject({
  slug: slug("a profile slug")
    .max(LABEL_MAX, { error: `expected at most ${LABEL_MAX} characters` })
    .describe("Profile id, unique in the class; KubeSpawner labels each server with it."),
  displayName: z
    .string()
    .regex(/\S/, { error: "expected a name students can read, not blank" })
    .describe("Name students see."),
  description: z.string().default("").describe("Text students see under the name."),
  default: z.boolean().default(false).describe("Preselect this profile. At most one profile may be the default."),
  image: image
    .optional()
    .describe("Image for this profile, pinned like the class `image`. Defaults to the class image."),
  resources: z
    .strictObject(resourceFields)
    .partial()
    .prefault({})
    .describe("Overrides of the class resources; what is not set keeps the class value."),
  gpus: count(0, 8)
    .default(0)
    .describe(
      "NVIDIA GPUs attached to each server of this profile; its servers tolerate GPU nodes. " +
        "On a cluster this stack creates, it needs `classhub:cluster.gke.gpuPool`.",
    ),
  ...profileServerFields,
});

/** What a login looks like for each authenticator; checked with the auth type, in classRules.ts. */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const GITHUB_LOGIN = /^[a-z0-9](-?[a-z0-9]){0,38}$/;
export const EMAIL = /^[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,63}$/;
const username = z.string().trim().toLowerCase();

export const classSchema = z
  .strictObject({
    name: slug("a course name").describe("Short course name, e.g. `data8`."),
    term: slug("a term").describe("Term, e.g. `fa26`."),
    namespace: slug("a namespace")
      .max(63)
      .optional()
      .describe("Kubernetes namespace of the class. Defaults to `<name>-<term>`."),
    admins: z
      .array(username)
      .min(1, { error: "expected at least one admin" })
      .describe(
        "Hub administrators: course staff. At least one. Logins are written as in `roster`. Staff may also come " +
          "from the provider's groups: `auth.staffGroups`.",
      ),
    roster: z
      .array(username)
      .default([])
      .describe(
        "Students allowed to log in: GitHub logins with `github`; `user@domain` logins with `google`, `cilogon` " +
          "(its `eppn` or `email` claim) and `generic-oauth` when `usernameClaim` is `email`, `eppn` or `upn`; " +
          "otherwise usernames of lowercase letters, digits, `.`, `_` and `-`. Case is ignored. A student taken off " +
          "the roster can no longer log in. With admission by domain or identity provider, it lists the outsiders.",
      ),
    rosterFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A file with one student per line (or a CSV whose first column is the student), relative to the " +
          "project; added to `roster`. Blank lines and lines starting with `#` are skipped, so a CSV header " +
          "must start with `#`.",
      ),
    expectedStudents: count(1, 100000)
      .optional()
      .describe(
        "Class size when students come from an organization, domain, group or identity provider rather than a " +
          "roster: required without a roster, and with `allowAll` or `allowedDomains` (whose roster lists only " +
          "outsiders). Defaults to the roster's size.",
      ),
    auth: auth.describe("How people log in: `type` picks the authenticator, which takes the keys listed with it."),
    image: image.describe(
      "Students' server image, with a pinned tag or digest, e.g. `quay.io/jupyter/scipy-notebook:2025-06-30`; " +
        "`latest` is refused.",
    ),
    imagePullPolicy: z
      .enum(["IfNotPresent", "Always"])
      .default("IfNotPresent")
      .describe(
        "When nodes pull the image: `IfNotPresent`, once per node; `Always`, a registry check at every server start.",
      ),
    hub: z
      .strictObject({
        image: image
          .default(HUB_IMAGE)
          .describe(
            "The hub's image, pinned like `image`, e.g. a mirror registry's copy or one with extra authenticators. " +
              "classhub's hub config is tested against the JupyterHub, KubeSpawner and OAuthenticator versions " +
              "that `requirements-hub.txt` pins, which the default image ships; a custom image must ship the " +
              "same, and keeping it so is the operator's responsibility. It runs `jupyterhub` as uid 1000.",
          ),
        resources: hubResources,
        databaseSize,
      })
      .prefault({})
      .describe("The hub pod, which runs JupyterHub, KubeSpawner and the idle culler."),
    proxy: z
      .strictObject({
        image: image
          .default(PROXY_IMAGE)
          .describe(
            "The proxy's image, pinned like `image`, e.g. a mirror registry's copy. It must run " +
              "`configurable-http-proxy` 5.x as uid 65534 on a read-only root filesystem, with `node` for the " +
              "HTTPS liveness check.",
          ),
        resources: proxyResources,
      })
      .prefault({})
      .describe("The proxy pod, configurable-http-proxy: the class's public entry point."),
    resources: resources.prefault({}).describe("What each student's server may use. Profiles may override each value."),
    storage: storageSchema,
    culling: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Stop idle servers. The policy pack advises keeping it on."),
        timeoutMinutes: count(5, 10080)
          .default(60)
          .describe("Minutes without activity after which a server is stopped."),
        everyMinutes: count(1, 1440).default(10).describe("Minutes between the culler's checks."),
        maxAgeHours: count(0, 720)
          .default(0)
          .describe("Stop servers older than this many hours, however active they are; 0 disables."),
      })
      .prefault({})
      .describe("The idle culler, which runs in the hub pod. It stops servers; it never deletes users or homes."),
    profiles: z
      .array(profile)
      .default([])
      .describe(
        "Server options students choose from when they start a server. Without profiles there is no choice: " +
          "everyone gets the class image and resources.",
      ),
    hostname: hostname
      .optional()
      .describe(
        "Public DNS name. Turns on HTTPS. Required for OAuth, whose callback URL needs it. On GKE, `proxy-public` " +
          "then gets a reserved address for the DNS record.",
      ),
    tls: z
      .union(
        [
          z.strictObject({
            clusterIssuer: z
              .string()
              .min(1)
              .describe(
                "cert-manager ClusterIssuer that issues the certificate into the Secret `proxy-public-tls` and " +
                  "renews it. The cluster needs cert-manager; a cluster this stack creates has none.",
              ),
          }),
          z.strictObject({
            secretName: z
              .string()
              .min(1)
              .describe("Existing `kubernetes.io/tls` Secret in the class namespace, which the platform team renews."),
          }),
        ],
        {
          error: "expected either clusterIssuer or secretName",
        },
      )
      .default({ clusterIssuer: "letsencrypt" })
      .describe("Where the TLS certificate comes from when hostname is set: `clusterIssuer` or `secretName`."),
    serviceType: z
      .enum(SERVICE_TYPES)
      .optional()
      .describe(
        "How `proxy-public` is exposed. Defaults to `NodePort` on an ambient cluster and `LoadBalancer` otherwise.",
      ),
    nodePort: count(30000, 32767)
      .optional()
      .describe(
        "Node port of `proxy-public`'s HTTP port, with `serviceType: NodePort` only. Defaults to one Kubernetes picks.",
      ),
    spawn: z
      .strictObject({
        concurrentLimit: count(1, 5000)
          .optional()
          .describe("Servers starting at once. Defaults to the class size, between 32 and 500."),
        activeServerLimit: count(0, 100000)
          .optional()
          .describe("Servers running at once; 0 for no limit. Defaults to the class size (students plus admins)."),
        startTimeoutSeconds: count(60, 3600)
          .optional()
          .describe(
            "Seconds a server's pod may take to start: scheduling, node scale-up, its home volume and the image " +
              "pull. Defaults to 300 (600 without `prePull`) plus 5 for each server that may start at once " +
              "(`concurrentLimit`), at most 1800 (docs/lecture.md).",
          ),
        httpTimeoutSeconds: count(30, 600)
          .optional()
          .describe(
            "Seconds a started server may take to answer the hub. Defaults to 60 plus 1 for each server that " +
              "may start at once (`concurrentLimit`), at most 600 (docs/lecture.md).",
          ),
      })
      .prefault({})
      .describe("How servers start: limits for a lecture-start burst, and timeouts."),
    prePull: prePullSchema,
    placeholders: placeholdersSchema,
    packing: packingSchema,
    defaultUrl: urlPath
      .default("/lab")
      .describe(
        "Path students land on in their server. Defaults to JupyterLab, `/lab` (z2jh's default is `/tree`); " +
          "see docs/course-staff.md for why and how to change it.",
      ),
    environment: environment
      .prefault({})
      .describe(`Extra environment variables for students' servers. ${ENVIRONMENT_HELP}`),
    ...classServerFields,
    adminAccess: z
      .boolean()
      .default(false)
      .describe(
        "Lets admins open students' servers. Without it admins manage users and servers, but cannot open a " +
          "student's server, make tokens for a student or share a student's server.",
      ),
    files: filesSchema,
    branding: brandingSchema,
    egress: egressSchema,
    quota: z
      .strictObject({
        cpu: cores.describe(
          "`limits.cpu`, in cores. Defaults to the class size times the largest CPU limit (class or profile), " +
            "plus the hub's and the proxy's CPU limits (`hub.resources`, `proxy.resources`).",
        ),
        memory: memory.describe(
          "`limits.memory`, a quantity. Defaults to the class size times the largest memory limit, plus the " +
            "hub's and the proxy's memory limits (`hub.resources`, `proxy.resources`).",
        ),
        storage: memory.describe(
          "`requests.storage`, a quantity. Defaults to the class size times `storage.homeSize`, plus " +
            "`hub.databaseSize` for the hub database; with `storage.shared`, `hub.databaseSize` plus the shared volume's capacity (`nfs`, `filestore`), " +
            "or no limit (`claim`, whose size classhub does not know).",
        ),
        pods: count(1, 100000).describe("`pods`. Defaults to the class size plus 5."),
        gpus: count(0, 1000).describe(
          "`requests.nvidia.com/gpu`. Defaults to the class size times the most `gpus` of any profile.",
        ),
      })
      .partial()
      .prefault({})
      .describe(
        "Namespace ResourceQuota. Each value defaults to one derived from the class size and the per-student " +
          "limits; `cpu`, `memory` and `pods` may not be less than the hub, the proxy and one server need.",
      ),
  })
  .describe(
    "One class: its people, how they log in, what each student's server gets, and how the hub is reached. The " +
      "class size, which sizes the quota, the spawn limits and the proxy, is the roster (or `expectedStudents`, " +
      "if larger) plus the admins.",
  );
