// make bench: the real engine against the local control plane, for the dev stack and each example class stack.
// Prints, per stack: preview cold (an empty TypeScript compile cache) and warm, create, no-op up and destroy times,
// Kubernetes objects, and the peak RSS of the pulumi process tree (CLI, language host, node program, providers),
// sampled every 100 ms. Beside them, the baseline: the same objects, rendered, applied with `kubectl apply
// --server-side` (create, then a no-op re-apply) into a namespace of their own, and the API server's own time for
// those requests, from its request-duration metrics. Then classhub/kubectl ratios, and for the first stack, where
// the time and memory of a cold preview and of a no-op up go, process by process.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { LiveEnv } from "../harness/liveenv";
import { runStack } from "../harness/mockrun";
import { kubernetesObjects } from "./render";

/** Each example class, adapted to a control plane with no cert-manager: TLS from a Secret instead. */
const STACKS = ["dev", "data8-fa26", "gpu-seminar-fa26"];

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString());

/** The descendants of `root`, itself included, with their resident memory in KiB. */
function tree(root: number): { pid: number; rssKiB: number }[] {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,rss="])
    .toString()
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const inTree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (inTree.has(ppid) && !inTree.has(pid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return rows.filter(([pid]) => inTree.has(pid)).map(([pid, , rssKiB]) => ({ pid, rssKiB }));
}

/**
 * What a process is, from its command line: the program's node process (`node ... @pulumi/pulumi/cmd/run ...`) apart
 * from the language host's `node -e`, which finds that script.
 */
function processName(argv: string[]): string {
  const name = path.basename(argv[0] ?? "?");
  if (name !== "node") return name;
  return !argv.includes("-e") && argv.some((a) => a.includes(`cmd${path.sep}run`)) ? "node (program)" : "node -e";
}

/** CPU seconds a process has used so far (user and system), from /proc. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** One process of a measured command, as sampled: seconds since the command started, CPU seconds, peak RSS. */
interface ProcessUse {
  name: string;
  from: number;
  to: number;
  cpu: number;
  peakMiB: number;
}

interface Measured {
  seconds: number;
  peakMiB: number;
  processes: ProcessUse[];
}

/**
 * Runs a command, failing on a non-zero exit; returns seconds taken, the peak RSS of its process tree in MiB, and
 * each process's share. `tmpdir` holds the TypeScript compile cache (ts-node's, in os.tmpdir()): empty means cold.
 */
function measure(env: LiveEnv, command: string, args: string[], tmpdir = os.tmpdir()): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
    const child = spawn(command, args, {
      cwd: env.project,
      env: { ...env.env, TMPDIR: tmpdir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let peak = 0;
    const processes = new Map<number, ProcessUse>();
    const timer = setInterval(() => {
      try {
        const now = elapsed();
        const members = tree(child.pid!);
        peak = Math.max(peak, members.reduce((sum, m) => sum + m.rssKiB, 0) / 1024);
        for (const { pid, rssKiB } of members) {
          let use = processes.get(pid);
          if (use === undefined) {
            const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
            use = { name: processName(argv), from: now, to: now, cpu: 0, peakMiB: 0 };
            processes.set(pid, use);
          }
          use.to = now;
          use.cpu = cpuSeconds(pid);
          use.peakMiB = Math.max(use.peakMiB, rssKiB / 1024);
        }
      } catch {
        // A process ended between two reads.
      }
    }, 100);
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = elapsed();
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`));
      else resolve({ seconds, peakMiB: peak, processes: [...processes.values()] });
    });
  });
}

const pulumi = (env: LiveEnv, args: string[], tmpdir: string) =>
  measure(env, "pulumi", [...args, "--non-interactive"], tmpdir);

/** Seconds the API server spent on requests so far, from its request-duration histogram. */
function apiServerSeconds(env: LiveEnv): number {
  // The metrics page outgrows spawnSync's default 1 MiB buffer.
  return execFileSync("kubectl", ["get", "--raw", "/metrics"], { env: env.env, maxBuffer: 64 * 1024 * 1024 })
    .toString()
    .split("\n")
    .filter((line) => line.startsWith("apiserver_request_duration_seconds_sum{"))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

/**
 * The baseline: the stack's objects as `npm run render` writes them, moved into a namespace of their own so that
 * nothing of the Pulumi run is found, applied by kubectl, then applied again unchanged.
 */
async function kubectlBaseline(env: LiveEnv, stack: string) {
  const objects = kubernetesObjects((await runStack(stack, {}, env.project)).resources);
  const ns = objects.find((o) => o.kind === "Namespace")!.metadata.name as string;
  const text = objects
    .map((o) => stringify(o))
    .join("---\n")
    .replaceAll(`namespace: ${ns}\n`, `namespace: ${ns}-kubectl\n`)
    .replace(`name: ${ns}\n`, `name: ${ns}-kubectl\n`);
  const file = path.join(env.dir, `${stack}-kubectl.yaml`);
  fs.writeFileSync(file, text);
  const apply = ["apply", "--server-side", "--field-manager=bench", "-f", file];
  const before = apiServerSeconds(env);
  const create = await measure(env, "kubectl", apply);
  const apiCreate = apiServerSeconds(env) - before;
  const noop = await measure(env, "kubectl", apply);
  const apiNoop = apiServerSeconds(env) - before - apiCreate;
  env.kubectl("delete", "namespace", `${ns}-kubectl`, "--wait=false");
  return { create, noop, apiCreate, apiNoop, objects: objects.length };
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  "));
}

const secs = (s: number) => `${s.toFixed(1)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

/** Where a command's time and memory go, process by process, in order of start. */
function breakdown(title: string, m: Measured): void {
  console.log(`\n${title}: ${secs(m.seconds)}, peak ${m.peakMiB.toFixed(0)} MiB (sampled every 100 ms)`);
  table(
    ["process", "from", "to", "CPU", "peak RSS"],
    m.processes
      .filter((p) => p.cpu >= 0.05 || p.peakMiB >= 10)
      .map((p) => [p.name, secs(p.from), secs(p.to), secs(p.cpu), `${p.peakMiB.toFixed(0)} MiB`]),
  );
}

async function main(): Promise<void> {
  const env = new LiveEnv();
  try {
    env.start();
    const rows: string[][] = [];
    const baseline: string[][] = [];
    const details: [string, Measured][] = [];
    for (const [i, from] of STACKS.entries()) {
      // dev-* keeps dummy login allowed for the dev class.
      const stack = `${from}-bench`;
      env.writeStack(stack, from, (c) => {
        if (c.hostname !== undefined) c.tls = { secretName: "proxy-public-tls" };
        if (c.nodePort !== undefined) c.nodePort = 30090 + i;
      });
      env.initStack(stack);
      // A compile cache of the stack's own: empty for the cold preview, then filled by it for every later run.
      const cache = fs.mkdtempSync(path.join(env.dir, "tmp-"));
      const cold = await pulumi(env, ["preview", "--stack", stack], cache);
      const warm = await pulumi(env, ["preview", "--stack", stack], cache);
      const create = await pulumi(env, ["up", "--yes", "--skip-preview", "--stack", stack], cache);
      const state = JSON.parse(env.ok("pulumi", ["stack", "export", "--stack", stack], undefined, env.project));
      const objects = (state.deployment.resources as any[]).filter((r) => r.type.startsWith("kubernetes:")).length;
      const noop = await pulumi(env, ["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", stack], cache);
      const destroy = await pulumi(env, ["destroy", "--yes", "--skip-preview", "--stack", stack], cache);
      const peak = Math.max(warm.peakMiB, create.peakMiB, noop.peakMiB, destroy.peakMiB);
      rows.push([
        from,
        ...[cold, warm, create, noop, destroy].map((m) => secs(m.seconds)),
        String(objects),
        `${cold.peakMiB.toFixed(0)} MiB`,
        `${peak.toFixed(0)} MiB`,
      ]);
      if (i === 0) details.push([`${from}: preview, cold`, cold], [`${from}: up, no-op`, noop]);
      const k = await kubectlBaseline(env, stack);
      const kubectlPeak = Math.max(k.create.peakMiB, k.noop.peakMiB);
      baseline.push([
        from,
        String(k.objects),
        secs(k.create.seconds),
        secs(k.noop.seconds),
        `${k.apiCreate.toFixed(2)} s`,
        `${k.apiNoop.toFixed(2)} s`,
        `${kubectlPeak.toFixed(0)} MiB`,
        ratio(create.seconds, k.create.seconds),
        ratio(noop.seconds, k.noop.seconds),
        ratio(peak, kubectlPeak),
      ]);
    }
    console.log("Peak RSS warm: the highest of the warm preview, create, no-op up and destroy.");
    table(
      [
        "stack",
        "preview cold",
        "preview warm",
        "up (create)",
        "up (no-op)",
        "destroy",
        "k8s objects",
        "peak RSS cold",
        "peak RSS warm",
      ],
      rows,
    );
    console.log("\nBaseline: the rendered objects with kubectl apply --server-side; API server time from its metrics.");
    table(
      [
        "stack",
        "objects",
        "kubectl create",
        "kubectl no-op",
        "API create",
        "API no-op",
        "kubectl RSS",
        "create ratio",
        "no-op ratio",
        "RSS ratio (warm)",
      ],
      baseline,
    );
    for (const [title, m] of details) breakdown(title, m);
  } finally {
    env.stop();
  }
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
