// Rules for classhub:class that span several keys or depend on the cluster, beyond what the zod schema checks.
// Each family is one small function; classProblems runs them all, so a stack file shows every problem at once.
import { platformContainers } from "../jupyterhub/manifests";
import { platformTotals } from "../namespace/manifests";
import { bytes, formatBytes, formatCpu, millicores } from "../quantity";
import { problem, show } from "./errors";
import {
  type ClassConfig,
  type ClusterConfig,
  EMAIL,
  GITHUB_LOGIN,
  type Resources,
  type ServiceType,
  USERNAME,
} from "./schema";

/** Stacks where dummy login (anyone with any password) is allowed. */
export const DEV_STACKS = /^dev(-[\w.-]*)?$/;
/** Kubernetes names (namespaces, label values) hold at most 63 characters. */
const NAME_MAX = 63;

type Report = (key: string, value: unknown, message: string) => void;

/** What the class's logins look like: email addresses, GitHub logins or plain usernames. */
function loginPattern(cls: ClassConfig): [RegExp, string] {
  const auth = cls.auth;
  if (auth.type === "google" || (auth.type === "generic-oauth" && auth.usernameClaim === "email"))
    return [EMAIL, "an email address"];
  if (auth.type === "github") return [GITHUB_LOGIN, "a GitHub login"];
  return [USERNAME, "a username: lowercase letters, digits, '.', '_' or '-'"];
}

function listedOnce(report: Report, key: string, values: string[], what: string) {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) report(key, value, `listed twice; list each ${what} once`);
    seen.add(value);
  }
}

/** Admins and roster: well-formed for the authenticator, each once, and able to pass its domain check. */
function loginProblems(cls: ClassConfig, report: Report) {
  const [pattern, what] = loginPattern(cls);
  for (const list of ["admins", "roster"] as const) {
    cls[list].forEach((user, i) => {
      if (!pattern.test(user)) report(`${list}[${i}]`, user, `expected ${what}`);
    });
    listedOnce(report, list, cls[list], "user");
  }
  const auth = cls.auth;
  if (auth.type === "google" && auth.hostedDomain.length > 0) {
    // OAuthenticator blocks an account whose Google Workspace domain (the hd claim) is not a hosted domain
    // before it reads the allow-list, so a listed user of another domain could never log in.
    const domains = auth.hostedDomain;
    for (const list of ["admins", "roster"] as const) {
      cls[list].forEach((user, i) => {
        if (pattern.test(user) && !domains.includes(user.split("@")[1])) {
          report(
            `${list}[${i}]`,
            user,
            `is outside auth.hostedDomain ${show(domains)}, and Google login refuses other domains before it reads ` +
              `the ${list}; list the person's ${domains.join(" or ")} account, or drop auth.hostedDomain and rely on the roster`,
          );
        }
      });
    }
  }
}

/** Who may log in at all: dummy only on dev stacks; OAuth with its secret, a callback hostname and a restriction. */
function admissionProblems(cls: ClassConfig, stack: string, hasOauthClientSecret: boolean, report: Report): string[] {
  const auth = cls.auth;
  const unkeyed: string[] = [];
  if (auth.type === "dummy") {
    if (!DEV_STACKS.test(stack)) {
      report(
        "auth.type",
        "dummy",
        `dummy lets anyone in and is allowed only on dev stacks, not '${stack}'; use github, google or generic-oauth`,
      );
    }
    if (cls.roster.length === 0) {
      report("roster", [], "is empty: with dummy login only the roster and the admins may log in; add students");
    }
    return unkeyed;
  }
  if (!hasOauthClientSecret) {
    unkeyed.push(
      `classhub:oauthClientSecret: required with auth type ${auth.type}; run 'pulumi config set --secret classhub:oauthClientSecret <secret>'`,
    );
  }
  if (cls.hostname === undefined) {
    report(
      "hostname",
      undefined,
      `required with auth type ${auth.type}: the OAuth callback URL is https://<hostname>/hub/oauth_callback`,
    );
  }
  const [restrictionKey, restriction, what] =
    auth.type === "github"
      ? ["allowedOrganizations", auth.allowedOrganizations, "organization"]
      : auth.type === "google"
        ? ["hostedDomain", auth.hostedDomain, "domain"]
        : ["allowedGroups", auth.allowedGroups, "group"];
  listedOnce(report, `auth.${restrictionKey}`, restriction, what);
  if (auth.type === "generic-oauth" && auth.allowedGroups.length > 0 && auth.claimGroupsKey === undefined) {
    report(
      "auth.allowedGroups",
      auth.allowedGroups,
      "needs auth.claimGroupsKey, the user-info claim that lists a user's groups (e.g. groups)",
    );
  }
  if (cls.roster.length === 0 && restriction.length === 0) {
    report(
      "roster",
      [],
      "is empty and no organization, domain or group is allowed: nobody could log in; add students or a restriction",
    );
  }
  if (cls.roster.length === 0 && cls.expectedStudents === undefined) {
    report(
      "expectedStudents",
      undefined,
      "required when students are admitted by organization, domain or group; it sizes the quota and spawn limits",
    );
  }
  return unkeyed;
}

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
  const own = platformTotals(platform);
  const neededCpu = own.limitsMillicores + millicores(cls.resources.cpuLimit);
  const neededMemory = own.limitsMemory + bytes(cls.resources.memoryLimit);
  const neededPods = platform.length + 1;
  const who = "the hub, the proxy and one student server";
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
  if (cls.hostname !== undefined && cluster.source === "gke" && "clusterIssuer" in cls.tls) {
    report(
      "tls",
      cls.tls,
      "a cluster this stack creates (classhub:cluster.source gke) has no cert-manager to issue the certificate; " +
        "set classhub:class.tls.secretName to a kubernetes.io/tls Secret in the class namespace, " +
        "or run the class on a platform cluster stack that has cert-manager (classhub:cluster.source stack)",
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
  profileProblems(cls, context.cluster, report);
  placementProblems(cls, context.cluster, context.explicitNamespace, report);
  return [...out, ...unkeyed];
}
