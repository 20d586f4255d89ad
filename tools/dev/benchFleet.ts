// make bench-fleet: `npm run fleet -- up` over 20 small dev classes on the local node (tools/node), at --parallel
// 1, 4 and 8: the total time of each run, each stack's time, and the machine's load while it ran (the machine is
// shared, and others' load shows in the figures). Each level deploys its own 20 classes into a throwaway backend,
// created beforehand so that only `up` is timed, and destroys them (namespaces and volumes too) before the next.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { plainTable } from "../table";
import { Live } from "../../test/live/support";
import { LiveEnv } from "../harness/liveenv";
import { inPool, runFleet } from "../fleet/run";
import { durationText, problemsText, type StackResult, summaryTable } from "../fleet/summary";

const CLASSES = 20;
const LEVELS = [1, 4, 8];
const FIRST_NODE_PORT = 31700;
const classOf = (parallel: number, i: number) => `fleetbench${parallel}n${String(i).padStart(2, "0")}`;

/** CPU time of the whole machine from /proc/stat: busy and total, in clock ticks. */
function cpuTicks(): { busy: number; total: number } {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // idle and iowait
  return { busy: total - ticks[3] - ticks[4], total };
}

interface Level {
  parallel: number;
  seconds: number;
  results: StackResult[];
  /** Share of all cores busy during the run. */
  cpuBusy: number;
  /** Highest 1-minute load average sampled during the run. */
  peakLoad: number;
}

async function level(env: LiveEnv, live: Live, parallel: number): Promise<Level> {
  const stacks = Array.from({ length: CLASSES }, (_, i) => {
    const name = classOf(parallel, i);
    env.writeStack(`dev-${name}`, "dev", (cls) => {
      cls.name = name;
      cls.nodePort = FIRST_NODE_PORT + LEVELS.indexOf(parallel) * CLASSES + i;
      // hub and proxy at their smallest: 20 classes share 2 cores with whatever else runs on the node
      cls.hub = { ...cls.hub, resources: { cpuGuarantee: 0.02, memoryGuarantee: "128Mi" } };
      cls.proxy = { ...cls.proxy, resources: { cpuGuarantee: 0.02, memoryGuarantee: "32Mi" } };
    });
    return `dev-${name}`;
  });
  for (const s of stacks) await live.ok("pulumi", ["stack", "init", s, "--non-interactive"], env.project);
  let peakLoad = os.loadavg()[0];
  const sampler = setInterval(() => (peakLoad = Math.max(peakLoad, os.loadavg()[0])), 2_000);
  const cpu = cpuTicks();
  const started = performance.now();
  let results: StackResult[];
  let seconds: number;
  let after: ReturnType<typeof cpuTicks>;
  try {
    results = await runFleet({
      dir: env.project,
      command: "up",
      stacks,
      parallel,
      init: false,
      logDir: path.join(env.dir, `logs-${parallel}`),
      progress: ({ stack, result }) =>
        result && process.stderr.write(`  ${stack}: ${result.outcome} in ${durationText(result.seconds)}\n`),
    });
    seconds = (performance.now() - started) / 1000;
    after = cpuTicks();
  } finally {
    clearInterval(sampler);
    process.stderr.write(`destroying the ${CLASSES} classes of --parallel ${parallel}\n`);
    await inPool(stacks, 4, (s) => live.pulumi("destroy", "--yes", "--skip-preview", "--stack", s));
    await live.removeNamespaces(stacks.map((s) => `${s.slice("dev-".length)}-dev`));
    for (const s of stacks) fs.rmSync(path.join(env.project, `Pulumi.${s}.yaml`));
  }
  process.stdout.write(`--parallel ${parallel}:\n${summaryTable(results)}\n${problemsText(results)}\n`);
  return {
    parallel,
    seconds,
    results,
    cpuBusy: (after.busy - cpu.busy) / (after.total - cpu.total),
    peakLoad,
  };
}

function report(levels: Level[]): string {
  const rows = levels.map((l) => {
    const times = l.results.map((r) => r.seconds);
    return [
      String(l.parallel),
      durationText(l.seconds),
      durationText(times.reduce((a, b) => a + b, 0) / times.length),
      durationText(Math.max(...times)),
      String(l.results.filter((r) => r.outcome !== "succeeded").length),
      `${Math.round(l.cpuBusy * 100)} %`,
      l.peakLoad.toFixed(2),
    ];
  });
  const head = [
    "--parallel",
    "total",
    "per stack: mean",
    "slowest",
    "failed",
    "CPU busy (2 cores)",
    "peak load (1 min)",
  ];
  return `fleet up, ${CLASSES} dev classes on the local node (${os.cpus().length} cores):\n${plainTable(head, rows)}\n`;
}

async function main() {
  const env = new LiveEnv({ node: true });
  env.start();
  const live = new Live(env);
  // the fleet's pulumi runs see the environment's backend, passphrase and kubeconfig, as staff's shell would
  Object.assign(process.env, env.env, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
  const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
  await live.removeNamespaces(existing.filter((ns) => /^fleetbench\d+n\d+-dev$/.test(ns)));
  const levels: Level[] = [];
  try {
    for (const parallel of LEVELS) levels.push(await level(env, live, parallel));
  } finally {
    process.stdout.write(report(levels));
    env.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 1;
});
