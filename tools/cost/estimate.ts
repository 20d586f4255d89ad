// The estimate of a class or a cluster stack: plain data, from the validated stack config, a price list and the
// usage assumptions. No I/O; report.ts prints it, and tests check its numbers.
import type { ClassConfig, ClusterConfig, StackConfig } from "../../components/config";
import { classSize } from "../../components/hub/settings";
import { homesPerStudent } from "../../components/hub/servers";
import { bytes } from "../../components/quantity";
import { clusterFloor, type Line, type Pool, pools, sum, unitPrice } from "./cluster";
import type { ClusterSource } from "./load";
import { gib, serversPerNode, type Shape } from "./packing";
import { CostError, disk, type PriceList, pricedRegion } from "./prices";
import { HOURS_PER_WEEK, type HeldWindow, placeholderNodeHours, placeholderWeek } from "./schedule";
import { entryPoint, sharedEntry } from "./entry";

/** How the class is used: what no stack file says. Each has a flag in cost.ts. */
export interface Usage {
  /** Hours a week each student (and admin) has a server running. */
  studentHoursPerWeek: number;
  /** Of those, hours on a GPU profile, when the class has one. */
  gpuHoursPerWeek: number;
  /** Weeks in a term. */
  weeksPerTerm: number;
  /** Share of the class online at once, which a deployment that never scales to zero must hold; without lectures. */
  peakShare: number;
}

export const DEFAULT_USAGE: Usage = { studentHoursPerWeek: 5, gpuHoursPerWeek: 1, weeksPerTerm: 15, peakShare: 0.5 };

/** One kind of student server: its requests, its pool, how many share a node, and its cost per hour. */
export interface ServerCost {
  name: string;
  requests: Shape;
  gpus: number;
  pool: string;
  perNode: number;
  perStudentHour: number;
}

export interface ClassEstimate {
  size: number;
  floor: Line[];
  servers: ServerCost[];
  floorPerMonth: number;
  placeholders: { week: HeldWindow[]; nodeHoursPerWeek: number; perMonth: number; perTerm: number };
  students: { hoursPerMonth: number; perMonth: number; perTerm: number };
  perMonth: number;
  perTerm: number;
  /** The same class on user nodes that hold its peak all month, and what that adds. */
  neverScalesToZero: { peakServers: number; nodes: Line[]; perMonth: number; perTerm: number };
  difference: { perMonth: number; perTerm: number };
}

export interface Estimate {
  stack: string;
  kind: "class" | "cluster";
  prices: { read: string; region: string; hoursPerMonth: number };
  usage: Usage;
  /** Months in a term of `usage.weeksPerTerm` weeks. */
  termMonths: number;
  notes: string[];
  cluster: {
    stackRef?: string;
    shared: boolean;
    pools: Pool[];
    floor: Line[];
    perMonth: number;
    /** With every pool at its maxNodes all month: the most the cluster can cost. */
    atMostPerMonth: number;
  };
  class?: ClassEstimate;
  /** The class, plus its cluster's floor when the cluster is its own rather than shared. */
  total?: { perMonth: number; perTerm: number; includesCluster: boolean };
}

type Profile = ClassConfig["profiles"][number];

/** Where shared homes are billed, by `storage.shared` source. */
const SHARED_HOMES = {
  nfs: "Homes on an NFS server outside Google Cloud: not priced here.",
  filestore: "Homes on the cluster's Filestore: priced with the cluster.",
  claim: "Homes on an existing claim of unknown size: not priced here.",
};

/** The profile a student gets unless they choose: the one marked default, else the first; none without profiles. */
const defaultProfile = (cls: ClassConfig): Profile | undefined =>
  cls.profiles.find((p) => p.default) ?? cls.profiles[0];

function requestsOf(cls: ClassConfig, p: Profile | undefined): Shape {
  const r = { ...cls.resources, ...p?.resources };
  return { cpu: r.cpuGuarantee, memoryGiB: gib(bytes(r.memoryGuarantee)) };
}

/** The pool a server lands on: a GPU server on the GPU pool, a named pool by `placement.nodePool`, else the user pool. */
function poolOf(cls: ClassConfig, p: Profile | undefined, all: Pool[], key: string): Pool {
  const name = (p?.gpus ?? 0) > 0 ? "gpu" : (p?.placement?.nodePool ?? cls.placement.nodePool ?? "user");
  const found = all.find((pool) => pool.name === name);
  if (found === undefined) {
    throw new CostError(
      `${key}: the cluster has no ${name} pool for ${p === undefined ? "the class" : `profile ${p.slug}`}`,
    );
  }
  return found;
}

function serverCost(cls: ClassConfig, p: Profile | undefined, all: Pool[], key: string): ServerCost {
  const requests = requestsOf(cls, p);
  const gpus = p?.gpus ?? 0;
  const pool = poolOf(cls, p, all, key);
  const perNode = serversPerNode(
    { cpu: pool.machine.vcpus, memoryGiB: pool.machine.memoryGiB },
    requests,
    gpus > 0 ? { node: pool.gpus, server: gpus } : undefined,
  );
  if (perNode === 0)
    throw new CostError(`${key}: a ${p?.slug ?? "default"} server does not fit on one ${pool.machineType} node`);
  return {
    name: p?.slug ?? "default",
    requests,
    gpus,
    pool: pool.name,
    perNode,
    perStudentHour: pool.perHour / perNode,
  };
}

/** Costs of the class that run with nobody online: every home disk, the hub database, the entry point. */
function classFloor(prices: PriceList, cls: ClassConfig, cluster: ClusterConfig): Line[] {
  const lines: Line[] = [];
  const homes = classSize(cls) * homesPerStudent(cls);
  if (cls.storage.shared === undefined) {
    const pd = disk(prices, "pd-balanced", "classhub:class.storage.homeSize").usd;
    const size = gib(bytes(cls.storage.homeSize));
    lines.push({
      item: "home disks",
      detail: `${homes} × ${cls.storage.homeSize} pd-balanced × ${unitPrice(pd)}/GiB-month, once each student has started`,
      perMonth: homes * size * pd,
    });
  }
  const ssd = disk(prices, "pd-ssd", "classhub:class.hub.databaseSize").usd;
  lines.push({
    item: "hub database disk",
    detail: `${cls.hub.databaseSize} pd-ssd × ${unitPrice(ssd)}/GiB-month`,
    perMonth: gib(bytes(cls.hub.databaseSize)) * ssd,
  });
  return [...lines, ...entryPoint(prices, cls, cluster)];
}

/** How many servers the class must hold at once: its largest lecture (else `peakShare` of it), or its always-on count. */
export function peakServers(cls: ClassConfig, usage: Usage): number {
  const size = classSize(cls);
  const lectures = cls.placeholders.lectures.map((l) => l.count ?? size);
  const busiest = lectures.length > 0 ? Math.max(...lectures) : Math.ceil(usage.peakShare * size);
  return Math.max(cls.placeholders.count, busiest);
}

/** Nodes that hold `servers` servers all month, on the pool those servers land on. */
function nodesAllMonth(prices: PriceList, server: ServerCost, servers: number, all: Pool[], notes: string[]): Line {
  const pool = all.find((p) => p.name === server.pool)!;
  const nodes = Math.ceil(servers / server.perNode);
  if (nodes > pool.maxNodes)
    notes.push(
      `Holding ${servers} ${server.name} servers takes ${nodes} ${pool.name} nodes; ${pool.key}.maxNodes is ${pool.maxNodes}.`,
    );
  return {
    item: `${pool.name} nodes, all month`,
    detail: `${nodes} × (${pool.detail})`,
    perMonth: nodes * pool.perHour * prices.hoursPerMonth,
  };
}

function classEstimate(
  prices: PriceList,
  cls: ClassConfig,
  cluster: ClusterConfig,
  all: Pool[],
  usage: Usage,
  notes: string[],
): ClassEstimate {
  const weeksPerMonth = prices.hoursPerMonth / HOURS_PER_WEEK;
  const termMonths = usage.weeksPerTerm / weeksPerMonth;
  const size = classSize(cls);
  const main = serverCost(cls, defaultProfile(cls), all, "classhub:class.resources");
  // GPU hours are priced as the first GPU profile's; a class rarely has two.
  const gpu = cls.profiles
    .filter((p) => p.gpus > 0)
    .map((p) => serverCost(cls, p, all, `classhub:class.profiles[${cls.profiles.indexOf(p)}]`))[0];
  const servers = gpu === undefined || gpu.name === main.name ? [main] : [main, gpu];

  const gpuHours = gpu === undefined ? 0 : Math.min(usage.gpuHoursPerWeek, usage.studentHoursPerWeek);
  const studentWeek =
    size * ((usage.studentHoursPerWeek - gpuHours) * main.perStudentHour + gpuHours * (gpu?.perStudentHour ?? 0));

  const week = placeholderWeek(cls.placeholders, size);
  const nodeHoursPerWeek = placeholderNodeHours(week, main.perNode);
  const placeholderWeekCost = nodeHoursPerWeek * all.find((p) => p.name === main.pool)!.perHour;
  if (week.length > 0) {
    notes.push("Placeholders are counted on top of student hours: an upper bound, as students take their room.");
  }

  const floor = classFloor(prices, cls, cluster);
  const perMonth = sum(floor) + (studentWeek + placeholderWeekCost) * weeksPerMonth;
  const perTerm = sum(floor) * termMonths + (studentWeek + placeholderWeekCost) * usage.weeksPerTerm;

  // Never scaling to zero: nodes for the peak all month, and GPU nodes for as many GPU servers as the quota allows.
  const peak = peakServers(cls, usage);
  const gpuPeak = gpu === undefined ? 0 : Math.min(peak, Math.floor((cls.quota.gpus ?? peak * gpu.gpus) / gpu.gpus));
  const fixed = [
    nodesAllMonth(prices, main, peak, all, notes),
    ...(gpu === undefined ? [] : [nodesAllMonth(prices, gpu, gpuPeak, all, notes)]),
  ];
  const fixedMonth = sum(floor) + sum(fixed);
  const fixedTerm = fixedMonth * termMonths;
  return {
    size,
    floor,
    servers,
    floorPerMonth: sum(floor),
    placeholders: {
      week,
      nodeHoursPerWeek,
      perMonth: placeholderWeekCost * weeksPerMonth,
      perTerm: placeholderWeekCost * usage.weeksPerTerm,
    },
    students: {
      hoursPerMonth: size * usage.studentHoursPerWeek * weeksPerMonth,
      perMonth: studentWeek * weeksPerMonth,
      perTerm: studentWeek * usage.weeksPerTerm,
    },
    perMonth,
    perTerm,
    neverScalesToZero: { peakServers: peak, nodes: fixed, perMonth: fixedMonth, perTerm: fixedTerm },
    difference: { perMonth: fixedMonth - perMonth, perTerm: fixedTerm - perTerm },
  };
}

/** The estimate for a GKE stack: its cluster's floor and, for a class, the class on it. */
export function estimate(
  config: StackConfig,
  cluster: ClusterSource,
  prices: PriceList,
  usage: Usage,
  loadNotes: string[] = [],
): Estimate {
  const { stack, class: cls } = config;
  const notes = [...loadNotes];
  if (!pricedRegion(prices, cluster.gke.region)) {
    notes.push(`Prices are ${prices.region}'s list prices; ${cluster.gke.region}'s differ.`);
  }
  const all = pools(prices, cluster.gke, cluster.key);
  const floor = [...clusterFloor(prices, cluster.gke, all, cluster.key), ...sharedEntry(prices, cluster.gke)];
  const shared = cluster.stackRef !== undefined;
  const shares = cls?.storage.shared;
  if (shares !== undefined) notes.push(SHARED_HOMES[Object.keys(shares)[0] as keyof typeof SHARED_HOMES]);
  const termMonths = (usage.weeksPerTerm * HOURS_PER_WEEK) / prices.hoursPerMonth;
  const atMost = all.reduce((total, p) => total + p.maxNodes * p.perHour, 0) * prices.hoursPerMonth;
  const base = {
    stack,
    prices: { read: prices.read, region: prices.region, hoursPerMonth: prices.hoursPerMonth },
    usage,
    termMonths,
    notes,
    cluster: {
      stackRef: cluster.stackRef,
      shared,
      pools: all,
      floor,
      perMonth: sum(floor),
      atMostPerMonth: sum(floor) + atMost,
    },
  };
  if (cls === undefined) return { ...base, kind: "cluster" };
  const klass = classEstimate(prices, cls, config.cluster, all, usage, notes);
  const own = shared ? 0 : sum(floor);
  return {
    ...base,
    kind: "class",
    class: klass,
    total: { perMonth: klass.perMonth + own, perTerm: klass.perTerm + own * termMonths, includesCluster: !shared },
  };
}
