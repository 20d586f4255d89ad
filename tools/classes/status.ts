// npm run status -- <stack> [--dir DIR] [--json] [--measure [--image IMAGE]]
// How a deployed class is used right now: who was active, which servers run and for how long, students' homes and
// how much of each is used (kubelet's figures for mounted homes; du in a Job with --measure), the idle culler's last
// run, and the cost so far this month on paper. A table, or JSON.
import { Command, Option } from "commander";
import { DEFAULT_USAGE, estimate } from "../cost/estimate";
import { loadStack } from "../cost/load";
import { loadPrices } from "../cost/prices";
import { homeStorage } from "../../components/storage/homeStorage";
import { type Homes, homesOf, IMAGES } from "./archiveJobs";
import { Kube, runJob } from "./archiveCluster";
import { CHECK_USER, TOKEN_KEY } from "./check";
import { runMain, ToolError } from "./cli";
import { type DeployedClass, deployedClass, type Kubectl } from "./deployed";
import { Hub, type UserModel } from "./hubApi";
import { DU_TAG, measureJob } from "./measureJob";
import * as m from "./statusModel";
import { plainTable as table } from "../table";

/** Every user the hub has, page by page (the hub returns at most api_page_max_limit, 200, at a time). */
async function allUsers(hub: Hub): Promise<UserModel[]> {
  const users: UserModel[] = [];
  for (;;) {
    const page = (await hub.api("GET", `/users?offset=${users.length}`)) as UserModel[];
    if (page.length === 0) return users;
    users.push(...page);
  }
}

/** The hub's monthly cost on paper, as npm run cost estimates it; null on an ambient cluster. */
function perMonth(cls: DeployedClass, dir: string): number | null {
  const prices = loadPrices();
  const loaded = loadStack(cls.stack, dir, prices.region);
  if (loaded.cluster === undefined) return null;
  const e = estimate(loaded.config, loaded.cluster, prices, DEFAULT_USAGE, loaded.notes);
  return e.total?.perMonth ?? null;
}

/** How far back the hub's log is read for the culler (kubectl logs --since): a day, or since the hub pod started. */
const LOG_WINDOW = { since: "24h", said: "24 hours" };

/** kubelet's figures for the claims of `ns` on these nodes, and the nodes whose stats summary could not be read. */
async function kubeletStats(kubectl: Kubectl, ns: string, nodes: string[]) {
  const read = await Promise.all(
    nodes.map(async (node) => {
      try {
        const summary = JSON.parse(await kubectl.run("get", "--raw", `/api/v1/nodes/${node}/proxy/stats/summary`));
        return { node, volumes: m.kubeletVolumes(summary, ns, node) };
      } catch (e) {
        return { node, why: m.statsProblem((e as Error).message) };
      }
    }),
  );
  return {
    kubelet: read.flatMap((r) => r.volumes ?? []),
    unread: read.flatMap((r) => (r.why === undefined ? [] : [{ node: r.node, why: r.why }])),
  };
}

/** How long the measuring Job may run: one node attaches every stopped home's disk before du starts. */
const MEASURE_LIMIT_SECONDS = 900;

/** du over `homes` in a Job in the class namespace, deleted once read (also after a failure). */
async function measure(cls: DeployedClass, homes: Homes, image: string, now: Date): Promise<m.DuFigure[]> {
  const kube = new Kube(cls.kubectl.args, process.env);
  const job = measureJob(cls.namespace, now, homes, image, MEASURE_LIMIT_SECONDS);
  const what =
    homes.kind === "shared" ? `every folder of ${homes.claim}:${homes.folder}` : `${homes.claims.length} home(s)`;
  process.stderr.write(`${job.metadata.name}: du over ${what}, mounted read-only\n`);
  try {
    // runJob's own limit is past the Job's deadline: Kubernetes fails the Job first and says why
    return m.duFigures(await runJob(kube, job, DU_TAG, (MEASURE_LIMIT_SECONDS + 60) * 1000));
  } finally {
    const { name, namespace } = job.metadata;
    await kube.ok([
      "delete",
      "job",
      name,
      "-n",
      namespace,
      "--cascade=foreground",
      "--ignore-not-found",
      "--wait=true",
    ]);
    process.stderr.write(`${name}: deleted\n`);
  }
}

/** The class's server pods: KubeSpawner labels them so. */
const SERVER_PODS = "app.kubernetes.io/component=singleuser-server";

/** How the class is used now; with `measureWith`, du in a Job of that image measures the homes kubelet cannot. */
export async function status(
  cls: DeployedClass,
  dir: string,
  measureWith?: { image: string },
  now = new Date(),
): Promise<m.Status> {
  const { kubectl, namespace: ns } = cls;
  const token = await kubectl.secretKey(ns, "hub", TOKEN_KEY);
  if (token === undefined) {
    throw new ToolError(`Secret hub in ${ns} has no ${TOKEN_KEY}: run pulumi up with this version of classhub`);
  }
  const klass = cls.config.class!;
  const [users, claims, pods, log] = await Promise.all([
    allUsers(new Hub(cls.hubUrl, token)),
    kubectl.items("pvc", "-n", ns),
    kubectl.items("pods", "-n", ns, "-l", SERVER_PODS),
    kubectl.run("logs", "-n", ns, "deployment/hub", `--since=${LOG_WINDOW.since}`),
  ]);
  const mounts = m.serverMounts(pods);
  const stats = await kubeletStats(kubectl, ns, m.nodesOf(mounts));
  // where the stack file says homes are: the stack's homeStorage output, which pulumi up refuses to change unasked
  const homes = homesOf(homeStorage(klass), ns, m.claimsToMeasure(claims, mounts));
  const nothingToMeasure = homes.kind === "claims" && homes.claims.length === 0;
  if (measureWith !== undefined && nothingToMeasure) {
    process.stderr.write("--measure: no bound home without a running server; nothing for du to measure\n");
  }
  const du =
    measureWith === undefined ? undefined : nothingToMeasure ? [] : await measure(cls, homes, measureWith.image, now);
  const shared = klass.storage.shared;
  return {
    stack: cls.stack,
    namespace: ns,
    hubUrl: cls.hubUrl,
    at: now.toISOString(),
    active: m.activity(users, now, CHECK_USER),
    servers: m.servers(users, now),
    storage: m.storage(
      claims,
      shared === undefined || homes.kind === "claims"
        ? undefined
        : { source: Object.keys(shared)[0], claim: homes.claim, folder: homes.folder },
      { mounts, ...stats, du },
    ),
    culler: m.cullerRun(log, klass.culling.enabled, klass.culling.everyMinutes, LOG_WINDOW.said),
    cost: m.costSoFar(perMonth(cls, dir), now),
  };
}

/** A duration as people say it: 45 s, 12 min, 3.5 h, 2.0 d. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

const names = (list: string[]) => (list.length <= 8 ? list.join(", ") : `${list.slice(0, 8).join(", ")}, …`);
const ago = (iso: string | null, now: Date) =>
  iso === null ? "never" : `${duration((now.getTime() - Date.parse(iso)) / 1000)} ago`;

export function renderStatus(s: m.Status): string {
  const now = new Date(s.at);
  const a = s.active;
  const state = (r: m.ServerRow) => (r.pending !== null ? `${r.pending} pending` : r.ready ? "ready" : "stopped");
  const money = (usd: number) => `$${usd.toFixed(2)}`;
  return [
    `classhub status: ${s.stack} (namespace ${s.namespace}) at ${s.hubUrl}, ${s.at}`,
    "",
    `Activity (${a.known} users known to the hub, ${a.neverActive} never active)`,
    table(
      ["window", "people", "who"],
      [
        [`now (${m.NOW_MINUTES} min)`, a.now.length, names(a.now)],
        ["last day", a.lastDay.length, names(a.lastDay)],
        ["last week", a.lastWeek.length, names(a.lastWeek)],
      ],
    ),
    "",
    `Servers: ${s.servers.length}`,
    ...(s.servers.length === 0
      ? []
      : [
          table(
            ["user", "server", "state", "age", "last activity"],
            s.servers.map((r) => [
              r.user,
              r.server || "(default)",
              state(r),
              r.ageSeconds === null ? "" : duration(r.ageSeconds),
              ago(r.lastActivity, now),
            ]),
          ),
        ]),
    "",
    "Storage",
    ...(s.storage.homes.length === 0
      ? []
      : [
          table(
            ["user", "claim", "capacity", "used", "from", "note"],
            s.storage.homes.map((h) => [
              h.user,
              h.folder === undefined ? h.claim : `${h.claim}:${h.folder}`,
              h.capacity,
              h.used.bytes === null ? "?" : m.size(h.used.bytes),
              h.used.from ?? "",
              h.used.note ?? "",
            ]),
          ),
        ]),
    s.storage.note,
    "",
    s.culler.enabled
      ? `Culler: last call ${s.culler.lastCall === null ? "not seen" : `${s.culler.lastCall} (${ago(s.culler.lastCall, now)})`}; ` +
        `${s.culler.culled} server(s) stopped. ${s.culler.note}`
      : `Culler: ${s.culler.note}`,
    s.cost.usd === null
      ? `Cost so far this month: ${s.cost.note}`
      : `Cost so far this month: ${money(s.cost.usd)} of ${money(s.cost.perMonth!)} a month. ${s.cost.note}`,
    "",
  ].join("\n");
}

interface Options {
  dir: string;
  json?: boolean;
  measure?: boolean;
  image?: string;
}

export function program(): Command {
  return new Command("status")
    .exitOverride()
    .description(
      "Show how a deployed class is used now: people active in the last 15 minutes, day and week; running " +
        "servers and their age; students' homes, their capacity and use (kubelet's figure, through the API " +
        "server's nodes/proxy, for a home a running server mounts when the claim is a disk of its own; with " +
        "--measure, du in a Job for the homes no server mounts and for every folder of shared homes); the idle " +
        "culler's last run (from the hub's log); and the cost so far this month, on paper (npm run cost). Finds " +
        "the stack through Pulumi as npm run check does, and reads with the hub's classhub-check token.",
    )
    .argument("<stack>", "the class stack, e.g. data8-fa26")
    .addOption(new Option("--dir <dir>", "the Pulumi project").default(process.cwd(), "this project"))
    .option("--json", "print the status as JSON")
    .option(
      "--measure",
      'measure homes with du, in a Job in the class namespace under Pod Security "restricted" that mounts them ' +
        "read-only and is deleted once read: the homes no running server mounts, or every folder of shared homes",
    )
    .option("--image <image>", `with --measure: the Job's image, pinned, with sh and du (default: ${IMAGES.volume})`)
    .showHelpAfterError()
    .action(async (stack: string, opts: Options) => {
      if (opts.image !== undefined && !opts.measure) throw new ToolError("--image: only with --measure", 2);
      const measureWith = opts.measure ? { image: opts.image ?? IMAGES.volume } : undefined;
      const s = await status(await deployedClass(stack, opts.dir), opts.dir, measureWith);
      process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : renderStatus(s));
    });
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
