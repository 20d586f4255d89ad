// Prints an estimate as tables for people; `--json` prints the estimate object itself.
import { plainTable as table } from "../table";
import { type Line, sum } from "./cluster";
import type { Estimate, Usage } from "./estimate";
import type { AmbientEstimate } from "./requests";

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2 });
const rate = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 4 });
const fmt = (usd: number) => money.format(usd);
const num = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

const lines = (ls: Line[], total: string) =>
  table(
    ["item", "counted as", "per month"],
    [...ls.map((l) => [l.item, l.detail, fmt(l.perMonth)]), [total, "", fmt(sum(ls))]],
    [2],
  );

/** A section's title, after a blank line. */
const heading = (title: string) => `\n${title}`;

const usageLine = (u: Usage) =>
  `Usage: ${u.studentHoursPerWeek} server-hours a week per student (${u.gpuHoursPerWeek} on a GPU profile where ` +
  `there is one), ${u.weeksPerTerm}-week term, peak ${u.peakShare} of the class without lectures; see --help.`;

const NOT_COUNTED =
  "Not counted: network egress and load balancer data, Cloud NAT, logging and monitoring, snapshots and backups, " +
  "sustained- and committed-use discounts, free tiers, taxes.";

function clusterSection(e: Estimate): string[] {
  const c = e.cluster;
  const title = c.shared
    ? `Cluster ${c.stackRef}: idle floor, shared by every class on it`
    : e.kind === "class"
      ? "This stack's own GKE cluster: idle floor"
      : `Cluster ${e.stack}: idle floor`;
  const pools = table(
    ["pool", "nodes", "one node an hour", "made of"],
    c.pools.map((p) => [p.name, `${p.minNodes}–${p.maxNodes}`, rate.format(p.perHour), p.detail]),
    [1, 2],
  );
  return [
    heading(title),
    lines(c.floor, "cluster floor"),
    heading("Node pools"),
    pools,
    ...(e.kind === "cluster" ? [`With every pool at its maxNodes all month: ${fmt(c.atMostPerMonth)} a month.`] : []),
  ];
}

function classSections(e: Estimate): string[] {
  const k = e.class!;
  const u = e.usage;
  const servers = table(
    ["server", "requests", "pool", "servers per node", "per student-hour"],
    k.servers.map((s) => [
      s.name,
      `${s.requests.cpu} CPU, ${num(s.requests.memoryGiB, 2)} GiB${s.gpus > 0 ? `, ${s.gpus} GPU` : ""}`,
      s.pool,
      s.perNode,
      rate.format(s.perStudentHour),
    ]),
    [3, 4],
  );
  const held =
    k.placeholders.week.length === 0
      ? [heading("Placeholders: none (classhub:class.placeholders).")]
      : [
          heading("Placeholders (classhub:class.placeholders), each the size of a default server"),
          table(
            ["held", "placeholders", "hours a week"],
            k.placeholders.week.map((w) => [w.what, w.placeholders, num(w.hoursPerWeek, 2)]),
            [1, 2],
          ),
        ];
  const f = k.neverScalesToZero;
  const totals = table(
    ["", "per month", `per term (${u.weeksPerTerm} weeks)`],
    [
      ["class idle floor", fmt(k.floorPerMonth), fmt(k.floorPerMonth * e.termMonths)],
      [
        `student servers (${num(k.students.hoursPerMonth, 0)} h a month)`,
        fmt(k.students.perMonth),
        fmt(k.students.perTerm),
      ],
      [
        `placeholders (${num(k.placeholders.nodeHoursPerWeek)} node-hours a week)`,
        fmt(k.placeholders.perMonth),
        fmt(k.placeholders.perTerm),
      ],
      ["class total, scaling to zero", fmt(k.perMonth), fmt(k.perTerm)],
      [`never scales to zero (${f.peakServers} servers held all month)`, fmt(f.perMonth), fmt(f.perTerm)],
      ["difference", fmt(k.difference.perMonth), fmt(k.difference.perTerm)],
      ...(e.total?.includesCluster
        ? [["class and its cluster, scaling to zero", fmt(e.total.perMonth), fmt(e.total.perTerm)]]
        : []),
    ],
    [1, 2],
  );
  return [
    heading(`Class ${e.stack} (${k.size} students and staff): idle floor`),
    lines(k.floor, "class floor"),
    heading("Student servers at the configured packing"),
    servers,
    ...held,
    heading("Never scales to zero: user nodes for the peak, all month"),
    lines(f.nodes, "nodes"),
    heading("Totals"),
    totals,
  ];
}

/** The report of a GKE estimate, a class's or a cluster stack's. */
export function renderEstimate(e: Estimate): string {
  const what =
    e.kind === "cluster"
      ? "cluster stack"
      : e.cluster.shared
        ? `class on ${e.cluster.stackRef}`
        : "class with its own GKE cluster";
  return [
    `classhub cost estimate: ${e.stack} (${what})`,
    `Prices: ${e.prices.region} list prices in USD, read ${e.prices.read} (tools/cost/prices.json, each with its source).`,
    ...(e.kind === "class" ? [usageLine(e.usage)] : []),
    ...(e.kind === "class" ? classSections(e) : []),
    ...clusterSection(e),
    "",
    ...e.notes.map((n) => `Note: ${n}`),
    NOT_COUNTED,
    "",
  ].join("\n");
}

/** The report of a class on an ambient cluster: its requests, no prices. */
export function renderAmbient(e: AmbientEstimate): string {
  return [
    `classhub cost estimate: ${e.stack} (class on an ambient cluster)`,
    ...e.notes,
    "",
    table(
      ["what", "CPU", "memory", "storage", "counted as"],
      e.requests.map((r) => [r.item, r.cpu ?? "", r.memory ?? "", r.storage ?? "", r.detail]),
      [1, 2, 3],
    ),
    "",
  ].join("\n");
}
