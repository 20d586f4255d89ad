// What the course-staff commands share: how a refusal reads and which exit code it gives.
import * as fs from "node:fs";
import * as path from "node:path";
import { CommanderError } from "commander";
import { ConfigError } from "../../components/config/errors";

/** A refusal the person running the command can act on: its message names the flag, file, line or value. */
export class ToolError extends Error {
  constructor(
    message: string,
    /** 2 for a wrong command line, 1 for anything else. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "ToolError";
  }
}

/** A file's text; one that cannot be read is a refusal that names it as `name` (the file, or the flag and file). */
export function readInput(file: string, name = file): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ToolError(`${name}: cannot be read (${(e as Error).message})`, 2);
  }
}

/**
 * A file named on the command line, relative to the project: `npm run` starts a command in the project, and says
 * in INIT_CWD where the person typed it.
 */
export function fromCaller(file: string): string {
  return path.relative(process.cwd(), path.resolve(process.env.INIT_CWD ?? process.cwd(), file));
}

/**
 * Runs a command's main: a ToolError or a ConfigError is printed without a stack trace, a command line commander
 * refused (which it has explained) exits 2, --help exits 0; anything else is a bug.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (!(e instanceof ToolError || e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = e instanceof ToolError ? e.exitCode : 1;
  });
}
