// The egress rules classhub:class.egress adds to the student servers' NetworkPolicy. NetworkPolicy rules add up:
// each rule here opens one destination on its ports, next to the default rules, which it never widens.
import type * as k8s from "@pulumi/kubernetes";
import type { ClassConfig } from "../config/schema";
import { METADATA_RANGE, parseCidr } from "../config/schema/egress";

type Rule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
export type Egress = ClassConfig["egress"];

const tcp = (ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

/** Whether block `outer` contains block `inner` (both valid CIDRs). */
function contains(outer: string, inner: string): boolean {
  const a = parseCidr(outer)!;
  const b = parseCidr(inner)!;
  return a.size >= b.size && b.first >= a.first && b.first < a.first + a.size;
}

/** One rule per allowed service and block; a block around the metadata range keeps the range out. */
export function extraEgressRules(egress: Egress): Rule[] {
  return [
    ...egress.services.map((s): Rule => ({
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": s.namespace } },
          ...(Object.keys(s.podSelector).length === 0 ? {} : { podSelector: { matchLabels: s.podSelector } }),
        },
      ],
      ports: tcp(s.ports),
    })),
    ...egress.cidrs.map((c): Rule => ({
      to: [{ ipBlock: { cidr: c.cidr, ...(contains(c.cidr, METADATA_RANGE) ? { except: [METADATA_RANGE] } : {}) } }],
      ports: tcp(c.ports),
    })),
  ];
}
