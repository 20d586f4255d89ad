// npm run archive -- <stack> --to <destination>
// npm run archive -- restore <stack> --from <destination> --student <home>
// End of term: every home of a class into one tar.gz each, with a manifest, by a Job in the class namespace; a
// second Job reads the archives back and the tool compares them with the manifest before it says the class may go.
import { Command, Option } from "commander";
import {
  archiveAccount,
  archiveJob,
  type Destination,
  gcsEgressPolicy,
  homesOf,
  IMAGES,
  parseDestination,
  restoreJob,
  runId,
  verifyJob,
} from "./archiveJobs";
import { archivedRows, deletionSteps, type ManifestRow, verifyProblems } from "./archiveManifest";
import { type ClassTarget, classTarget, lendVolume, runJob, runningServers } from "./archiveCluster";
import { runMain, ToolError } from "./cli";
import { plainTable } from "../table";

interface Common {
  image?: string;
  gcpServiceAccount?: string;
  timeout: string;
}

const where = (dest: Destination) => (dest.kind === "gcs" ? dest.url : `volume ${dest.volume}`);

/** Makes the destination reachable from the class namespace for the Jobs; returns what undoes it. */
async function open(target: ClassTarget, flag: string, dest: Destination, opts: Common): Promise<() => Promise<void>> {
  if (dest.kind === "volume") return lendVolume(target.kube, target.ns, flag, dest.volume);
  await target.kube.apply(archiveAccount(target.ns, opts.gcpServiceAccount));
  await target.kube.apply(gcsEgressPolicy(target.ns));
  return async () => undefined;
}

/** Refuses while servers run: their homes would change under the archive, and a restore would race them. */
async function refuseRunning(target: ClassTarget, only?: string): Promise<void> {
  const running = (await runningServers(target.kube, target.ns)).filter((p) => only === undefined || p === only);
  if (running.length > 0) {
    throw new ToolError(
      `${target.ns}: servers are running (${running.join(", ")}); stop them first (the hub's admin page, Stop All)`,
    );
  }
}

function timeoutMs(value: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(value);
  if (m === null) throw new ToolError(`--timeout ${value}: expected a duration such as 90s, 30m or 6h`, 2);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"];
}

/** The manifest as a table for people; the full sha256s are in the destination's manifest.tsv and SHA256SUMS. */
export function manifestTable(rows: ManifestRow[]): string {
  return plainTable(
    ["student", "source", "files", "bytes", "archive bytes", "sha256"],
    rows.map((r) => [r.student, r.source, r.files, r.bytes, r.archiveBytes, `${r.sha256.slice(0, 16)}…`]),
    [2, 3, 4],
  );
}

async function archive(stack: string, opts: Common & { to?: string }): Promise<void> {
  if (opts.to === undefined) throw new ToolError("--to: required: gs://<bucket>[/<path>] or pv:<volume>", 2);
  const to = opts.to;
  const limit = timeoutMs(opts.timeout);
  const target = await classTarget(stack);
  const dest = parseDestination("--to", to, target.gke);
  const image = opts.image ?? IMAGES[dest.kind];
  await refuseRunning(target);
  const claims = (await target.kube.json("get", "pvc", "-n", target.ns)).items.map((c: any) => c.metadata.name);
  const homes = homesOf(target.homeStorage, target.ns, claims);
  if (homes.kind === "claims" && homes.claims.length === 0) {
    throw new ToolError(`${target.ns}: no homes (no claim-<student> claims) to archive`);
  }
  const run = runId(new Date());
  const close = await open(target, "--to", dest, opts);
  let rows: ManifestRow[];
  try {
    rows = archivedRows(await runJob(target.kube, archiveJob(target.ns, run, homes, dest, image), "archived", limit));
    const verified = await runJob(target.kube, verifyJob(target.ns, run, dest, image), "verified", limit);
    const problems = verifyProblems(rows, verified);
    if (problems.length > 0) {
      throw new ToolError(
        `The archives in ${where(dest)} do not match the manifest; do not delete the class:\n` +
          problems.map((p) => `  ${p}`).join("\n"),
      );
    }
  } finally {
    await close();
  }
  process.stdout.write(
    `${manifestTable(rows)}\n${rows.length} ${rows.length === 1 ? "home" : "homes"} archived to ${where(dest)}, folder ${target.ns}/${run}/ ` +
      "(manifest.tsv, SHA256SUMS), and read back.\n" +
      `${deletionSteps(stack, target.ns)}\n` +
      `To restore one student: npm run archive -- restore ${stack} --from ${to} --student <student>\n`,
  );
}

async function restore(stack: string, opts: Common & { from: string; student: string; run?: string }) {
  const limit = timeoutMs(opts.timeout);
  const target = await classTarget(stack);
  const dest = parseDestination("--from", opts.from, target.gke);
  const homes = homesOf(target.homeStorage, target.ns, []);
  if (homes.kind === "claims") {
    const claim = await target.kube.find("get", "pvc", `claim-${opts.student}`, "-n", target.ns);
    if (claim === undefined) {
      throw new ToolError(
        `--student ${opts.student}: ${target.ns} has no claim claim-${opts.student}; start their server once (the ` +
          "hub's admin page) so the hub creates their home, stop it, and run this again",
      );
    }
  }
  await refuseRunning(target, `jupyter-${opts.student}`);
  const close = await open(target, "--from", dest, opts);
  let log: string;
  try {
    const job = restoreJob(
      target.ns,
      { home: opts.student, run: opts.run, at: runId(new Date()) },
      homes,
      dest,
      opts.image ?? IMAGES[dest.kind],
    );
    log = await runJob(target.kube, job, "restored", limit);
  } finally {
    await close();
  }
  const [, home, from, sha256] = log
    .split("\n")
    .find((l) => l.startsWith("restored\t"))!
    .split("\t");
  process.stdout.write(`Restored ${home}'s home from ${where(dest)}, ${from}/${home}.tar.gz (sha256 ${sha256}).\n`);
}

function common(cmd: Command): Command {
  return cmd
    .option("--image <image>", `the Jobs' image, pinned (default: ${IMAGES.volume}; for a bucket ${IMAGES.gcs})`)
    .option(
      "--gcp-service-account <email>",
      "for a bucket: the Google service account the Jobs act as through Workload Identity (annotates their " +
        "Kubernetes account); without it, grant the bucket to the Kubernetes account classhub-archive itself",
    )
    .addOption(new Option("--timeout <duration>", "how long each Job may take").default("6h"));
}

export function program(): Command {
  const cmd = common(
    new Command("archive")
      .description(
        "Archive every home of class stack <stack> into one tar.gz per student, with a manifest (student, claim " +
          "or folder, files, bytes, sha256), by a Job in the class namespace under Pod Security restricted; then " +
          "read every archive back and compare it with the manifest. Servers must be stopped. Destinations: " +
          "gs://<bucket>[/<path>] on GKE (Workload Identity), or pv:<volume>, a PersistentVolume with " +
          "reclaimPolicy Retain that the tool lends to the class namespace for the run.",
      )
      .argument("<stack>", "the class stack, e.g. data8-fa26")
      // not required: commander would then require it of `restore` too
      .option("--to <destination>", "gs://<bucket>[/<path>] or pv:<volume> (required)")
      // options after `restore` are restore's: both commands have --image, --timeout, ...
      .enablePositionalOptions()
      .exitOverride()
      .showHelpAfterError(),
  ).action((stack: string, opts: Common & { to?: string }) => archive(stack, opts));
  common(
    cmd
      .command("restore")
      .description(
        "Write one student's archive back into their home in class stack <stack> (re-created or not): the " +
          "latest run's, or --run's, checked against its manifest first. Files in the home with the same names " +
          "are replaced; others stay. The student's server must be stopped.",
      )
      .argument("<stack>", "the class stack")
      .requiredOption("--from <destination>", "where the archives are: gs://<bucket>[/<path>] or pv:<volume>")
      .requiredOption("--student <home>", "the student's home as the manifest names it (claim-<home>)")
      .option("--run <run>", "the archive run, e.g. 20261212-170405 (default: the latest)")
      .exitOverride()
      .showHelpAfterError(),
  ).action((stack: string, opts: Common & { from: string; student: string; run?: string }) => restore(stack, opts));
  return cmd;
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
