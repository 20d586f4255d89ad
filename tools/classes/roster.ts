// npm run roster -- import <stack> <file> [--column C] [--domain D] [--skip-bad] [--dry-run]
// Turns an LMS export or a list of logins into the roster file a class stack names, and says what changed.
import { Command, Option } from "commander";
import { fromCaller, runMain } from "./cli";
import { FORMATS, noteLine } from "./exports";
import { importRoster, type ImportResult } from "./rosterImport";
import { stackFileName } from "./stackDoc";

/** Names listed under added and removed; the rest are counted. */
const LIST_MAX = 50;

function names(sign: string, list: string[]): string[] {
  const shown = list.slice(0, LIST_MAX).map((l) => `  ${sign} ${l}`);
  return list.length > LIST_MAX ? [...shown, `  ... and ${list.length - LIST_MAX} more`] : shown;
}

/** What an import did, as the person who ran it reads it. */
export function importReport(stack: string, file: string, r: ImportResult): string {
  const { read, changes } = r;
  const header = read.headerLine === undefined ? "no header row" : `header on line ${read.headerLine}`;
  const out = [
    `${file}: ${FORMATS[read.format]}, ${header}, logins from ${read.column}: ${read.students.length} students`,
    ...(read.skipped.length > 0 ? ["Skipped (not students):", ...read.skipped.map(noteLine)] : []),
    ...(read.duplicates.length > 0 ? ["Listed twice (kept once):", ...read.duplicates.map(noteLine)] : []),
    ...(read.bad.length > 0 ? [`Rows that cannot be used (${read.bad.length}):`, ...read.bad.map(noteLine)] : []),
    `${r.rosterFile}: added ${changes.added.length}, removed ${changes.removed.length}, unchanged ${changes.unchanged}`,
    ...names("+", changes.added),
    ...names("-", changes.removed),
  ];
  if (r.written) {
    out.push(`Wrote ${r.rosterFile}${r.pointedStack ? ` and set rosterFile in ${stackFileName(stack)}` : ""}.`);
    out.push("Run `pulumi up` to apply it: removed students can no longer log in; their homes stay.");
  } else if (read.bad.length > 0) {
    out.push("Nothing written. Fix those rows in the file (or pass --skip-bad to import the others) and run it again.");
  } else {
    out.push("Nothing written (--dry-run).");
  }
  if (r.otherProblems.length > 0) {
    out.push(`${stackFileName(stack)} has other problems that \`pulumi up\` will report:`);
    out.push(...r.otherProblems.map((p) => `  - ${p}`));
  }
  return out.join("\n") + "\n";
}

export function program(): Command {
  const cmd = new Command("roster").description("Manage a class stack's roster.").exitOverride().showHelpAfterError();
  cmd
    .command("import")
    .summary("make an LMS export or a list of logins the class's roster")
    .description(
      "Make <file> the roster of class stack <stack>: a Canvas gradebook export, a Moodle participants export, a " +
        "Google Classroom grades export (CSV), or a list of logins or emails, one per line. Finds the header row " +
        "and the login column, skips rows that are not students, lowercases logins as the hub compares them, " +
        "keeps each student once, and reports rows it cannot use by line. Writes the file the stack's rosterFile " +
        "names (rosters/<stack>.txt, set in the stack file, if it names none) and prints who was added and removed.",
    )
    .argument("<stack>", "the class stack, e.g. data8-fa26 (its Pulumi.<stack>.yaml)")
    .argument("<file>", "the export or list")
    .option("--column <column>", "the login column: its header or its number from 1 (default: found from the header)")
    .addOption(
      new Option(
        "--domain <domain>",
        "add @<domain> to logins without one, e.g. Canvas SIS logins for a google or cilogon class",
      ),
    )
    .option("--skip-bad", "import the usable rows even when some cannot be used")
    .option("--dry-run", "report what would change, write nothing")
    .action(
      (
        stack: string,
        file: string,
        opts: { column?: string; domain?: string; skipBad?: boolean; dryRun?: boolean },
      ) => {
        const result = importRoster(stack, fromCaller(file), { ...opts, dir: process.cwd() });
        process.stdout.write(importReport(stack, file, result));
        if (result.read.bad.length > 0 && !opts.skipBad) process.exitCode = 1;
      },
    );
  return cmd;
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
