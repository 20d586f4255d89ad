// The stack-file schema: one zod schema per structured key, which validates the file, fills in the documented
// defaults and describes each key for the config reference. Every key's `.describe()` text is its documentation:
// `npm run reference` (tools/dev/reference.ts) generates docs/config-reference.md from it, and a test fails while
// the committed file differs. Descriptions are Markdown; a default the schema cannot state says "Defaults to …".
import { z } from "zod";
import { BOOT_DISK_TYPES } from "../cluster/machines";
import { isMemoryQuantity } from "../quantity";

export const slug = (what: string) =>
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
  cpuGuarantee: cores.describe("CPU cores each student is guaranteed: the server's CPU request. At most `cpuLimit`."),
  cpuLimit: cores.describe("CPU cores each student may burst to: the server's CPU limit."),
  memoryGuarantee: memory.describe(
    "Memory each student is guaranteed: the server's memory request, a quantity such as `1Gi`. At most `memoryLimit`.",
  ),
  memoryLimit: memory.describe(
    "Memory at which a student's server is killed: its memory limit, a quantity such as `2Gi`.",
  ),
};
const resources = z.strictObject({
  cpuGuarantee: resourceFields.cpuGuarantee.default(0.5),
  cpuLimit: resourceFields.cpuLimit.default(1),
  memoryGuarantee: resourceFields.memoryGuarantee.default("1Gi"),
  memoryLimit: resourceFields.memoryLimit.default("2Gi"),
});

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
});

const oauthBase = {
  clientId: z
    .string()
    .min(1, { error: "expected the OAuth client id" })
    .describe(
      "Client id of the OAuth app, registered with the callback URL `https://<hostname>/hub/oauth_callback`. " +
        "Its secret goes in `classhub:oauthClientSecret`.",
    ),
};
const auth = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      // The discriminator is described once, here; the reference shows one row for it.
      type: z
        .literal("dummy")
        .describe(
          "The authenticator: `dummy` (any name with any password; only on stacks named `dev` or `dev-*`), " +
            "`github`, `google`, or `generic-oauth` (any OAuth 2 or OpenID Connect provider).",
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
            "accounts of these domains.",
        ),
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
        .describe("User-info claim that names the user. With `email`, the roster and the admins are email addresses."),
      scope: z
        .array(z.string().min(1))
        .default(["openid", "profile", "email"])
        .describe("OAuth scopes the hub asks for."),
      allowedGroups: z
        .array(z.string().min(1))
        .default([])
        .describe("Groups (from `claimGroupsKey`) whose members may log in, besides the roster."),
      claimGroupsKey: z
        .string()
        .min(1)
        .optional()
        .describe("User-info claim that lists a user's groups, e.g. `groups`. Required with `allowedGroups`."),
    }),
  ],
  { error: "expected one of dummy, github, google, generic-oauth" },
);

const nodePool = (machineType: string, minNodes: number, maxNodes: number, diskSizeGb: number) =>
  z.strictObject({
    machineType: z.string().min(1).default(machineType).describe("Compute Engine machine type of the pool's nodes."),
    minNodes: count(0, 1000)
      .default(minNodes)
      .describe("Nodes the autoscaler keeps at least, in total across the pool's zones."),
    maxNodes: count(1, 1000)
      .default(maxNodes)
      .describe("Nodes the autoscaler may grow to, in total across the pool's zones. At least `minNodes`."),
    diskSizeGb: count(20, 65536).default(diskSizeGb).describe("Boot disk size of each node, in GB."),
    diskType: z
      .enum(BOOT_DISK_TYPES)
      .optional()
      .describe(
        "Boot disk type of each node; it must fit the machine family (N4, C4, C4A and C4D take only " +
          "`hyperdisk-balanced`; C3, C3D and G2 take no `pd-standard`; E2, N1, N2, N2D, C2, C2D and T2D no Hyperdisk). " +
          "Defaults to `pd-balanced`, or `hyperdisk-balanced` where that is all the family takes.",
      ),
    spot: z.boolean().default(false).describe("Spot VMs: cheaper, but Compute Engine may stop them at any time."),
  });

/** A time as GKE stores it: RFC 3339 in UTC, to the second. Any other form comes back as UTC, a permanent diff. */
const utcTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, {
    error: "expected a UTC time in RFC 3339 form, e.g. 2026-12-12T08:00:00Z",
    abort: true,
  })
  .refine((t) => !Number.isNaN(Date.parse(t)) && new Date(t).toISOString() === t.replace("Z", ".000Z"), {
    error: "expected a real date and time, e.g. 2026-12-12T08:00:00Z",
  });

/** Scopes of a GKE maintenance exclusion, from most to least blocking. */
export const EXCLUSION_SCOPES = ["NO_UPGRADES", "NO_MINOR_OR_NODE_UPGRADES", "NO_MINOR_UPGRADES"] as const;
const DAY = "(MO|TU|WE|TH|FR|SA|SU)";

/** A weekend night in the Americas: Saturday and Sunday, 07:00 to 15:00 UTC. 2025-01-04 is a Saturday. */
export const DEFAULT_MAINTENANCE_WINDOW = {
  start: "2025-01-04T07:00:00Z",
  end: "2025-01-04T15:00:00Z",
  recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
};

const maintenance = z
  .strictObject({
    window: z
      .strictObject({
        start: utcTime.describe(
          "First start of the window, in UTC; its time of day is when every window starts, e.g. " +
            "`2025-01-04T07:00:00Z`.",
        ),
        end: utcTime.describe(
          "End of the first window, in UTC; `end - start` is the length of every window, at least 4 hours.",
        ),
        recurrence: z
          .string()
          .regex(new RegExp(`^FREQ=(DAILY|WEEKLY;BYDAY=${DAY}(,${DAY})*)$`), {
            error: "expected FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days>, e.g. FREQ=WEEKLY;BYDAY=SA,SU",
          })
          .default(DEFAULT_MAINTENANCE_WINDOW.recurrence)
          .describe(
            "When the window recurs, an RFC 5545 rule: `FREQ=DAILY` or `FREQ=WEEKLY;BYDAY=<days>`; days are UTC days.",
          ),
      })
      .default(DEFAULT_MAINTENANCE_WINDOW)
      .describe(
        "When GKE may upgrade the control plane and drain nodes. GKE needs at least 48 hours of windows in any 32 " +
          "days, counting only windows of 4 hours or more. Defaults to Saturday and Sunday 07:00–15:00 UTC, a night " +
          "in the Americas; set your own night.",
      ),
    exclusions: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe("Name of the exclusion, unique in the cluster, e.g. `finals-fa26`."),
          start: utcTime.describe("Start of the exclusion, in UTC."),
          end: utcTime.describe("End of the exclusion, in UTC."),
          scope: z
            .enum(EXCLUSION_SCOPES)
            .default("NO_MINOR_OR_NODE_UPGRADES")
            .describe(
              "What GKE may not do meanwhile: `NO_MINOR_OR_NODE_UPGRADES` (no minor upgrades and no node upgrades, " +
                "which drain nodes; control plane patches only), `NO_MINOR_UPGRADES` (patches only) or `NO_UPGRADES` " +
                "(nothing, at most 30 days). The `NO_MINOR_*` scopes may last until the minor version's end of support.",
            ),
        }),
      )
      .max(20, { error: "expected at most 20 exclusions, GKE's limit per cluster" })
      .default([])
      .describe(
        "Periods without automatic upgrades, such as exams: a node upgrade drains nodes, and KubeSpawner's servers " +
          "are deleted, not moved.",
      ),
  })
  .prefault({})
  .describe(
    "When GKE may upgrade the cluster. Emergency security fixes and Compute Engine host maintenance ignore it.",
  );

const cidr = z.cidrv4({ error: "expected an IPv4 CIDR block such as 10.10.0.0/20" });

export const gkeSchema = z.strictObject({
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: "expected a GCP project id" })
    .describe("GCP project of the cluster, its VPC and its node service account."),
  region: z
    .string()
    .regex(/^[a-z]+-[a-z]+\d+$/, { error: "expected a GCP region such as us-central1" })
    .describe("GCP region of the regional cluster, e.g. `us-central1`."),
  nodeLocations: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "Zones for the node pools, each a zone of `region`, e.g. `us-central1-b`. " +
        "Defaults to the region's zones chosen by GKE.",
    ),
  releaseChannel: z
    .enum(["RAPID", "REGULAR", "STABLE"])
    .default("REGULAR")
    .describe("GKE release channel, along which GKE upgrades the control plane and the nodes."),
  deletionProtection: z
    .boolean()
    .default(true)
    .describe(
      "Protects the cluster and its node pools: Pulumi refuses to delete or replace them (`protect`), and the " +
        "provider refuses to delete the cluster (`deletionProtection`). The policy pack requires it. To retire the " +
        "cluster, set it to false, run `pulumi up`, then `pulumi destroy`.",
    ),
  maintenance,
  network: z
    .strictObject({
      nodesCidr: cidr.default("10.10.0.0/20").describe("Primary range of the node subnet."),
      podsCidr: cidr.default("10.16.0.0/14").describe("Secondary range of the node subnet, for pod addresses."),
      servicesCidr: cidr.default("10.20.0.0/20").describe("Secondary range of the node subnet, for Service addresses."),
      controlPlaneCidr: cidr.default("172.16.0.0/28").describe("Range of the private control plane; GKE needs a /28."),
    })
    .prefault({})
    .describe(
      "The VPC's address ranges. They must not overlap, and each must be a network address (no host bits set).",
    ),
  publicIpEndpoint: z
    .boolean()
    .default(false)
    .describe(
      "Also serve the control plane on a public IP address. classhub's kubeconfig always uses the DNS endpoint, " +
        "which Google IAM gates; without this the IP endpoint is private to the VPC.",
    ),
  authorizedNetworks: z
    .array(cidr)
    .default([])
    .describe(
      "CIDR blocks allowed to reach the control plane's IP endpoint (nodes and pods always may). Empty allows " +
        "any address that reaches it. The DNS endpoint is gated by IAM, not by these.",
    ),
  corePool: nodePool("e2-standard-4", 1, 3, 50)
    .prefault({})
    .describe("Nodes for the hubs, the proxies and system pods, labelled `hub.jupyter.org/node-purpose=core`."),
  userPool: nodePool("n2-highmem-4", 0, 10, 100)
    .extend({
      sandbox: z
        .boolean()
        .default(false)
        .describe(
          "Run students' servers in GKE Sandbox (gVisor), a kernel between their code and the node's. Servers then " +
            "need the RuntimeClass `gvisor`, and some system calls and GPUs are unavailable.",
        ),
    })
    .prefault({})
    .describe(
      "Nodes for students' servers, labelled `hub.jupyter.org/node-purpose=user` and tainted " +
        "`hub.jupyter.org/dedicated=user:NoSchedule` so that nothing else runs there.",
    ),
  gpuPool: z
    .strictObject({
      ...nodePool("n1-standard-8", 0, 2, 100).shape,
      acceleratorType: z
        .string()
        .min(1)
        .default("nvidia-tesla-t4")
        .describe("GKE accelerator type of each GPU node; GPU profiles select nodes by it. GKE installs the driver."),
      acceleratorCount: count(1, 8).default(1).describe("GPUs on each GPU node."),
    })
    .optional()
    .describe("Nodes with GPUs, for profiles with `gpus`; labelled and tainted like the user pool. None unless set."),
});

export const clusterSchema = z
  .discriminatedUnion(
    "source",
    [
      z.strictObject({
        // The discriminator is described once, here; the reference shows one row for it.
        source: z
          .literal("ambient")
          .describe(
            "Where the cluster comes from: `ambient`, the cluster your kubeconfig points at (kind, minikube, a " +
              "campus cluster); `stack`, the cluster of a cluster-only stack; `gke`, a GKE cluster this stack creates.",
          ),
        context: z.string().min(1).optional().describe("kubeconfig context to use. Defaults to the current context."),
        storageClasses: z
          .strictObject({
            home: z
              .string()
              .min(1)
              .describe(
                "Storage class for students' home claims. Outside dev stacks the policy pack wants one known to keep " +
                  "its disks (`reclaimPolicy: Retain`, listed in the pack's `retainedStorageClasses`).",
              ),
            hubDb: z
              .string()
              .min(1)
              .describe("Storage class for the hub database claim `hub-db`; the policy pack checks it like `home`."),
          })
          .partial()
          .prefault({})
          .describe(
            "Existing storage classes for homes and the hub database. Each defaults to the cluster's default class.",
          ),
        skipAwait: z
          .boolean()
          .default(false)
          .describe(
            "Do not wait for objects to become ready. Only for a control plane with no kubelet, such as " +
              "`tools/controlplane`, where `make up` sets it; never on a real cluster.",
          ),
      }),
      z.strictObject({
        source: z.literal("stack"),
        stack: z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, { error: "expected a stack name as org/project/stack" })
          .describe(
            "The cluster-only stack to use, as `org/project/stack`. Its outputs give the kubeconfig, the cluster's " +
              "identity, the storage classes, the GCP project and region, and the GPU pool's accelerator type.",
          ),
      }),
      z.strictObject({
        source: z.literal("gke"),
        gke: gkeSchema.describe(
          "A GKE cluster this stack creates, after enabling the GCP APIs it needs: regional, with private nodes in " +
            "its own VPC with NAT, a control plane reached through its IAM-gated DNS endpoint, Dataplane V2 (which " +
            "enforces NetworkPolicy), Workload Identity and shielded nodes; core, user and optional GPU node pools; " +
            "and the storage classes `classhub-home` and `classhub-hub-db` (`reclaimPolicy: Retain`).",
        ),
      }),
    ],
    { error: "expected one of ambient, stack, gke" },
  )
  .describe(
    "Where the class's cluster comes from, chosen by `source`. A class stack without this key uses " +
      "`{source: ambient}`. A stack with this key and no `classhub:class` is a cluster-only stack: it must use " +
      "`source: gke`, and it exports `kubeconfig` (secret), `clusterName`, `clusterId`, `project`, `region`, " +
      "`storageClasses` and, with a GPU pool, `gpuAcceleratorType`, for class stacks to use with `source: stack`.",
  );

/** Fields KubeSpawner fills into {braces} in environment values, per student; a literal brace is written twice. */
export const TEMPLATE_FIELDS = ["username", "unescaped_username", "userid", "servername", "user_server"];
const environmentValue = z
  .string()
  .refine(
    (value) =>
      !/[{}]/.test(
        value.replace(/\{\{|\}\}/g, "").replace(new RegExp(`\\{(${TEMPLATE_FIELDS.join("|")})\\}`, "g"), ""),
      ),
    {
      error: `expected text in which KubeSpawner's fields are ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(", ")}; write a literal brace as {{ or }}`,
    },
  );

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
      .describe("Hub administrators: course staff. At least one. Logins are written as in `roster`."),
    roster: z
      .array(username)
      .default([])
      .describe(
        "Students allowed to log in: GitHub logins with `github`, email addresses with `google` (and with " +
          "`generic-oauth` when `usernameClaim` is `email`), otherwise usernames of lowercase letters, digits, " +
          "`.`, `_` and `-`. Case is ignored. A student taken off the roster can no longer log in.",
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
        "Class size when students come from an organization, domain or group rather than a roster; required " +
          "then. Defaults to the roster's size.",
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
    resources: resources.prefault({}).describe("What each student's server may use. Profiles may override each value."),
    storage: z
      .strictObject({
        homeSize: memory.default("10Gi").describe("Size of each student's home volume, a quantity such as `10Gi`."),
        mountPath: z
          .string()
          .regex(/^\/[\w./-]*$/, { error: "expected an absolute path" })
          .default("/home/jovyan")
          .describe("Where the home volume is mounted in the student's server."),
      })
      .prefault({})
      .describe(
        "Students' home volumes. KubeSpawner creates one claim per student, `claim-<user>`, which outlives the " +
          "server, the user and a `pulumi destroy`.",
      ),
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
          .default(600)
          .describe("Seconds a server may take to start, image pull and node scale-up included."),
        httpTimeoutSeconds: count(30, 600)
          .default(120)
          .describe("Seconds a started server may take to answer the hub."),
      })
      .prefault({})
      .describe("How servers start: limits for a lecture-start burst, and timeouts."),
    defaultUrl: z
      .string()
      .regex(/^\/[\w./-]*$/, { error: "expected a path such as /lab" })
      .default("/lab")
      .describe("Path students land on in their server, e.g. `/lab` or `/tree`."),
    environment: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), environmentValue)
      .prefault({})
      .describe(
        "Extra environment variables for students' servers. Values may use KubeSpawner's fields " +
          `${TEMPLATE_FIELDS.map((f) => `\`{${f}}\``).join(", ")}; write a literal brace as \`{{\` or \`}}\`.`,
      ),
    adminAccess: z
      .boolean()
      .default(false)
      .describe(
        "Lets admins open students' servers. Without it admins manage users and servers, but cannot open a " +
          "student's server, make tokens for a student or share a student's server.",
      ),
    quota: z
      .strictObject({
        cpu: cores.describe(
          "`limits.cpu`, in cores. Defaults to the class size times the largest CPU limit (class or profile), " +
            "plus 3 for the hub and the proxy.",
        ),
        memory: memory.describe(
          "`limits.memory`, a quantity. Defaults to the class size times the largest memory limit, plus the " +
            "hub's 2Gi and the proxy's limit, which grows with the class.",
        ),
        storage: memory.describe(
          "`requests.storage`, a quantity. Defaults to the class size times `storage.homeSize`, plus 1Gi for " +
            "the hub database.",
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

export type GkeConfig = z.output<typeof gkeSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type ClassConfig = Omit<z.output<typeof classSchema>, "namespace" | "rosterFile"> & { namespace: string };
export type Authenticator = ClassConfig["auth"]["type"];
/** The resource fields of the class or of a profile, as validated. */
export type Resources = z.output<typeof resources>;
