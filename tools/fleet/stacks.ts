// Which stacks a fleet run covers: every class stack of the project (a Pulumi.<stack>.yaml with classhub:class),
// or those that --stacks globs match. A cluster-only stack is shared by its classes, so a glob never sweeps it in:
// it runs only when --stacks names it exactly.
import * as path from "node:path";
import { listStacks } from "../harness/stackfile";
import { ToolError } from "../classes/cli";
import { CLASS_KEY, configOf, readStackDoc } from "../classes/stackDoc";

export interface ProjectStack {
  name: string;
  /** It has `classhub:class`; otherwise it is cluster-only. */
  isClass: boolean;
}

export interface Selection {
  /** The stacks to run, in name order. */
  run: string[];
  /** Stacks left out, each with the reason the run prints. */
  skipped: { stack: string; why: string }[];
}

/** Every stack with a stack file in `dir`, and whether it is a class. */
export function projectStacks(dir: string): ProjectStack[] {
  return listStacks(dir).map((name) => ({ name, isClass: configOf(readStackDoc(dir, name))[CLASS_KEY] !== undefined }));
}

/** `--stacks` as given: comma-separated globs (`*`, `?`, `[...]`, `{a,b}` as in path.matchesGlob). */
export function parsePatterns(value: string): string[] {
  // commas inside {a,b} belong to the glob
  const patterns = value.split(/,(?![^{]*\})/).map((p) => p.trim());
  if (patterns.some((p) => p === "")) {
    throw new ToolError(`--stacks ${JSON.stringify(value)}: expected stack names or globs, comma-separated`, 2);
  }
  return patterns;
}

const CLUSTER_ONLY = "cluster-only stack; name it in --stacks to include it";

/**
 * The stacks `patterns` select (all class stacks without patterns). A pattern that matches no stack is refused,
 * naming the stacks there are: a typo must not shrink a rollout silently.
 */
export function selectStacks(stacks: ProjectStack[], patterns?: string[]): Selection {
  const names = stacks.map((s) => s.name);
  for (const p of patterns ?? []) {
    if (!names.some((n) => path.matchesGlob(n, p))) {
      throw new ToolError(`--stacks ${p}: matches no stack; stacks here: ${names.join(", ") || "none"}`, 2);
    }
  }
  const run: string[] = [];
  const skipped: Selection["skipped"] = [];
  for (const s of stacks) {
    const matched = patterns === undefined || patterns.some((p) => path.matchesGlob(s.name, p));
    if (!matched) continue;
    if (s.isClass || patterns?.includes(s.name)) run.push(s.name);
    else skipped.push({ stack: s.name, why: CLUSTER_ONLY });
  }
  if (run.length === 0) {
    throw new ToolError(
      patterns === undefined
        ? "no class stack here: the fleet runs over Pulumi.<stack>.yaml files with classhub:class"
        : `--stacks ${patterns.join(",")}: matches only cluster-only stacks (${skipped.map((s) => s.stack).join(", ")}); ` +
            "name one exactly to run it",
      2,
    );
  }
  return { run, skipped };
}
