// How students reach the class, and what that costs. A class with its own entry point pays for one LoadBalancer
// (a forwarding rule) and, with a hostname, a reserved address. On a cluster with a shared Gateway
// (classhub:cluster.gke.gateway) the cluster pays once for the Gateway's forwarding rules and global address, and a
// class with a hostname adds only a route: its line shows what its own load balancer would have cost.
import type { ClassConfig, ClusterConfig, GkeConfig } from "../../components/config";
import { classEntry, publicServiceType } from "../../components/ingress/entry";
import { type Line, sum, unitPrice } from "./cluster";
import type { PriceList } from "./prices";

/** A class's own load balancer on GKE: proxy-public's forwarding rule and, with a hostname, its reserved address. */
function ownLoadBalancer(prices: PriceList, hostname: string | undefined): Line[] {
  const month = prices.hoursPerMonth;
  return [
    {
      item: "load balancer",
      detail: `1 forwarding rule (proxy-public) × ${unitPrice(prices.forwardingRule.usd)}/h`,
      perMonth: prices.forwardingRule.usd * month,
    },
    ...(hostname === undefined
      ? []
      : [
          {
            item: "static IP",
            detail: `1 reserved external address for ${hostname} × ${unitPrice(prices.staticIp.usd)}/h`,
            perMonth: prices.staticIp.usd * month,
          },
        ]),
  ];
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The class's own entry point on a GKE cluster, or its route on the cluster's shared Gateway. */
export function entryPoint(prices: PriceList, cls: ClassConfig, cluster: ClusterConfig): Line[] {
  if (classEntry(cls, cluster).kind === "gateway") {
    return [
      {
        item: "entry point",
        detail:
          `a route on the cluster's shared Gateway, priced with the cluster; a load balancer of its own would cost ` +
          `${usd(sum(ownLoadBalancer(prices, cls.hostname)))}/month`,
        perMonth: 0,
      },
    ];
  }
  if (publicServiceType(cls, cluster) !== "LoadBalancer") return [];
  return ownLoadBalancer(prices, cls.hostname);
}

/**
 * The cluster's shared Gateway, part of its floor: GKE gives it a forwarding rule per listener (HTTP, which
 * redirects, and HTTPS) on one reserved global address. Certificate Manager bills certificates and map entries by the
 * month; they are not in the price list (prices.json) and not priced here.
 */
export function sharedEntry(prices: PriceList, gke: GkeConfig): Line[] {
  if (!gke.gateway) return [];
  const month = prices.hoursPerMonth;
  return [
    {
      item: "shared Gateway",
      detail:
        `2 forwarding rules (HTTP, HTTPS) × ${unitPrice(prices.forwardingRule.usd)}/h + 1 global address × ` +
        `${unitPrice(prices.staticIp.usd)}/h, for every class on the cluster`,
      perMonth: (2 * prices.forwardingRule.usd + prices.staticIp.usd) * month,
    },
  ];
}
