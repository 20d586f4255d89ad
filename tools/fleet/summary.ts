// What a fleet run reports: one row per stack (changes, duration, result), the problems of the stacks that failed,
// and the exit code.
import type { OpMap, OpType } from "@pulumi/pulumi/automation";
import { plainTable } from "../table";

export type Outcome = "succeeded" | "failed" | "not initialised";

export interface StackResult {
  stack: string;
  outcome: Outcome;
  /** The engine's count of operations: summary.resourceChanges of up and refresh, changeSummary of preview. */
  changes?: OpMap;
  seconds: number;
  /** What went wrong, as the engine or the CLI said it; set when the outcome is not "succeeded". */
  problem?: string;
  /** The stack's log file. */
  log: string;
}

/** The operations that change something, in the order a reader expects them. */
const CHANGE_ORDER: OpType[] = [
  "create",
  "update",
  "replace",
  "create-replacement",
  "delete-replaced",
  "delete",
  "import",
  "import-replacement",
  "discard",
  "discard-replaced",
  "read-replacement",
  "remove-pending-replace",
];

/** "3 create, 1 update (20 same)", "no changes (24 same)", or "" when the run got no counts. */
export function changesText(changes: OpMap | undefined): string {
  if (changes === undefined) return "";
  const made = CHANGE_ORDER.filter((op) => (changes[op] ?? 0) > 0).map((op) => `${changes[op]} ${op}`);
  const same = changes.same ?? 0;
  return `${made.length > 0 ? made.join(", ") : "no changes"}${same > 0 ? ` (${same} same)` : ""}`;
}

/** True when the counts show anything but unchanged (or read, or refreshed) resources. */
export const hasChanges = (changes: OpMap | undefined) => CHANGE_ORDER.some((op) => (changes?.[op] ?? 0) > 0);

/** "8.4 s", "2 min 05 s". */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

export const HEAD = ["stack", "changes", "duration", "result"];

export function summaryRows(results: StackResult[]): string[][] {
  return results.map((r) => [r.stack, changesText(r.changes), durationText(r.seconds), r.outcome]);
}

/** The summary table, plain (no colours: it is often piped into CI logs). */
export function summaryTable(results: StackResult[]): string {
  return plainTable(HEAD, summaryRows(results));
}

/** Each stack that did not succeed, with its problem and its log. */
export function problemsText(results: StackResult[]): string {
  return results
    .filter((r) => r.outcome !== "succeeded")
    .map((r) => `${r.stack}: ${r.outcome}: ${r.problem ?? "see its log"}\n  log: ${r.log}`)
    .join("\n");
}

/** 0 when every stack succeeded; 1 when any failed or was not initialised. */
export const exitCode = (results: StackResult[]) => (results.every((r) => r.outcome === "succeeded") ? 0 : 1);
