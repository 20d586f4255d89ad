// Rules for classhub:cluster.gke that span several keys or need GKE knowledge, beyond what the zod schema checks.
// They run before any GCP resource is registered: a bad range would otherwise fail minutes into `pulumi up`.
import { ACCELERATOR_FITS, BOOT_DISKS, machineFamily } from "../cluster/machines";
import { problem as formatProblem } from "./errors";
import type { GkeConfig } from "./schema";

const KEY = "classhub:cluster.gke";

interface Range {
  key: string;
  cidr: string;
  start: number;
  size: number;
}

function range(key: string, cidr: string): Range {
  const [ip, bits] = cidr.split("/");
  const start = ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return { key, cidr, start, size: 2 ** (32 - Number(bits)) };
}

function address(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

const problem = (key: string, value: unknown, message: string) => formatProblem(`${KEY}.${key}`, [], value, message);

/** Every pool of the config by its stack-file key, e.g. `userPool` or `extraUserPools[0]`. */
function poolsByKey(config: GkeConfig) {
  return {
    corePool: config.corePool,
    userPool: config.userPool,
    gpuPool: config.gpuPool,
    ...Object.fromEntries(config.extraUserPools.map((pool, i) => [`extraUserPools[${i}]`, pool])),
  };
}

/** Everything wrong with a validated GKE config, one message per problem naming the stack-file key. */
export function gkeProblems(config: GkeConfig): string[] {
  const out: string[] = [];

  const pools = poolsByKey(config);
  const names = config.extraUserPools.map((pool) => pool.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) {
      out.push(problem(`extraUserPools[${i}].name`, name, "is used twice; each pool needs its own name"));
    }
  });
  for (const [key, pool] of Object.entries(pools)) {
    if (pool !== undefined && pool.minNodes > pool.maxNodes) {
      out.push(
        problem(`${key}.minNodes`, pool.minNodes, `exceeds maxNodes ${pool.maxNodes}; set minNodes at most maxNodes`),
      );
    }
  }

  config.nodeLocations?.forEach((zone, i) => {
    if (!zone.startsWith(`${config.region}-`)) {
      out.push(
        problem(
          `nodeLocations[${i}]`,
          zone,
          `is not a zone of region ${config.region}; expected e.g. ${config.region}-b`,
        ),
      );
    }
  });

  out.push(...machineProblems(config), ...maintenanceProblems(config));

  const ranges = (["nodesCidr", "podsCidr", "servicesCidr", "controlPlaneCidr"] as const).map((key) =>
    range(`network.${key}`, config.network[key]),
  );
  for (const r of ranges) {
    if (r.start % r.size !== 0) {
      const canonical = `${address(r.start - (r.start % r.size))}/${r.cidr.split("/")[1]}`;
      out.push(problem(r.key, r.cidr, `has host bits set; GCP needs the network address, e.g. ${canonical}`));
    }
  }
  const controlPlane = ranges[3];
  if (controlPlane.size !== 16) {
    out.push(problem(controlPlane.key, controlPlane.cidr, "GKE needs a /28 for the control plane, e.g. 172.16.0.0/28"));
  }
  ranges.forEach((a, i) =>
    ranges.slice(i + 1).forEach((b) => {
      if (a.start < b.start + b.size && b.start < a.start + a.size) {
        out.push(
          problem(
            b.key,
            b.cidr,
            `overlaps ${a.key} ${a.cidr}; the node, pod, service and control-plane ranges must not overlap`,
          ),
        );
      }
    }),
  );
  return out;
}

/** GPUs and boot disks that the pools' machine types cannot take (tables in cluster/machines.ts). */
function machineProblems(config: GkeConfig): string[] {
  const out: string[] = [];
  const gpu = config.gpuPool;
  const fit = gpu === undefined ? undefined : ACCELERATOR_FITS[gpu.acceleratorType];
  if (gpu !== undefined && fit !== undefined && !fit.prefixes.some((p) => gpu.machineType.startsWith(p))) {
    out.push(problem("gpuPool.machineType", gpu.machineType, `${gpu.acceleratorType} needs ${fit.needs}`));
  }
  for (const [key, pool] of Object.entries(poolsByKey(config))) {
    const family = pool === undefined ? "" : machineFamily(pool.machineType);
    const disks = BOOT_DISKS[family];
    if (pool?.diskType !== undefined && disks !== undefined && !disks.includes(pool.diskType)) {
      out.push(
        problem(
          `${key}.diskType`,
          pool.diskType,
          `${pool.machineType} (${family.toUpperCase()}) boots only from ${either(disks)}; set one of them`,
        ),
      );
    }
  }
  return out;
}

const HOUR = 3600_000;
const DAYS = 24 * HOUR;
/** GKE's rules for maintenance policies (cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions). */
export const MAINTENANCE_LIMITS = {
  /** Only windows at least this long count as maintenance availability. */
  minWindowHours: 4,
  /** Availability GKE needs within any rolling period of availabilityDays. */
  minAvailableHours: 48,
  availabilityDays: 32,
  /** Longest exclusion of scope NO_UPGRADES. The NO_MINOR_* scopes end at the minor version's end of support. */
  maxNoUpgradesDays: 30,
};

const hours = (ms: number) => `${Number((ms / HOUR).toFixed(2))}`;

/** A maintenance window GKE would refuse, and exclusions it would refuse, before anything is created. */
function maintenanceProblems(config: GkeConfig): string[] {
  const out: string[] = [];
  const { window, exclusions } = config.maintenance;
  const length = Date.parse(window.end) - Date.parse(window.start);
  if (length <= 0) {
    out.push(problem("maintenance.window.end", window.end, `is not after start ${window.start}; set a later end`));
  } else if (length < MAINTENANCE_LIMITS.minWindowHours * HOUR) {
    out.push(
      problem(
        "maintenance.window.end",
        window.end,
        `makes a ${hours(length)}-hour window; GKE counts only windows of at least ${MAINTENANCE_LIMITS.minWindowHours} hours`,
      ),
    );
  } else {
    // Any 32 days hold at least 4 full weeks: 32 daily windows, or 4 of each weekday named in BYDAY.
    const days = window.recurrence === "FREQ=DAILY" ? 7 : window.recurrence.split("=").at(-1)!.split(",").length;
    const perPeriod = Math.floor((MAINTENANCE_LIMITS.availabilityDays * days) / 7);
    const available = perPeriod * Math.min(length, DAYS);
    if (available < MAINTENANCE_LIMITS.minAvailableHours * HOUR) {
      out.push(
        problem(
          "maintenance.window.recurrence",
          window.recurrence,
          `allows ${hours(available)} hours of maintenance in ${MAINTENANCE_LIMITS.availabilityDays} days; GKE needs ` +
            `at least ${MAINTENANCE_LIMITS.minAvailableHours}: add days or lengthen the window`,
        ),
      );
    }
  }
  const names = new Set<string>();
  exclusions.forEach((e, i) => {
    const at = `maintenance.exclusions[${i}]`;
    const span = Date.parse(e.end) - Date.parse(e.start);
    if (span <= 0) {
      out.push(problem(`${at}.end`, e.end, `is not after start ${e.start}; set a later end`));
    } else if (e.scope === "NO_UPGRADES" && span > MAINTENANCE_LIMITS.maxNoUpgradesDays * DAYS) {
      out.push(
        problem(
          `${at}.end`,
          e.end,
          `makes a ${Number((span / DAYS).toFixed(2))}-day NO_UPGRADES exclusion; GKE allows at most ` +
            `${MAINTENANCE_LIMITS.maxNoUpgradesDays} days: end it sooner, or use scope NO_MINOR_OR_NODE_UPGRADES`,
        ),
      );
    }
    if (names.has(e.name)) out.push(problem(`${at}.name`, e.name, "is used twice; exclusion names must be unique"));
    names.add(e.name);
  });
  return out;
}

/** "a", "a or b", "a, b or c". */
function either(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
