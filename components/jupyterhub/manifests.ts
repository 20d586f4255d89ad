// Pure builders for what belongs to the class's JupyterHub as a whole rather than to the hub or the proxy.
import type * as k8s from "@pulumi/kubernetes";
import type { ClassConfig } from "../config/schema";
import { labels, podsOf } from "../labels";
import type { ContainerResources } from "../quantity";
import { DNS_EGRESS } from "../security";
import { HTTP_PORT, HTTPS_PORT, HUB_PORT, SINGLEUSER_PORT } from "../services";
import { METADATA_RANGE } from "../config/schema/egress";
import { type Egress, extraEgressRules } from "./egress";
import { hubContainer, proxyContainer } from "./sizing";

/** The containers classhub itself runs in a class's namespace, as sized for it: the hub and the proxy. */
export function platformContainers(cls: ClassConfig): ContainerResources[] {
  return [hubContainer(cls), proxyContainer(cls)];
}

/**
 * Ranges a student's server must never reach: the cloud metadata server (node credentials), and the private
 * and shared address space where the cluster, its nodes and the campus network live.
 */
export const BLOCKED_EGRESS = [METADATA_RANGE, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/** Student servers: reached only by the proxy and the hub; they reach the hub, the proxy, DNS and the public internet. */
export function singleuserNetworkPolicy(
  ns: string,
  /** classhub:class.egress: destinations beyond these, added as rules of their own. */
  egress: Egress = { services: [], cidrs: [] },
): k8s.types.input.networking.v1.NetworkPolicy {
  return {
    metadata: { name: "singleuser", namespace: ns, labels: labels(ns, "singleuser-server") },
    spec: {
      podSelector: podsOf(ns, "singleuser-server").podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [podsOf(ns, "proxy"), podsOf(ns, "hub")], ports: [{ protocol: "TCP", port: SINGLEUSER_PORT }] },
      ],
      egress: [
        { to: [podsOf(ns, "hub")], ports: [{ protocol: "TCP", port: HUB_PORT }] },
        {
          to: [podsOf(ns, "proxy")],
          ports: [
            { protocol: "TCP", port: HTTP_PORT },
            { protocol: "TCP", port: HTTPS_PORT },
          ],
        },
        DNS_EGRESS,
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: BLOCKED_EGRESS } }] },
        ...extraEgressRules(egress),
      ],
    },
  };
}
