// The price list (prices.json), validated once so that the estimate does arithmetic on numbers it can trust.
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

const price = (per: string) =>
  z.strictObject({
    usd: z.number().nonnegative(),
    per: z.literal(per),
    source: z.string().min(1),
    confidence: z.enum(["high", "medium", "low"]),
    note: z.string().optional(),
  });
const hourly = price("hour");
const monthlyPerGiB = price("GiB-month");

export const priceListSchema = z.strictObject({
  about: z.string(),
  read: z.iso.date(),
  currency: z.literal("USD"),
  region: z.string().min(1),
  sameListPricesIn: z.array(z.string()),
  hoursPerMonth: z.number().positive(),
  gkeClusterFee: price("cluster-hour"),
  machines: z.record(
    z.string(),
    z.strictObject({
      vcpus: z.number().positive(),
      memoryGiB: z.number().positive(),
      onDemand: hourly,
      spot: hourly,
    }),
  ),
  gpus: z.record(z.string(), z.strictObject({ onDemand: price("GPU-hour"), spot: price("GPU-hour") })),
  disks: z.record(z.string(), monthlyPerGiB),
  filestore: z.record(z.string(), monthlyPerGiB),
  forwardingRule: hourly,
  staticIp: hourly,
});

export type PriceList = z.output<typeof priceListSchema>;
export type Machine = PriceList["machines"][string];

/** A stack the estimate cannot price, e.g. a machine type without a price: names the key, the value and the fix. */
export class CostError extends Error {}

export const PRICES_FILE = path.join(__dirname, "prices.json");

/** Reads and validates a price list; a broken file names itself and the bad entry. */
export function loadPrices(file = PRICES_FILE): PriceList {
  const parsed = priceListSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CostError(`${path.basename(file)}: ${first.path.join(".")}: ${first.message}`);
  }
  return parsed.data;
}

function lookup<T>(table: Record<string, T>, name: string, key: string, what: string): T {
  const found = table[name];
  if (found === undefined) {
    throw new CostError(
      `${key}: ${what} ${name} has no price in tools/cost/prices.json; priced: ${Object.keys(table).join(", ")}. ` +
        "Add it there with its source.",
    );
  }
  return found;
}

export const machine = (prices: PriceList, type: string, key: string): Machine =>
  lookup(prices.machines, type, key, "machine type");

export const gpu = (prices: PriceList, type: string, key: string) => lookup(prices.gpus, type, key, "accelerator type");

export const disk = (prices: PriceList, type: string, key: string) => lookup(prices.disks, type, key, "disk type");

export const filestoreTier = (prices: PriceList, tier: string, key: string) =>
  lookup(prices.filestore, tier, key, "Filestore tier");

/** Whether the list's prices hold in `region`; the US regions above share list prices. */
export const pricedRegion = (prices: PriceList, region: string): boolean =>
  region === prices.region || prices.sameListPricesIn.includes(region);
