// `npm run cost`: the arithmetic on small cases checked by hand, every example stack, and the command line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { gkeSchema, parseConfig } from "../../components/config";
import { placeholdersSchema } from "../../components/config/schema/lecture";
import { pool } from "../../tools/cost/cluster";
import { costReport } from "../../tools/cost/cost";
import { DEFAULT_USAGE, type Estimate, estimate } from "../../tools/cost/estimate";
import { loadStack } from "../../tools/cost/load";
import { allocatable, serversPerNode } from "../../tools/cost/packing";
import { CostError, loadPrices, type PriceList } from "../../tools/cost/prices";
import { placeholderNodeHours, placeholderWeek } from "../../tools/cost/schedule";
import { listStacks } from "../../tools/harness/stackfile";
import { withClass } from "../support/stacks";

const ROOT = path.resolve(__dirname, "../..");
const close = (actual: number, expected: number, digits = 6) =>
  assert.ok(Math.abs(actual - expected) < 10 ** -digits, `expected ${expected}, got ${actual}`);

const N2_HIGHMEM_8 = { cpu: 8, memoryGiB: 64 };

describe("packing: servers on one node", () => {
  it("a node keeps what GKE reserves and its system pods take", () => {
    const room = allocatable(N2_HIGHMEM_8);
    // CPU: 6% of 1 core, 1% of 1, 0.5% of 2, 0.25% of 4 = 0.09; system pods 0.25.
    close(room.cpu, 8 - 0.09 - 0.25);
    // Memory: 25% of 4 + 20% of 4 + 10% of 8 + 6% of 48 = 5.48 GiB; eviction 100Mi; system pods 0.5 GiB.
    close(room.memoryGiB, 64 - 5.48 - 100 / 1024 - 0.5);
  });

  it("fits by CPU when CPU runs out first: 7.66 cores hold 15 servers of 0.5", () => {
    assert.equal(serversPerNode(N2_HIGHMEM_8, { cpu: 0.5, memoryGiB: 2 }), 15);
  });

  it("fits by memory when memory runs out first: 27.8 GiB hold 6 servers of 4 GiB", () => {
    assert.equal(serversPerNode({ cpu: 8, memoryGiB: 32 }, { cpu: 1, memoryGiB: 4 }), 6);
  });

  it("stops at the node's pod limit, less its system pods", () => {
    assert.equal(serversPerNode(N2_HIGHMEM_8, { cpu: 0.05, memoryGiB: 0.5 }), 100);
  });

  it("fits GPU servers by GPUs", () => {
    const node = { cpu: 8, memoryGiB: 30 };
    const server = { cpu: 1, memoryGiB: 2 };
    assert.equal(serversPerNode(node, server, { node: 1, server: 1 }), 1);
    assert.equal(serversPerNode(node, server, { node: 4, server: 2 }), 2);
  });
});

describe("placeholders over the lecture schedule", () => {
  const schedule = placeholdersSchema.parse({
    count: 2,
    leadMinutes: 15,
    lectures: [
      { when: "Mon/Wed 10:00 America/Los_Angeles", minutes: 80, count: 300 },
      { when: "Fri 14:00 America/Los_Angeles", minutes: 45 },
    ],
  });

  it("holds each lecture's count from the lead to its end, the class size unless set, and the rest always", () => {
    const week = placeholderWeek(schedule, 400);
    // Mon/Wed: 2 × (15 + 80) min; Fri: 15 + 45 min; the rest of the 168 hours holds the always-on 2.
    assert.deepEqual(
      week.map((w) => [w.what, w.placeholders]),
      [
        ["always", 2],
        ["Mon/Wed 10:00 America/Los_Angeles", 300],
        ["Fri 14:00 America/Los_Angeles", 400],
      ],
    );
    close(week[1].hoursPerWeek, 190 / 60);
    close(week[2].hoursPerWeek, 1);
    close(week[0].hoursPerWeek, 168 - 190 / 60 - 1);
    // Per month of 730 hours: (190/60 + 1) hours a week × 730/168 weeks.
    close(((week[1].hoursPerWeek + week[2].hoursPerWeek) * 730) / 168, 18.1051587, 6);
  });

  it("rounds each window up to whole nodes", () => {
    const week = placeholderWeek(schedule, 400);
    // 100 servers a node: 1 node always, 3 for 300, 4 for 400.
    close(placeholderNodeHours(week, 100), (168 - 190 / 60 - 1) * 1 + (190 / 60) * 3 + 1 * 4);
  });

  it("holds nothing without a count or lectures", () => {
    assert.deepEqual(placeholderWeek(placeholdersSchema.parse({}), 400), []);
  });
});

/** A price list where one n2-highmem-8 node costs exactly $1 an hour and nothing else costs anything. */
function dollarNode(): PriceList {
  const prices = loadPrices();
  const zero = <T extends { usd: number }>(p: T): T => ({ ...p, usd: 0 });
  return {
    ...prices,
    gkeClusterFee: zero(prices.gkeClusterFee),
    forwardingRule: zero(prices.forwardingRule),
    staticIp: zero(prices.staticIp),
    disks: Object.fromEntries(Object.entries(prices.disks).map(([k, v]) => [k, zero(v)])),
    machines: {
      ...prices.machines,
      "n2-highmem-8": {
        ...prices.machines["n2-highmem-8"],
        onDemand: { ...prices.machines["n2-highmem-8"].onDemand, usd: 1 },
      },
    },
  };
}

/** stat20 (400 expected students and 2 admins: 402) on a cluster whose user pool is n2-highmem-8. */
function stat20(change: (cls: any) => void, prices: PriceList, usage = DEFAULT_USAGE): Estimate {
  const config = parseConfig(withClass("stat20-sp27", change));
  const gke = gkeSchema.parse({
    project: "test-project",
    region: "us-central1",
    userPool: { machineType: "n2-highmem-8" },
  });
  return estimate(
    config,
    { gke, key: "classhub:cluster.gke", stackRef: "ucb/classhub/platform", known: true },
    prices,
    usage,
  );
}

describe("a node pool's hour", () => {
  it("is the machine, spot or on-demand, plus its GPUs and its boot disk's share of a month", () => {
    const prices = loadPrices();
    const gpuPool = pool(prices, "gpu", "classhub:cluster.gke.gpuPool", {
      machineType: "n1-standard-8",
      minNodes: 0,
      maxNodes: 2,
      diskSizeGb: 100,
      spot: true,
      acceleratorType: "nvidia-tesla-t4",
      acceleratorCount: 2,
    });
    const m = prices.machines["n1-standard-8"].spot.usd;
    const t4 = prices.gpus["nvidia-tesla-t4"].spot.usd;
    close(gpuPool.perHour, m + 2 * t4 + (100 * prices.disks["pd-balanced"].usd) / 730);
  });
});

describe("estimate of a class", () => {
  const servers = (c: any) =>
    (c.resources = { cpuGuarantee: 0.5, cpuLimit: 1, memoryGuarantee: "2Gi", memoryLimit: "2Gi" });

  it("prices student hours at the configured packing: a $1 node of 15 servers is $1/15 a student-hour", () => {
    const e = stat20(servers, dollarNode());
    const k = e.class!;
    assert.equal(k.size, 402);
    assert.equal(k.servers[0].perNode, 15);
    close(k.servers[0].perStudentHour, 1 / 15);
    // 402 people × 5 hours a week × 730/168 weeks a month.
    close(k.students.hoursPerMonth, (402 * 5 * 730) / 168);
    close(k.students.perMonth, (402 * 5 * 730) / 168 / 15);
    close(k.students.perTerm, (402 * 5 * 15) / 15);
  });

  it("compares with user nodes for the peak all month: 201 servers on 14 nodes of $1", () => {
    const e = stat20(servers, dollarNode());
    const f = e.class!.neverScalesToZero;
    assert.equal(f.peakServers, 201);
    assert.equal(f.nodes[0].detail.split(" ")[0], "14");
    close(f.perMonth, 14 * 730);
    // The floor is $0 here, so the difference is the nodes less the student hours.
    close(e.class!.difference.perMonth, 14 * 730 - (402 * 5 * 730) / 168 / 15);
  });

  it("takes the largest lecture as the peak, and prices the placeholders' node-hours", () => {
    const e = stat20((c) => {
      servers(c);
      c.placeholders = { lectures: [{ when: "Tue/Thu 09:30 America/Los_Angeles", minutes: 75, count: 150 }] };
    }, dollarNode());
    const k = e.class!;
    assert.equal(k.neverScalesToZero.peakServers, 150);
    // 150 placeholders need 10 nodes for 2 × 90 minutes a week.
    close(k.placeholders.nodeHoursPerWeek, 30);
    close(k.placeholders.perMonth, (30 * 730) / 168);
  });

  it("counts every home disk, the hub database, the load balancer and the address in the floor", () => {
    const prices = loadPrices();
    const e = stat20(servers, prices);
    assert.deepEqual(
      e.class!.floor.map((l) => [l.item, Math.round(l.perMonth * 100) / 100]),
      [
        ["home disks", 402 * 5 * 0.1],
        ["hub database disk", 0.17],
        ["load balancer", 18.25],
        ["static IP", 3.65],
      ],
    );
  });

  it("refuses a machine type without a price, naming the key and the fix", () => {
    const config = parseConfig(withClass("stat20-sp27", () => undefined));
    const gke = gkeSchema.parse({
      project: "test-project",
      region: "us-central1",
      userPool: { machineType: "c3-standard-8" },
    });
    assert.throws(
      () => estimate(config, { gke, key: "classhub:cluster.gke", known: true }, loadPrices(), DEFAULT_USAGE),
      (e: Error) =>
        e instanceof CostError &&
        e.message.startsWith(
          "classhub:cluster.gke.userPool.machineType: machine type c3-standard-8 has no price in tools/cost/prices.json; priced: ",
        ),
    );
  });
});

describe("example stacks", () => {
  const usage = {
    studentHours: 5,
    gpuHours: 1,
    weeks: 15,
    peakShare: 0.5,
    prices: path.join(ROOT, "tools/cost/prices.json"),
  };

  for (const stack of listStacks(ROOT)) {
    it(`${stack} has an estimate, as text and as JSON`, () => {
      const text = costReport(stack, usage, ROOT);
      assert.match(text, new RegExp(`^classhub cost estimate: ${stack} `));
      const json = JSON.parse(costReport(stack, { ...usage, json: true }, ROOT));
      assert.equal(json.stack, stack);
    });
  }

  it("a class on the platform stack reads the platform's pools from Pulumi.platform.yaml", () => {
    const loaded = loadStack("data8-fa26", ROOT, "us-central1");
    assert.equal(loaded.cluster!.gke.userPool.machineType, "n2-highmem-8");
    assert.deepEqual(loaded.notes, [
      "Cluster stack ucb/classhub/platform: machine types and pools from Pulumi.platform.yaml.",
    ]);
  });

  it("dev, on an ambient cluster, lists what it requests and no prices", () => {
    const json = JSON.parse(costReport("dev", { ...usage, json: true }, ROOT));
    assert.equal(json.kind, "ambient");
    assert.deepEqual(json.requests[0], { item: "hub pod", cpu: "200m", memory: "512Mi", detail: "always running" });
    assert.match(json.notes[0], /no cloud list prices apply/);
  });

  it("the platform stack has its own floor: the GKE fee and one core node", () => {
    const json = JSON.parse(costReport("platform", { ...usage, json: true }, ROOT)) as Estimate;
    assert.equal(json.kind, "cluster");
    assert.deepEqual(
      json.cluster.floor.map((l) => l.item),
      ["GKE cluster fee", "core pool, minimum nodes"],
    );
  });

  describe("a class whose cluster stack's file is not in the repo", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-cost-test-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const f of ["Pulumi.yaml", "Pulumi.stat20-sp27.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));

    it("says so and assumes classhub's default pools", () => {
      const loaded = loadStack("stat20-sp27", dir, "us-central1");
      assert.equal(loaded.cluster!.known, false);
      assert.deepEqual(loaded.notes, [
        "Cluster stack ucb/classhub/platform: its stack file is not in this repo.",
        "Assumed classhub's default pools: core e2-standard-4 (min 1), user n2-highmem-4, no GPU pool, in us-central1.",
      ]);
    });
  });
});

describe("npm run cost", () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "tools/cost/cost.ts", ...args], { cwd: ROOT, encoding: "utf8" });

  it("--help names every flag with its default", () => {
    const r = run("--help");
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: cost \[options\] <stack>/);
    for (const flag of ["--student-hours <hours>", "--gpu-hours <hours>", "--weeks <weeks>", "--peak-share <share>"]) {
      assert.ok(r.stdout.includes(flag), `${flag} in --help`);
    }
    assert.match(r.stdout, /\(default: 5\)/);
    assert.match(r.stdout, /\(default: 15\)/);
    assert.ok(!r.stdout.includes(ROOT), "no path of this machine in --help");
  });

  it("a stack that does not exist fails with the stacks there are", () => {
    const r = run("data8-sp99");
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `no stack file Pulumi.data8-sp99.yaml; stacks here: ${listStacks(ROOT).join(", ")}\n`);
    assert.equal(r.stdout, "");
  });

  it("a flag out of range fails, naming the flag, the value and the range", () => {
    const r = run("dev", "--weeks", "0");
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--weeks 0: expected a number from 1 to 52/);
  });
});
