// npm run new-class -- --course C --term T --from STACK --admins a,b [--auth ...] [--roster-file F] [...]
// Writes Pulumi.<course>-<term>.yaml (the config block only) from a stack to start from, checked with the
// schema and rules `pulumi up` uses, and prints the next steps. Missing answers are asked for in a terminal.
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { listStacks } from "../harness/stackfile";
import { ConfigError } from "../../components/config/errors";
import { AUTH_TYPES, type ClassAnswers, classConfig, type Size, SIZES, stackFileText } from "./classStack";
import { fromCaller, readInput, runMain, ToolError } from "./cli";
import { type Export, FORMATS, noteLine, readExport } from "./exports";
import { parseAuth } from "./logins";
import { askMissing, type Asker, type FromDefaults, type Given, terminalAsker } from "./prompts";
import { defaultRosterFile, rosterText } from "./rosterImport";
import { CLASS_KEY, configOf, readStackDoc, SECRET_KEY, stackFileName, stackProblems } from "./stackDoc";

/** The flag that sets each key, for problems the schema reports by key. */
const FLAGS: [RegExp, string][] = [
  [/^classhub:class\.name\b/, "--course"],
  [/^classhub:class\.term\b/, "--term"],
  [/^classhub:class\.namespace\b/, "--course and --term"],
  [/^classhub:class\.admins\b/, "--admins"],
  [/^classhub:class\.(roster|rosterFile)\b/, "--roster-file"],
  [/^classhub:class\.expectedStudents\b/, "--students"],
  [/^classhub:class\.auth\.type\b/, "--auth"],
  [/^classhub:class\.auth\.clientId\b/, "--client-id"],
  [/^classhub:class\.hostname\b/, "--hostname"],
  [/^classhub:class\.image\b/, "--image"],
  [/^classhub:class\.resources\b/, "--size"],
];

export const withFlag = (problem: string) => {
  const flag = FLAGS.find(([key]) => key.test(problem))?.[1];
  return flag === undefined ? problem : `${problem} (${flag})`;
};

export interface NewClassOptions extends Given {
  /** The project. */
  dir: string;
  /** Replace an existing stack file and roster file. */
  force?: boolean;
  /** Read options for the roster export. */
  column?: string;
  domain?: string;
}

export interface NewClassResult {
  stack: string;
  kept: string[];
  roster?: { file: string; read: Export };
  /** The config as written. */
  config: Record<string, unknown>;
}

/** Each class stack of the project by its login type, for the error that says which stack to start from. */
function stacksByAuth(dir: string): Record<string, string[]> {
  const by: Record<string, string[]> = {};
  for (const stack of listStacks(dir)) {
    const type = (configOf(readStackDoc(dir, stack))[CLASS_KEY] as { auth?: { type?: string } } | undefined)?.auth
      ?.type;
    if (type !== undefined) (by[type] ??= []).push(stack);
  }
  return by;
}

/** The config of stack `stack`, which must be a class: a cluster-only stack is refused, naming the classes. */
function startingConfig(dir: string, stack: string): Record<string, unknown> {
  const config = configOf(readStackDoc(dir, stack));
  if (config[CLASS_KEY] === undefined) {
    const classes = Object.values(stacksByAuth(dir)).flat().sort();
    throw new ToolError(`--from ${stack}: a cluster-only stack; start from a class stack: ${classes.join(", ")}`, 2);
  }
  return config;
}

export function fromDefaults(dir: string, stack: string): FromDefaults {
  const cls = startingConfig(dir, stack)[CLASS_KEY] as { auth?: { type?: string }; image?: string; hostname?: string };
  return { authType: cls.auth?.type ?? "", image: cls.image, hostname: cls.hostname };
}

function refuseExisting(dir: string, file: string, force: boolean | undefined) {
  if (!force && fs.existsSync(path.join(dir, file))) {
    throw new ToolError(
      `${file} exists; nothing written. Pass --force to replace it, or pick another --course or --term`,
    );
  }
}

/** Problems the schema reported, each with the flag that sets its key. */
function invalid(problems: string[]): ToolError {
  return new ToolError(
    "The class would be invalid; nothing written:\n" + problems.map((p) => `  - ${withFlag(p)}`).join("\n"),
  );
}

/** The roster file's text, read from the export for the class's authenticator; refused if a row cannot be used. */
function importedRoster(options: NewClassOptions, cls: Record<string, unknown>): Export {
  let auth;
  try {
    auth = parseAuth(cls.auth);
  } catch (e) {
    if (e instanceof ConfigError) throw invalid(e.problems);
    throw e;
  }
  const file = options.rosterExport!;
  const read = readExport(readInput(file, `--roster-file ${file}`), file, auth, options);
  if (read.bad.length > 0) {
    throw new ToolError(
      `--roster-file ${file}: ${read.bad.length} row(s) cannot be used; nothing written:\n` +
        read.bad.map(noteLine).join("\n"),
    );
  }
  return read;
}

/** Checks the answers as `pulumi up` would, then writes the stack file (and the roster file). */
export function newClass(options: NewClassOptions): NewClassResult {
  const missing = (["course", "term", "from", "admins"] as const).filter((k) => options[k] === undefined);
  if (missing.length > 0) {
    throw new ToolError(
      `missing ${missing.map((k) => `--${k}`).join(", ")}; run it in a terminal to be asked, or see --help`,
      2,
    );
  }
  const { dir } = options;
  const stack = `${options.course}-${options.term}`;
  const rosterFile = options.rosterExport === undefined ? undefined : defaultRosterFile(stack);
  const answers = { ...options, rosterFile } as ClassAnswers;
  refuseExisting(dir, stackFileName(stack), options.force);
  if (rosterFile !== undefined) refuseExisting(dir, rosterFile, options.force);
  const { config, kept } = classConfig(answers, startingConfig(dir, answers.from), stacksByAuth(dir));
  const files: Record<string, string> = {};
  let roster: NewClassResult["roster"];
  if (rosterFile !== undefined) {
    const read = importedRoster(options, config[CLASS_KEY] as Record<string, unknown>);
    files[rosterFile] = rosterText(stack, path.basename(options.rosterExport!), read);
    roster = { file: rosterFile, read };
  }
  // the OAuth secret is set once the stack exists (pulumi config set --secret); the next steps say so
  const problems = stackProblems(stack, { ...config, [SECRET_KEY]: "to be set" }, dir, files);
  if (problems.length > 0) throw invalid(problems);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.writeFileSync(path.join(dir, stackFileName(stack)), stackFileText(stack, answers.from, config));
  return { stack, kept, roster, config };
}

/** What was written and what to do next, in the order staff do it. */
export function nextSteps(r: NewClassResult, from: string): string {
  const cls = r.config[CLASS_KEY] as { hostname?: string; auth: { type: string }; name: string; term: string };
  const oauth = cls.auth.type !== "dummy";
  const steps = [
    `pulumi stack init ${r.stack}   (on a shared backend: pulumi stack init <org>/${r.stack})`,
    ...(oauth
      ? [
          `Register the OAuth app with the callback URL https://${cls.hostname}/hub/oauth_callback, then:\n` +
            `     pulumi config set --secret ${SECRET_KEY} <its secret>`,
        ]
      : []),
    `npm run render -- ${r.stack}   (what it deploys; no cluster needed)`,
    "pulumi preview --policy-pack policy, then pulumi up",
    ...(cls.hostname === undefined
      ? []
      : [`Point ${cls.hostname} at proxy-public's address: kubectl -n ${cls.name}-${cls.term} get svc proxy-public`]),
    `Whenever the roster changes: npm run roster -- import ${r.stack} <export.csv>`,
  ];
  return [
    `Wrote ${stackFileName(r.stack)}, starting from ${stackFileName(from)}.`,
    `  Kept from ${from}: ${r.kept.join(", ")}. Review them: they were that class's.`,
    ...(r.roster === undefined
      ? []
      : [
          `Wrote ${r.roster.file}: ${r.roster.read.students.length} students from ${FORMATS[r.roster.read.format]}` +
            ` (logins from ${r.roster.read.column}).`,
        ]),
    "Next:",
    ...steps.map((s, i) => `  ${i + 1}. ${s}`),
    "",
  ].join("\n");
}

const positive = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("expected a whole number of students");
  return Number(value);
};

export function program(ask: Asker = terminalAsker, interactive = process.stdin.isTTY === true): Command {
  return new Command("new-class")
    .exitOverride()
    .description(
      "Write Pulumi.<course>-<term>.yaml for a new class, starting from an example or an earlier class's stack, " +
        "checked with the schema `pulumi up` uses. Run in a terminal, it asks for what the flags leave out.",
    )
    .option("--course <name>", "short course name, e.g. data8")
    .option("--term <term>", "term, e.g. fa26")
    .option("--from <stack>", "the stack to start from: an example (data8-fa26, ...) or last term's class")
    .addOption(new Option("--auth <type>", "how people log in (default: as in --from)").choices(AUTH_TYPES))
    .option("--client-id <id>", "the OAuth app's client id (not with dummy)")
    .option("--hostname <name>", "the hub's DNS name (needed for OAuth)")
    .option("--admins <logins>", "course staff logins, comma-separated", (v) => v.split(",").map((s) => s.trim()))
    .option("--roster-file <file>", "students: an LMS export or a list of logins; written to rosters/<stack>.txt")
    .option("--column <column>", "the roster's login column, by header or number (default: found)")
    .option("--domain <domain>", "add @<domain> to roster logins without one")
    .option("--students <n>", "expected class size, when students come from a domain or group", positive)
    .option("--image <image>", "students' image with a pinned tag (default: as in --from)")
    .addOption(
      new Option("--size <size>", "CPU and memory per student (default: as in --from)").choices(Object.keys(SIZES)),
    )
    .option("--force", "replace an existing stack file and roster file")
    .action(async (flags: Given & { rosterFile?: string; force?: boolean; column?: string; domain?: string }) => {
      const dir = process.cwd();
      const { rosterFile: rosterExport, ...rest } = flags;
      let given: Given = { ...rest, rosterExport, size: flags.size as Size | undefined };
      if (interactive) given = await askMissing(given, listStacks(dir), (s) => fromDefaults(dir, s), ask);
      if (given.rosterExport !== undefined) given.rosterExport = fromCaller(given.rosterExport);
      const result = newClass({ ...given, dir });
      process.stdout.write(nextSteps(result, given.from!));
    });
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
