import * as k8s from "@pulumi/kubernetes";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { describe, show } from "../lib/describe";
import { skipUnknown } from "../lib/unknown";

const FIX = "classhub's hub needs only HUB_RULES in components/hub/manifests.ts";

/**
 * The one exception: a class's packing scheduler (classhub:class.packing.scheduler) places pods among all the
 * cluster's pods and nodes, which only the cluster's own scheduler roles allow. Each is bound cluster-wide to the
 * scheduler's ServiceAccount alone (components/scheduling/manifests.ts); nothing else may bind them, and they may
 * be bound to nothing else.
 */
export const SCHEDULER_ACCOUNT = "user-scheduler";
export const SCHEDULER_CLUSTER_ROLES = ["system:kube-scheduler", "system:volume-scheduler"];

function isSchedulerRole(roleRef: any): boolean {
  return roleRef?.kind === "ClusterRole" && SCHEDULER_CLUSTER_ROLES.includes(roleRef?.name);
}

/** Exactly one subject: the ServiceAccount user-scheduler of a namespace. */
function onlySchedulerAccount(subjects: any[]): boolean {
  return (
    subjects.length === 1 &&
    subjects[0].kind === "ServiceAccount" &&
    subjects[0].name === SCHEDULER_ACCOUNT &&
    typeof subjects[0].namespace === "string" &&
    subjects[0].namespace !== ""
  );
}

function wildcards(rules: any[], reportViolation: (message: string) => void, resource: string): void {
  rules.forEach((rule, i) => {
    for (const field of ["apiGroups", "resources", "verbs"]) {
      const values: string[] = rule[field] ?? [];
      if (values.includes("*")) {
        reportViolation(
          `Expected explicit ${field} but found "*" in rules[${i}] of ${resource}; list only what is needed (${FIX})`,
        );
      }
    }
  });
}

/**
 * The hub's rights are the students' attack surface: a hub compromised through a notebook must not read other
 * classes' secrets or create pods outside its namespace. So its rights are a namespaced Role with explicit rules,
 * and classhub creates no ClusterRole, and no ClusterRoleBinding but the packing scheduler's (see above).
 */
export const enforceNamespacedRbac: ResourceValidationPolicy = {
  name: "classhub-enforce-namespaced-rbac",
  description:
    "Rights are namespaced Roles with explicit rules and no secrets; only a packing scheduler binds cluster roles.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: [
    validateResourceOfType(
      k8s.rbac.v1.Role,
      skipUnknown((role, args, reportViolation) => {
        if (role.metadata?.namespace === undefined || role.metadata.namespace === "") {
          reportViolation(
            `Expected the class namespace but found no metadata.namespace in ${describe(args)}; ` +
              "set metadata.namespace so the Role cannot land in the provider's default namespace",
          );
        }
        wildcards(role.rules ?? [], reportViolation, describe(args));
      }),
    ),
    validateResourceOfType(
      k8s.rbac.v1.ClusterRole,
      skipUnknown((clusterRole, args, reportViolation) => {
        const secrets = (clusterRole.rules ?? []).some((rule: any) =>
          (rule.resources ?? []).some((r: string) => r === "secrets" || r === "*"),
        );
        reportViolation(
          `Expected a namespaced Role but found ${describe(args)}${secrets ? ", which grants secrets cluster-wide" : ""}; ` +
            `replace it with a Role in the class namespace (${FIX})`,
        );
      }),
    ),
    validateResourceOfType(
      k8s.rbac.v1.ClusterRoleBinding,
      skipUnknown((binding, args, reportViolation) => {
        if (isSchedulerRole(binding.roleRef)) {
          const subjects = binding.subjects ?? [];
          if (!onlySchedulerAccount(subjects)) {
            const found = subjects.map((s: any) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ""}${s.name}`);
            reportViolation(
              `Expected only ServiceAccount ${SCHEDULER_ACCOUNT} of the class namespace as the subject of ` +
                `${describe(args)} to ${show(binding.roleRef.name)} but found ${found.join(", ") || "none"}; ` +
                "a scheduler's cluster-wide rights belong to the packing scheduler alone " +
                "(classhub:class.packing.scheduler, components/scheduling/manifests.ts)",
            );
          }
          return;
        }
        reportViolation(
          `Expected a RoleBinding in the class namespace but found ${describe(args)} to ${show(binding.roleRef?.name)}; ` +
            "replace it with a RoleBinding to a namespaced Role",
        );
      }),
    ),
    validateResourceOfType(
      k8s.rbac.v1.RoleBinding,
      skipUnknown((binding, args, reportViolation) => {
        if (binding.roleRef?.kind !== "Role") {
          reportViolation(
            `Expected roleRef kind Role but found ${show(binding.roleRef?.kind)} ${show(binding.roleRef?.name)} in ` +
              `${describe(args)}; bind the hub's own namespaced Role (a ClusterRole such as edit can read secrets)`,
          );
        }
      }),
    ),
  ],
};
