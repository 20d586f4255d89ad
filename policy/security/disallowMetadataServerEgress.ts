import * as k8s from "@pulumi/kubernetes";
import { type PolicyConfigSchema, type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { describe } from "../lib/describe";
import { cidrContains } from "../lib/network";
import { known, skipUnknown } from "../lib/unknown";

interface Config {
  blockedAddresses: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    blockedAddresses: {
      type: "array",
      items: { type: "string", pattern: "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$" },
      default: ["169.254.169.254"],
      description:
        "Addresses students' servers must not reach: the cloud metadata server, which hands out node credentials.",
    },
  },
};

const SINGLEUSER = "singleuser-server";
const DNS_PORT = 53;

/** Whether a podSelector can select students' servers: an empty selector, or labels that fit theirs. */
function selectsSingleUser(podSelector: any): boolean {
  const matchLabels: Record<string, string> = podSelector?.matchLabels ?? {};
  const component = matchLabels["app.kubernetes.io/component"];
  if (component !== undefined) return component === SINGLEUSER;
  // Without a component label the selector matches every pod in the namespace that has its other labels.
  return Object.keys(matchLabels).every((key) => key.startsWith("app.kubernetes.io/"));
}

/**
 * Students run arbitrary code. On GKE the metadata server at 169.254.169.254 serves the credentials of whoever
 * asks; Workload Identity narrows that, and the single-user NetworkPolicy must close it.
 */
export const disallowMetadataServerEgress: ResourceValidationPolicy = {
  name: "classhub-disallow-metadata-server-egress",
  description:
    "No NetworkPolicy that selects students' servers allows egress to the cloud metadata server 169.254.169.254.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema,
  validateResource: validateResourceOfType(
    k8s.networking.v1.NetworkPolicy,
    skipUnknown((policy, args, reportViolation) => {
      const { blockedAddresses } = configWithDefaults<Config>(configSchema, args);
      if (!selectsSingleUser(policy.spec?.podSelector)) return;
      const rules: any[] = policy.spec?.egress ?? [];
      rules.forEach((rule, i) => {
        const peers: any[] = known(() => rule.to) ?? [];
        const ports: any[] = known(() => rule.ports) ?? [];
        for (const address of blockedAddresses) {
          if (peers.length === 0) {
            // No peers: any destination, on the rule's ports. DNS alone is harmless; anything else reaches the address.
            const open =
              ports.length === 0 ? ["any port"] : ports.filter((p) => p.port !== DNS_PORT).map((p) => `port ${p.port}`);
            if (open.length > 0) {
              reportViolation(
                `Expected egress rule ${i} to exclude ${address} but found any destination on ${open.join(", ")} in ` +
                  `${describe(args)}; restrict spec.egress[${i}].to to an ipBlock whose except lists ${address}/32 ` +
                  "(BLOCKED_EGRESS in components/jupyterhub/manifests.ts)",
              );
            }
            continue;
          }
          peers.forEach((peer, j) => {
            const cidr = known(() => peer.ipBlock?.cidr);
            if (cidr === undefined || !cidrContains(cidr, address)) return;
            const except: string[] = known(() => peer.ipBlock.except) ?? [];
            if (except.some((e) => cidrContains(e, address))) return;
            reportViolation(
              `Expected egress rule ${i} to exclude ${address} but found ipBlock ${cidr} without it in except in ` +
                `${describe(args)}; add ${address}/32 to spec.egress[${i}].to[${j}].ipBlock.except ` +
                "(BLOCKED_EGRESS in components/jupyterhub/manifests.ts)",
            );
          });
        }
      });
    }),
  ),
};
