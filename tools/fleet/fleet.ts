// npm run fleet -- preview|up|refresh [--stacks <globs>] [--parallel N] [--policy-pack <dir>] [--init] [--log-dir D]
// One Pulumi operation over every class stack of the project (or those --stacks selects), N at a time, through
// the Automation API. Prints a line as each stack starts and ends, then a summary table; keeps one log per stack;
// exits 1 if any stack failed or is not initialised.
import * as fs from "node:fs";
import * as path from "node:path";
import { Argument, Command, InvalidArgumentError } from "commander";
import { fromCaller, runMain, ToolError } from "../classes/cli";
import { COMMANDS, type FleetCommand, runFleet } from "./run";
import { parsePatterns, projectStacks, selectStacks } from "./stacks";
import { changesText, durationText, exitCode, problemsText, summaryTable } from "./summary";

export const DEFAULT_PARALLEL = 4;

const positive = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("expected a whole number of stacks");
  return Number(value);
};

/** `.fleet-logs/2026-12-01T22-55-03`: sorts by time, and has no colons (which some file systems refuse). */
export const defaultLogDir = (now: Date) =>
  path.join(".fleet-logs", now.toISOString().slice(0, 19).replaceAll(":", "-"));

interface Flags {
  stacks?: string;
  parallel: number;
  policyPack?: string;
  init?: boolean;
  logDir?: string;
}

function policyPackDir(command: FleetCommand, given: string): string {
  if (command === "refresh")
    throw new ToolError("--policy-pack: refresh runs no policies; use it with preview or up", 2);
  const dir = fromCaller(given);
  if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
    throw new ToolError(
      `--policy-pack ${given}: no PulumiPolicy.yaml there; give the pack's directory, e.g. policy`,
      2,
    );
  }
  return dir;
}

async function fleet(command: FleetCommand, flags: Flags): Promise<void> {
  const dir = process.cwd();
  const policyPack = flags.policyPack === undefined ? undefined : policyPackDir(command, flags.policyPack);
  const { run, skipped } = selectStacks(
    projectStacks(dir),
    flags.stacks === undefined ? undefined : parsePatterns(flags.stacks),
  );
  const logDir = flags.logDir === undefined ? defaultLogDir(new Date()) : path.resolve(fromCaller(flags.logDir));
  const say = (line: string) => process.stderr.write(`${line}\n`);
  for (const s of skipped) say(`skipped ${s.stack}: ${s.why}`);
  say(`fleet ${command}: ${run.length} stack(s), ${flags.parallel} at a time; one log per stack in ${logDir}/`);
  let finished = 0;
  const results = await runFleet({
    dir,
    command,
    stacks: run,
    parallel: flags.parallel,
    policyPack,
    init: flags.init === true,
    logDir,
    progress: ({ stack, result }) => {
      if (result === undefined) {
        say(`  start ${stack}`);
        return;
      }
      const changes = changesText(result.changes);
      say(
        `  [${++finished}/${run.length}] ${stack}: ${result.outcome} in ${durationText(result.seconds)}` +
          (changes === "" ? "" : `, ${changes}`),
      );
    },
  });
  process.stdout.write(`${summaryTable(results)}\n`);
  const problems = problemsText(results);
  if (problems !== "") process.stdout.write(`${problems}\n`);
  process.stdout.write(`Logs: ${logDir}/\n`);
  process.exitCode = exitCode(results);
}

export function program(): Command {
  return new Command("fleet")
    .exitOverride()
    .description(
      "Run `pulumi preview`, `up` or `refresh` over every class stack of this project (each Pulumi.<stack>.yaml " +
        "with classhub:class), a few at a time, and print a summary: stack, changes, duration, result. " +
        "Cluster-only stacks run only when --stacks names them. Exits 1 if any stack failed.",
    )
    .addArgument(new Argument("<command>", "the Pulumi operation").choices(COMMANDS))
    .option("--stacks <globs>", "only these stacks: names or globs, comma-separated, e.g. 'data8-*,stat20-sp27'")
    .option("--parallel <n>", "stacks run at the same time", positive, DEFAULT_PARALLEL)
    .option("--policy-pack <dir>", "run this policy pack with each preview or up, e.g. policy")
    .option("--init", "create stacks missing from the backend (pulumi stack init, keeping their stack files)")
    .option("--log-dir <dir>", "where each stack's log goes (default: .fleet-logs/<time>)")
    .action((command: FleetCommand, flags: Flags) => fleet(command, flags));
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
