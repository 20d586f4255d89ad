// classhub:cluster: where the class runs, and the GKE cluster a stack can create.
import { z } from "zod";
import { BOOT_DISK_TYPES } from "../../cluster/machines";
import { EXTRA_POOL_TAINT_KEY, RESERVED_POOL_NAMES } from "../../placement";
import { labelKey, labelValue } from "./servers";
import { filestoreSchema } from "./filestore";
import { count } from "./values";

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
  extraUserPools: z
    .array(
      nodePool("", 0, 10, 100).extend({
        name: z
          .string()
          .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
            error: "expected a node pool name: up to 40 lowercase letters, digits and '-', starting with a letter",
          })
          .refine((name) => !RESERVED_POOL_NAMES.includes(name), {
            error: `expected a name other than ${RESERVED_POOL_NAMES.join(", ")}, classhub's own pools`,
          })
          .describe("Pool name, unique in the cluster; classes and profiles name it in `placement.nodePool`."),
        machineType: z
          .string()
          .min(1)
          .describe("Compute Engine machine type of the pool's nodes, e.g. `n2-highmem-16`."),
        taint: z
          .strictObject({
            key: labelKey.describe("Taint key."),
            value: labelValue.describe("Taint value."),
          })
          .optional()
          .describe(
            `The pool's own \`NoSchedule\` taint, which servers that name the pool tolerate. Defaults to ` +
              `\`${EXTRA_POOL_TAINT_KEY}=<name>\`.`,
          ),
      }),
    )
    .default([])
    .describe(
      "More pools for students' servers, e.g. large-memory machines for one class or profile. Labelled and tainted " +
        "like the user pool, plus a taint of their own, so only servers whose `placement.nodePool` names a pool run on it.",
    ),
  filestore: filestoreSchema,
  gateway: z
    .boolean()
    .default(false)
    .describe(
      "One shared entry point for the cluster's classes: a Gateway (GKE's global external Application Load " +
        "Balancer) on a reserved global address, with Google-managed certificates from Certificate Manager. A class " +
        "with a `hostname` and no `serviceType` then adds only its route and certificate, and its `proxy-public` is a " +
        "ClusterIP Service; point its DNS name at the exported `gateway.address`. Defaults to one load balancer per class.",
    ),
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
        sharedIngress: z
          .strictObject({
            ingressClassName: z
              .string()
              .min(1)
              .describe("The cluster's existing ingress class, e.g. `nginx` or `traefik`."),
            clusterIssuer: z
              .string()
              .min(1)
              .describe(
                "cert-manager ClusterIssuer that solves HTTP-01 through that ingress class and issues each class's " +
                  "certificate into the Secret `proxy-public-tls` (a class's `tls.secretName` takes its place).",
              ),
          })
          .optional()
          .describe(
            "One shared entry point for the cluster's classes: an existing ingress controller. A class with a " +
              "`hostname` and no `serviceType` then adds only an Ingress for its hostname, and its `proxy-public` is a " +
              "ClusterIP Service. Defaults to none: each class exposes `proxy-public` itself.",
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
        gateway: z
          .boolean()
          .default(false)
          .describe(
            "Route the class through the cluster stack's shared Gateway (`classhub:cluster.gke.gateway` there), " +
              "when the class has a `hostname` and no `serviceType`. Defaults to a load balancer of its own.",
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
      "`storageClasses`, with a GPU pool `gpuAcceleratorType` and with `gke.gateway` `gateway`, for class " +
      "stacks to use with `source: stack`.",
  );
