// npm run status -- <stack> [--dir DIR] [--json]
// How a deployed class is used right now: who was active, which servers run and for how long, students' home
// claims, the idle culler's last run, and the cost so far this month on paper. A table, or JSON.
import Table from "cli-table3";
import { Command, Option } from "commander";
import { DEFAULT_USAGE, estimate } from "../cost/estimate";
import { loadStack } from "../cost/load";
import { loadPrices } from "../cost/prices";
import { CHECK_USER, TOKEN_KEY } from "./check";
import { runMain, ToolError } from "./cli";
import { type DeployedClass, deployedClass } from "./deployed";
import { Hub, type UserModel } from "./hubApi";
import * as m from "./statusModel";

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

export async function status(cls: DeployedClass, dir: string, now = new Date()): Promise<m.Status> {
  const { kubectl, namespace: ns } = cls;
  const token = await kubectl.secretKey(ns, "hub", TOKEN_KEY);
  if (token === undefined) {
    throw new ToolError(`Secret hub in ${ns} has no ${TOKEN_KEY}: run pulumi up with this version of classhub`);
  }
  const klass = cls.config.class!;
  const [users, claims, log] = await Promise.all([
    allUsers(new Hub(cls.hubUrl, token)),
    kubectl.items("pvc", "-n", ns),
    kubectl.run("logs", "-n", ns, "deployment/hub", `--since=${LOG_WINDOW.since}`),
  ]);
  const shared = klass.storage.shared;
  return {
    stack: cls.stack,
    namespace: ns,
    hubUrl: cls.hubUrl,
    at: now.toISOString(),
    active: m.activity(users, now, CHECK_USER),
    servers: m.servers(users, now),
    storage: m.storage(claims, shared === undefined ? undefined : Object.keys(shared)[0]),
    culler: m.cullerRun(log, klass.culling.enabled, klass.culling.everyMinutes, LOG_WINDOW.said),
    cost: m.costSoFar(perMonth(cls, dir), now),
  };
}

/** A plain table: no colours, so the text is the same in a terminal, a pipe and a test. */
function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true } });
  t.push(...rows.map((r) => r.map(String)));
  return t.toString();
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
            ["user", "claim", "capacity", "used"],
            s.storage.homes.map((h) => [h.user, h.claim, h.capacity, "?"]),
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
}

export function program(): Command {
  return new Command("status")
    .exitOverride()
    .description(
      "Show how a deployed class is used now: people active in the last 15 minutes, day and week; running " +
        "servers and their age; students' home claims (capacity; use is not known to the Kubernetes API); the " +
        "idle culler's last run (from the hub's log); and the cost so far this month, on paper (npm run cost). " +
        "Finds the stack through Pulumi as npm run check does, and reads with the hub's classhub-check token.",
    )
    .argument("<stack>", "the class stack, e.g. data8-fa26")
    .addOption(new Option("--dir <dir>", "the Pulumi project").default(process.cwd(), "this project"))
    .option("--json", "print the status as JSON")
    .showHelpAfterError()
    .action(async (stack: string, opts: Options) => {
      const s = await status(await deployedClass(stack, opts.dir), opts.dir);
      process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : renderStatus(s));
    });
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
