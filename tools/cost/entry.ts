// How students reach the class, and what that costs: today one LoadBalancer per class (a forwarding rule) and,
// with a hostname, a reserved address. Shared ingress (issue 14) changes this function alone: one entry point
// per cluster, priced with the cluster, and only a route per class.
import { type ClassConfig, type ClusterConfig, serviceType } from "../../components/config";
import { type Line, unitPrice } from "./cluster";
import type { PriceList } from "./prices";

/** The class's own entry point on a GKE cluster: proxy-public's forwarding rule and its reserved address. */
export function entryPoint(prices: PriceList, cls: ClassConfig, cluster: ClusterConfig): Line[] {
  if (serviceType(cls, cluster) !== "LoadBalancer") return [];
  const month = prices.hoursPerMonth;
  const lines: Line[] = [
    {
      item: "load balancer",
      detail: `1 forwarding rule (proxy-public) × ${unitPrice(prices.forwardingRule.usd)}/h`,
      perMonth: prices.forwardingRule.usd * month,
    },
  ];
  if (cls.hostname !== undefined) {
    lines.push({
      item: "static IP",
      detail: `1 reserved external address for ${cls.hostname} × ${unitPrice(prices.staticIp.usd)}/h`,
      perMonth: prices.staticIp.usd * month,
    });
  }
  return lines;
}
