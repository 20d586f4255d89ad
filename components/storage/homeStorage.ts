// Data safety across runs: a class that switches where homes live (per-student disks, an NFS export, a given
// claim, Filestore) would start every student with an empty home while their files stay behind. The stack exports
// where its homes live; the next run reads that back from its own previous outputs, before it registers anything,
// and refuses a switch the stack file has not acknowledged.
import * as pulumi from "@pulumi/pulumi";
import type { ClassConfig } from "../config/schema";

/** The stack output that records where homes live. */
export const HOME_STORAGE_OUTPUT = "homeStorage";
export const PER_STUDENT = "per-student disks";

/** Where this class keeps homes, as one comparable string. */
export function homeStorage(cls: ClassConfig): string {
  const shared = cls.storage.shared;
  if (shared === undefined) return PER_STUDENT;
  if ("nfs" in shared) return `nfs ${shared.nfs.server}:${shared.nfs.path}`;
  if ("claim" in shared) return `claim ${shared.claim}`;
  return "filestore";
}

/**
 * Why this run must stop, or undefined. `previous` is the last run's output; a stack with outputs but none for
 * homes ran before classhub recorded it, when homes were always per-student disks. A new stack has no outputs.
 */
export function switchProblem(
  previous: { homeStorage?: unknown; deployed: boolean },
  cls: ClassConfig,
): string | undefined {
  if (!previous.deployed) return undefined;
  const before = typeof previous.homeStorage === "string" ? previous.homeStorage : PER_STUDENT;
  const now = homeStorage(cls);
  if (before === now || cls.storage.switchedFrom === before) return undefined;
  return (
    `classhub:class.storage.shared: this class keeps its homes on ${before}, and the stack file now says ${now}; ` +
    "students would start with empty homes while their files stay behind. Nothing was changed. To move homes, " +
    "stop every server, copy each home to its new place (docs/course-staff.md, moving homes), then set " +
    `classhub:class.storage.switchedFrom to ${JSON.stringify(before)}; or undo the change to storage.shared`
  );
}

/** Reads this stack's own previous outputs and throws if the run would switch where homes live. */
export async function refuseHomeStorageSwitch(cls: ClassConfig): Promise<void> {
  const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const ref = new pulumi.StackReference("classhub-previous-run", { name: self });
  const [storage, namespace] = await Promise.all([
    ref.getOutputDetails(HOME_STORAGE_OUTPUT),
    ref.getOutputDetails("namespace"),
  ]);
  const problem = switchProblem({ homeStorage: storage.value, deployed: namespace.value !== undefined }, cls);
  if (problem !== undefined) throw new pulumi.RunError(problem);
}
