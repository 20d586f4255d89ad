import * as k8s from "@pulumi/kubernetes";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { describe, show } from "../lib/describe";
import { skipUnknown } from "../lib/unknown";

const FIX = "classhub's hub needs only HUB_RULES in components/hub/manifests.ts";

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
 * and classhub creates no ClusterRole or ClusterRoleBinding at all.
 */
export const enforceNamespacedRbac: ResourceValidationPolicy = {
  name: "classhub-enforce-namespaced-rbac",
  description:
    "The hub's rights are a namespaced Role with explicit rules: no wildcards, no ClusterRole, no cluster-wide secrets.",
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
