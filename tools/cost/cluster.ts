// The GKE cluster's side of the bill: what one node of each pool costs an hour, and the cluster's idle floor.
import { defaultBootDisk } from "../../components/cluster/machines";
import type { GkeConfig } from "../../components/config";
import { gpu as gpuPrice, disk, filestoreTier, machine, type Machine, type PriceList } from "./prices";

/** One line of a bill: what, how it is counted, and what it costs a month. */
export interface Line {
  item: string;
  detail: string;
  perMonth: number;
}

/** A node pool as the estimate sees it: its node's size and what one node costs an hour. */
export interface Pool {
  name: string;
  /** The stack-file key that sets it, for messages. */
  key: string;
  machineType: string;
  machine: Machine;
  spot: boolean;
  minNodes: number;
  maxNodes: number;
  /** GPUs on each node. */
  gpus: number;
  /** Machine, GPUs and boot disk of one node, per hour. */
  perHour: number;
  /** How that hour is made up, for the report. */
  detail: string;
}

interface PoolConfig {
  machineType: string;
  minNodes: number;
  maxNodes: number;
  diskSizeGb: number;
  diskType?: string;
  spot: boolean;
  acceleratorType?: string;
  acceleratorCount?: number;
}

const usd = (n: number) => `$${n.toFixed(4)}`;

/** A unit price as the price list gives it, e.g. $0.10 or $0.004237. */
export const unitPrice = (n: number): string =>
  n.toLocaleString("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 6 });

export function pool(prices: PriceList, name: string, key: string, p: PoolConfig): Pool {
  const m = machine(prices, p.machineType, `${key}.machineType`);
  const bootType = p.diskType ?? defaultBootDisk(p.machineType);
  const boot = (p.diskSizeGb * disk(prices, bootType, `${key}.diskType`).usd) / prices.hoursPerMonth;
  const model = p.spot ? "spot" : "onDemand";
  const gpus = p.acceleratorType === undefined ? 0 : (p.acceleratorCount ?? 1);
  const gpuHour =
    p.acceleratorType === undefined ? 0 : gpuPrice(prices, p.acceleratorType, `${key}.acceleratorType`)[model].usd;
  const parts = [
    `${p.machineType} ${p.spot ? "spot" : "on-demand"} ${usd(m[model].usd)}`,
    ...(gpus > 0 ? [`${gpus} × ${p.acceleratorType} ${usd(gpuHour)}`] : []),
    `${p.diskSizeGb} GiB ${bootType} boot disk ${usd(boot)}`,
  ];
  return {
    name,
    key,
    machineType: p.machineType,
    machine: m,
    spot: p.spot,
    minNodes: p.minNodes,
    maxNodes: p.maxNodes,
    gpus,
    perHour: m[model].usd + gpus * gpuHour + boot,
    detail: parts.join(" + "),
  };
}

/** Every node pool of the cluster, core first; `key` prefixes each pool's stack-file key. */
export function pools(prices: PriceList, gke: GkeConfig, key: string): Pool[] {
  return [
    pool(prices, "core", `${key}.corePool`, gke.corePool),
    pool(prices, "user", `${key}.userPool`, gke.userPool),
    ...(gke.gpuPool === undefined ? [] : [pool(prices, "gpu", `${key}.gpuPool`, gke.gpuPool)]),
    ...gke.extraUserPools.map((p, i) => pool(prices, p.name, `${key}.extraUserPools[${i}]`, p)),
  ];
}

/**
 * What the cluster costs with no student online: the GKE fee, every pool's minimum nodes (core keeps at least one
 * for the hubs and proxies) and the Filestore instance, which is billed for its capacity, used or not.
 */
export function clusterFloor(prices: PriceList, gke: GkeConfig, all: Pool[], key: string): Line[] {
  const month = prices.hoursPerMonth;
  const lines: Line[] = [
    {
      item: "GKE cluster fee",
      detail: `1 regional cluster × ${unitPrice(prices.gkeClusterFee.usd)}/h`,
      perMonth: prices.gkeClusterFee.usd * month,
    },
    ...all
      .filter((p) => p.minNodes > 0)
      .map((p) => ({
        item: `${p.name} pool, minimum nodes`,
        detail: `${p.minNodes} × (${p.detail})`,
        perMonth: p.minNodes * p.perHour * month,
      })),
  ];
  if (gke.filestore !== undefined) {
    const tier = filestoreTier(prices, gke.filestore.tier, `${key}.filestore.tier`);
    lines.push({
      item: "Filestore",
      detail: `${gke.filestore.capacityGb} GiB ${gke.filestore.tier} × ${unitPrice(tier.usd)}/GiB-month`,
      perMonth: gke.filestore.capacityGb * tier.usd,
    });
  }
  return lines;
}

export const sum = (lines: Line[]): number => lines.reduce((total, l) => total + l.perMonth, 0);
