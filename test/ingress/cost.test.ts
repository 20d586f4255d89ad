// What the entry point costs in `npm run cost`: a load balancer per class, against one Gateway per cluster.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gkeSchema, parseConfig } from "../../components/config";
import { sum } from "../../tools/cost/cluster";
import { entryPoint, sharedEntry } from "../../tools/cost/entry";
import { loadPrices } from "../../tools/cost/prices";
import { rawConfig } from "../support/stacks";

const prices = loadPrices();
const round = (n: number) => Math.round(n * 100) / 100;

/** stat20, a class with a hostname on the platform cluster stack, with classhub:cluster.gateway as given. */
function stat20(gateway: boolean, serviceType?: string) {
  const raw = rawConfig("stat20-sp27");
  const cls = { ...(raw.class as object), ...(serviceType === undefined ? {} : { serviceType }) };
  return parseConfig({ ...raw, cluster: { ...(raw.cluster as object), gateway }, class: cls });
}

describe("the entry point's cost", () => {
  it("a class with its own load balancer pays a forwarding rule and a reserved address: $21.90 a month", () => {
    const { class: cls, cluster } = stat20(false);
    assert.deepEqual(
      entryPoint(prices, cls!, cluster).map((l) => [l.item, round(l.perMonth)]),
      [
        ["load balancer", 18.25],
        ["static IP", 3.65],
      ],
    );
  });

  it("a class on the shared Gateway pays nothing of its own, and its line says what it saves", () => {
    const { class: cls, cluster } = stat20(true);
    const [line] = entryPoint(prices, cls!, cluster);
    assert.equal(line.perMonth, 0);
    assert.match(line.detail, /a load balancer of its own would cost \$21\.90\/month$/);
  });

  it("a class that sets serviceType keeps paying for its own load balancer on a Gateway cluster", () => {
    const { class: cls, cluster } = stat20(true, "LoadBalancer");
    assert.equal(round(sum(entryPoint(prices, cls!, cluster))), 21.9);
  });

  it("the cluster pays once for the Gateway: two forwarding rules and a global address, $40.15 a month", () => {
    const gke = gkeSchema.parse({ project: "ucb-classhub", region: "us-central1", gateway: true });
    assert.equal(round(sum(sharedEntry(prices, gke))), 40.15);
    assert.deepEqual(sharedEntry(prices, { ...gke, gateway: false }), []);
    // So from two classes with hostnames on, the Gateway costs less than their own load balancers (2 × $21.90).
  });
});
