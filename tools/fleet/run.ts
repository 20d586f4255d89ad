// Runs one Pulumi operation over many stacks of one project through the Automation API: a LocalWorkspace over the
// project directory, each stack selected (or, with init, created) by name, N stacks at a time. Each stack's output
// goes to a log file of its own; its problem comes from the engine's events, not from the CLI's text.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type EngineEvent,
  LocalWorkspace,
  type OpMap,
  Stack,
  StackNotFoundError,
  type Workspace,
} from "@pulumi/pulumi/automation";
import { ToolError } from "../classes/cli";
import type { StackResult } from "./summary";

export const COMMANDS = ["preview", "up", "refresh"] as const;
export type FleetCommand = (typeof COMMANDS)[number];

export interface FleetOptions {
  /** The project: Pulumi.yaml and the stack files. */
  dir: string;
  command: FleetCommand;
  stacks: string[];
  /** Stacks run at the same time. */
  parallel: number;
  /** A policy pack directory, for preview and up. */
  policyPack?: string;
  /** Create a stack missing from the backend (`pulumi stack init`, which keeps its stack file's config). */
  init: boolean;
  /** Where each stack's log `<stack>.log` goes. */
  logDir: string;
  /** Told when a stack starts and when it ends. */
  progress?: (event: { stack: string; result?: StackResult }) => void;
}

/** Runs `work` on each item, at most `size` at a time; results in the items' order. */
export async function inPool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

/**
 * One at a time: `pulumi stack select` and `stack init` write the workspace's current stack, a file that
 * concurrent writers could leave half-written. The operations themselves name their stack and run side by side.
 */
function serially() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = last.then(task, task);
    last = run.catch(() => undefined);
    return run;
  };
}

/** What the engine reported as the reason a stack failed: its error diagnostics and mandatory policy violations. */
export function problemOf(events: EngineEvent[]): string | undefined {
  const lines = events.flatMap((e) => {
    if (e.diagnosticEvent?.severity === "error") return [e.diagnosticEvent.message.trim()];
    const policy = e.policyEvent;
    if (policy?.enforcementLevel === "mandatory") {
      return [`policy ${policy.policyPackName}/${policy.policyName}: ${policy.message.trim()}`];
    }
    return [];
  });
  return lines.length > 0 ? [...new Set(lines)].join("\n  ") : undefined;
}

/** The last thing the CLI wrote to stderr, for failures before the engine ran (a bad passphrase, a bad backend). */
const lastLine = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .at(-1);

async function openStack(ws: Workspace, stack: string, init: boolean): Promise<Stack> {
  try {
    return await Stack.select(stack, ws);
  } catch (e) {
    if (!(e instanceof StackNotFoundError) || !init) throw e;
    return Stack.create(stack, ws);
  }
}

async function operate(stack: Stack, options: FleetOptions, callbacks: object): Promise<OpMap | undefined> {
  const policyPacks = options.policyPack === undefined ? {} : { policyPacks: [path.resolve(options.policyPack)] };
  switch (options.command) {
    case "preview":
      return (await stack.preview({ ...callbacks, ...policyPacks })).changeSummary;
    case "up":
      return (await stack.up({ ...callbacks, ...policyPacks })).summary.resourceChanges;
    case "refresh":
      return (await stack.refresh(callbacks)).summary.resourceChanges;
  }
}

async function runStack(
  ws: Workspace,
  stack: string,
  options: FleetOptions,
  select: ReturnType<typeof serially>,
): Promise<StackResult> {
  const log = path.join(options.logDir, `${stack}.log`);
  const out = fs.openSync(log, "w");
  const write = (text: string) => fs.writeSync(out, text);
  const events: EngineEvent[] = [];
  let stderr = "";
  const started = performance.now();
  const result = (r: Pick<StackResult, "outcome" | "changes" | "problem">): StackResult => ({
    stack,
    ...r,
    seconds: (performance.now() - started) / 1000,
    log,
  });
  options.progress?.({ stack });
  let done: StackResult;
  try {
    const selected = await select(() => openStack(ws, stack, options.init));
    const changes = await operate(selected, options, {
      color: "never",
      onOutput: write,
      onError: (text: string) => {
        stderr += text;
        write(text);
      },
      onEvent: (e: EngineEvent) => events.push(e),
    });
    done = result({ outcome: "succeeded", changes });
  } catch (e) {
    if (e instanceof StackNotFoundError) {
      done = result({
        outcome: "not initialised",
        problem:
          `no stack ${stack} in this backend; create it with \`pulumi stack init ${stack}\` (it keeps ` +
          `Pulumi.${stack}.yaml), or run the fleet with --init`,
      });
    } else {
      done = result({ outcome: "failed", problem: problemOf(events) ?? lastLine(stderr) ?? (e as Error).message });
    }
    write(`\n${done.outcome}: ${done.problem}\n`);
  } finally {
    fs.closeSync(out);
  }
  options.progress?.({ stack, result: done });
  return done;
}

/** Runs the operation over every stack and returns one result per stack, in the order given. */
export async function runFleet(options: FleetOptions): Promise<StackResult[]> {
  try {
    fs.mkdirSync(options.logDir, { recursive: true });
  } catch (e) {
    throw new ToolError(`--log-dir ${options.logDir}: cannot be created (${(e as Error).message})`, 2);
  }
  const ws = await LocalWorkspace.create({ workDir: options.dir }).catch((e: Error) => {
    throw new ToolError(`cannot start the Pulumi CLI (is pulumi on PATH?): ${lastLine(e.message)}`);
  });
  const select = serially();
  return inPool(options.stacks, options.parallel, (stack) => runStack(ws, stack, options, select));
}
