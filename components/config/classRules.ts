// Rules for classhub:class that span several keys or depend on the cluster, beyond what the zod schema checks.
// Each family is one small function; classProblems runs them all, so a stack file shows every problem at once.
import { classEntry } from "../ingress/entry";
import { platformContainers } from "../jupyterhub/manifests";
import { platformSizeProblems } from "../jupyterhub/sizing";
import { operatorProblems } from "./operatorRules";
import { platformTotals } from "../namespace/manifests";
import { bytes, formatBytes, formatCpu, millicores } from "../quantity";
import { userSchedulerRoom } from "../scheduling/manifests";
import { admissionProblems, loginProblems, type Report } from "./authRules";
import { problem } from "./errors";
import { poolsOf, serverProblems } from "./serverRules";
import { storageProblems } from "./storageRules";
import type { ClassConfig, ClusterConfig, Resources, ServiceType } from "./schema";

export { DEV_STACKS } from "./authRules";

/** Kubernetes names (namespaces, label values) hold at most 63 characters. */
const NAME_MAX = 63;

/** Guarantees within limits, for the class and each profile; a quota that admits the hub, the proxy and a student. */
function resourceProblems(cls: ClassConfig, report: Report) {
  const sets: [string, Partial<Resources>][] = [
    ["resources", cls.resources],
    ...cls.profiles.map((p, i): [string, Partial<Resources>] => [`profiles[${i}].resources`, p.resources]),
  ];
  for (const [key, r] of sets) {
    const cpuGuarantee = r.cpuGuarantee ?? cls.resources.cpuGuarantee;
    const cpuLimit = r.cpuLimit ?? cls.resources.cpuLimit;
    if (cpuGuarantee > cpuLimit)
      report(
        `${key}.cpuGuarantee`,
        cpuGuarantee,
        `exceeds cpuLimit ${cpuLimit}; a guarantee must be at most its limit`,
      );
    const memGuarantee = r.memoryGuarantee ?? cls.resources.memoryGuarantee;
    const memLimit = r.memoryLimit ?? cls.resources.memoryLimit;
    if (bytes(memGuarantee) > bytes(memLimit))
      report(
        `${key}.memoryGuarantee`,
        memGuarantee,
        `exceeds memoryLimit ${memLimit}; a guarantee must be at most its limit`,
      );
  }

  // Limits count toward the quota: below the hub's and the proxy's own, the hub is never admitted.
  const platform = platformContainers(cls);
  const scheduler = userSchedulerRoom(cls);
  const own = platformTotals([...platform, ...scheduler.containers]);
  const neededCpu = own.limitsMillicores + millicores(cls.resources.cpuLimit);
  const neededMemory = own.limitsMemory + bytes(cls.resources.memoryLimit);
  const neededPods = platform.length + scheduler.pods + 1;
  const who = `the hub, the proxy${scheduler.pods > 0 ? ", the packing scheduler (twice during a roll)" : ""} and one student server`;
  if (cls.quota.cpu !== undefined && millicores(cls.quota.cpu) < neededCpu) {
    report(
      "quota.cpu",
      cls.quota.cpu,
      `is below the ${formatCpu(neededCpu / 1000)} cores ${who} are limited to; set at least that`,
    );
  }
  if (cls.quota.memory !== undefined && bytes(cls.quota.memory) < neededMemory) {
    report(
      "quota.memory",
      cls.quota.memory,
      `is below the ${formatBytes(neededMemory)} ${who} are limited to; set at least that`,
    );
  }
  if (cls.quota.pods !== undefined && cls.quota.pods < neededPods) {
    report("quota.pods", cls.quota.pods, `is below the ${neededPods} pods of ${who}`);
  }
}

/** Profiles: distinct slugs, one default, GPUs only where a GPU pool exists. */
function profileProblems(cls: ClassConfig, cluster: ClusterConfig, report: Report) {
  const slugs = new Set<string>();
  cls.profiles.forEach((p, i) => {
    if (slugs.has(p.slug)) report(`profiles[${i}].slug`, p.slug, "used twice; each profile needs its own slug");
    slugs.add(p.slug);
    if (p.gpus > 0 && cluster.source === "gke" && cluster.gke.gpuPool === undefined) {
      report(`profiles[${i}].gpus`, p.gpus, "needs a GPU node pool; set classhub:cluster.gke.gpuPool");
    }
  });
  const defaults = cls.profiles.filter((p) => p.default).map((p) => p.slug);
  if (defaults.length > 1) report("profiles", defaults, "more than one profile is marked default; mark one");
}

/** The namespace, how proxy-public is exposed, and where its certificate comes from. */
function placementProblems(cls: ClassConfig, cluster: ClusterConfig, explicitNamespace: boolean, report: Report) {
  if (!explicitNamespace && cls.namespace.length > NAME_MAX) {
    report(
      "name",
      cls.name,
      `with term '${cls.term}' makes the namespace '${cls.namespace}' of ${cls.namespace.length} characters; ` +
        `Kubernetes allows ${NAME_MAX}: shorten name or term, or set classhub:class.namespace`,
    );
  }
  if (cls.nodePort !== undefined && serviceType(cls, cluster) !== "NodePort") {
    report("nodePort", cls.nodePort, "only applies with serviceType NodePort");
  }
  // behind the cluster's Gateway, Google's certificate serves the hostname
  const gateway = classEntry(cls, cluster).kind === "gateway";
  if (cls.hostname !== undefined && cluster.source === "gke" && "clusterIssuer" in cls.tls && !gateway) {
    report(
      "tls",
      cls.tls,
      "a cluster this stack creates (classhub:cluster.source gke) has no cert-manager to issue the certificate; " +
        "set classhub:class.tls.secretName to a kubernetes.io/tls Secret in the class namespace, " +
        "or run the class on a platform cluster stack that has cert-manager (classhub:cluster.source stack)",
    );
  }
}

/** The packing scheduler is for clusters classhub did not create: a GKE cluster packs by its autoscaler's profile. */
function packingProblems(cls: ClassConfig, cluster: ClusterConfig, report: Report) {
  if (cls.packing.scheduler && cluster.source !== "ambient") {
    report(
      "packing.scheduler",
      true,
      `is not for a GKE cluster (classhub:cluster.source ${cluster.source}): classhub's GKE clusters use the ` +
        "autoscaler's OPTIMIZE_UTILIZATION profile, under which GKE's own scheduler already places pods on the " +
        "fullest nodes, and a second scheduler would only compete with it; remove packing.scheduler",
    );
  }
}

/** How proxy-public is exposed: the explicit choice, else LoadBalancer on GKE and NodePort elsewhere. */
export function serviceType(cls: ClassConfig, cluster: ClusterConfig): ServiceType {
  return cls.serviceType ?? (cluster.source === "ambient" ? "NodePort" : "LoadBalancer");
}

export interface ClassContext {
  stack: string;
  cluster: ClusterConfig;
  hasOauthClientSecret: boolean;
  /** Whether the stack file sets classhub:class.namespace (else it derives from name and term). */
  explicitNamespace: boolean;
}

/** Every problem of a class that the schema alone cannot see, each naming its stack-file key. */
export function classProblems(cls: ClassConfig, context: ClassContext): string[] {
  const out: string[] = [];
  const report: Report = (key, value, message) => out.push(problem(`classhub:class.${key}`, [], value, message));
  loginProblems(cls, report);
  const unkeyed = admissionProblems(cls, context.stack, context.hasOauthClientSecret, report);
  resourceProblems(cls, report);
  platformSizeProblems(cls, report);
  operatorProblems(cls, report);
  profileProblems(cls, context.cluster, report);
  placementProblems(cls, context.cluster, context.explicitNamespace, report);
  packingProblems(cls, context.cluster, report);
  storageProblems(cls, context.cluster, report);
  out.push(...serverProblems(cls, poolsOf(context.cluster)));
  return [...out, ...unkeyed];
}
