// `roster import`: an export becomes the roster file the stack names (classhub:class.rosterFile), checked with
// the rules `pulumi up` applies, and the difference from the roster before is reported.
import * as fs from "node:fs";
import * as path from "node:path";
import { readInput, ToolError } from "./cli";
import { type Export, firstColumn, FORMATS, readExport, type ReadOptions } from "./exports";
import { parseAuth } from "./logins";
import { CLASS_KEY, configOf, readStackDoc, stackFileName, stackProblems, withClassKey } from "./stackDoc";

export interface ImportOptions extends ReadOptions {
  /** The project: where the stack file and the roster files are. */
  dir: string;
  /** Writes the rows that can be used even when others cannot. */
  skipBad?: boolean;
  /** Reports what would change and writes nothing. */
  dryRun?: boolean;
}

export interface Changes {
  added: string[];
  removed: string[];
  unchanged: number;
}

export interface ImportResult {
  read: Export;
  /** The roster file, relative to the project. */
  rosterFile: string;
  /** Whether the stack file gained `rosterFile`, which it did not have. */
  pointedStack: boolean;
  changes: Changes;
  /** Problems the stack had before the import, which it still has: not the import's, but `pulumi up` reports them. */
  otherProblems: string[];
  written: boolean;
}

/** Where a stack without `rosterFile` keeps its roster. */
export const defaultRosterFile = (stack: string) => `rosters/${stack}.txt`;

export function changes(before: string[], after: string[]): Changes {
  const was = new Set(before);
  const now = new Set(after);
  return {
    added: after.filter((l) => !was.has(l)),
    removed: [...was].filter((l) => !now.has(l)),
    unchanged: after.filter((l) => was.has(l)).length,
  };
}

/** The roster file: a comment saying where it came from, then one login per line, sorted for readable diffs. */
export function rosterText(stack: string, source: string, read: Export): string {
  return [
    `# Students of ${stack}, one login per line, from ${source} (${FORMATS[read.format]}).`,
    `# Written by \`npm run roster -- import ${stack} <file>\`, which replaces this file; ${stackFileName(stack)} names it.`,
    ...read.students.map((s) => s.login).sort(),
    "",
  ].join("\n");
}

/** Reads `file` for class stack `stack` and, unless a row cannot be used or it is a dry run, writes its roster. */
export function importRoster(stack: string, file: string, options: ImportOptions): ImportResult {
  const doc = readStackDoc(options.dir, stack);
  const config = configOf(doc);
  const cls = config[CLASS_KEY] as Record<string, unknown> | undefined;
  if (cls === undefined || typeof cls !== "object") {
    throw new ToolError(`${stackFileName(stack)}: has no ${CLASS_KEY}; a cluster-only stack has no roster`, 2);
  }
  const inline = Array.isArray(cls.roster) ? cls.roster : [];
  if (inline.length > 0) {
    throw new ToolError(
      `${stackFileName(stack)}: ${CLASS_KEY}.roster lists ${inline.length} student(s) inline; an import replaces ` +
        "the whole roster, so put them in the file you import (or delete the key) and run it again",
      2,
    );
  }
  const read = readExport(readInput(file), file, parseAuth(cls.auth), options);
  const rosterFile = typeof cls.rosterFile === "string" ? cls.rosterFile : defaultRosterFile(stack);
  const target = path.resolve(options.dir, rosterFile);
  const before = fs.existsSync(target) ? firstColumn(readInput(target, rosterFile), rosterFile) : [];
  const text = rosterText(stack, path.basename(file), read);

  const after = { ...config, [CLASS_KEY]: { ...cls, rosterFile } };
  const problemsBefore = new Set(stackProblems(stack, config, options.dir));
  const problemsAfter = stackProblems(stack, after, options.dir, { [rosterFile]: text });
  const introduced = problemsAfter.filter((p) => !problemsBefore.has(p));
  if (introduced.length > 0) {
    throw new ToolError(
      `The roster would make ${stackFileName(stack)} invalid; nothing written:\n` +
        introduced.map((p) => `  - ${p}`).join("\n"),
    );
  }
  const result: ImportResult = {
    read,
    rosterFile,
    pointedStack: cls.rosterFile === undefined,
    changes: changes(
      before,
      read.students.map((s) => s.login),
    ),
    otherProblems: problemsAfter,
    written: false,
  };
  if (options.dryRun || (read.bad.length > 0 && !options.skipBad)) return result;

  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  if (result.pointedStack) {
    const stackFile = path.join(options.dir, stackFileName(stack));
    fs.writeFileSync(stackFile, withClassKey(fs.readFileSync(stackFile, "utf8"), "rosterFile", rosterFile, "admins"));
  }
  return { ...result, written: true };
}
