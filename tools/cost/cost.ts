// npm run cost -- <stack> [--student-hours H] [--gpu-hours H] [--weeks W] [--peak-share S] [--prices FILE] [--json]
// The monthly and per-term cost of a class, or of a cluster stack, on paper: from its stack file and a price list.
import { Command, InvalidArgumentError, Option } from "commander";
import { ToolError, runMain } from "../classes/cli";
import { listStacks } from "../harness/stackfile";
import { DEFAULT_USAGE, estimate, type Usage } from "./estimate";
import { loadStack } from "./load";
import { CostError, loadPrices, PRICES_FILE } from "./prices";
import { renderAmbient, renderEstimate } from "./report";
import { ambientEstimate } from "./requests";

/** A flag's number between `min` and `max`; a message naming the flag, the value and the range otherwise. */
const number = (flag: string, min: number, max: number) => (text: string) => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${flag} ${text}: expected a number from ${min} to ${max}`);
  }
  return n;
};

interface Options {
  studentHours: number;
  gpuHours: number;
  weeks: number;
  peakShare: number;
  prices: string;
  json?: boolean;
}

/** The report for `stack` in `dir`: text, or JSON with `json`. */
export function costReport(stack: string, opts: Options, dir = process.cwd()): string {
  if (!listStacks(dir).includes(stack)) {
    throw new ToolError(`no stack file Pulumi.${stack}.yaml; stacks here: ${listStacks(dir).join(", ")}`, 2);
  }
  const usage: Usage = {
    studentHoursPerWeek: opts.studentHours,
    gpuHoursPerWeek: opts.gpuHours,
    weeksPerTerm: opts.weeks,
    peakShare: opts.peakShare,
  };
  try {
    const prices = loadPrices(opts.prices);
    const loaded = loadStack(stack, dir, prices.region);
    if (loaded.cluster === undefined) {
      const e = ambientEstimate(stack, loaded.config.class!, usage);
      return opts.json ? JSON.stringify(e, null, 2) + "\n" : renderAmbient(e);
    }
    const e = estimate(loaded.config, loaded.cluster, prices, usage, loaded.notes);
    return opts.json ? JSON.stringify(e, null, 2) + "\n" : renderEstimate(e);
  } catch (e) {
    if (e instanceof CostError) throw new ToolError(e.message);
    throw e;
  }
}

export function program(): Command {
  return new Command("cost")
    .description(
      "Estimate what a stack costs a month and a term, on paper, from its stack file and Google Cloud list prices " +
        "(tools/cost/prices.json, dated, each price with its source). For a class: the idle floor (home disks, hub " +
        "database, load balancer and address), the cost per student-hour at the configured packing, the " +
        "placeholders over the lecture schedule, totals, and the same class on nodes that never scale to zero. " +
        "For a cluster stack: its own floor and each pool's node price. For a class on an ambient cluster (dev): " +
        "what it requests, since no cloud prices apply.",
    )
    .argument("<stack>", "the stack, e.g. data8-fa26 (its Pulumi.<stack>.yaml)")
    .addOption(
      new Option("--student-hours <hours>", "hours a week each student has a server running")
        .argParser(number("--student-hours", 0, 168))
        .default(DEFAULT_USAGE.studentHoursPerWeek),
    )
    .addOption(
      new Option("--gpu-hours <hours>", "of those, hours on a GPU profile, for a class that has one")
        .argParser(number("--gpu-hours", 0, 168))
        .default(DEFAULT_USAGE.gpuHoursPerWeek),
    )
    .addOption(
      new Option("--weeks <weeks>", "weeks in a term")
        .argParser(number("--weeks", 1, 52))
        .default(DEFAULT_USAGE.weeksPerTerm),
    )
    .addOption(
      new Option(
        "--peak-share <share>",
        "share of the class online at once, for a class without lectures: what a deployment that never scales " +
          "to zero must hold (with lectures, their largest placeholder count is the peak)",
      )
        .argParser(number("--peak-share", 0.01, 1))
        .default(DEFAULT_USAGE.peakShare),
    )
    .addOption(new Option("--prices <file>", "the price list").default(PRICES_FILE, "tools/cost/prices.json"))
    .option("--json", "print the estimate as JSON")
    .showHelpAfterError()
    .action((stack: string, opts: Options) => {
      process.stdout.write(costReport(stack, opts));
    });
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
