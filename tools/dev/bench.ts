// make bench: the real engine against the local control plane, for the dev stack and each example class stack.
// Prints, per stack: preview, create, no-op up and destroy times, Kubernetes objects, and the peak RSS of the
// pulumi process tree (CLI, language host, node program, providers), sampled every 100 ms. Beside them, the
// baseline: the same objects, rendered, applied with `kubectl apply --server-side` (create, then a no-op
// re-apply) into a namespace of their own, and the API server's own time for those requests, from its
// request-duration metrics. Then classhub/kubectl ratios.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { LiveEnv } from "../harness/liveenv";
import { runStack } from "../harness/mockrun";
import { kubernetesObjects } from "./render";

/** Each example class, adapted to a control plane with no cert-manager: TLS from a Secret instead. */
const STACKS = ["dev", "data8-fa26", "gpu-seminar-fa26"];

/** Resident memory of `root` and all its descendants, in KiB. */
function treeRss(root: number): number {
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
  return rows.filter(([pid]) => inTree.has(pid)).reduce((sum, [, , rss]) => sum + rss, 0);
}

interface Measured {
  seconds: number;
  peakMiB: number;
}

/** Runs a command, failing on a non-zero exit; returns seconds taken and peak tree RSS in MiB. */
function measure(env: LiveEnv, command: string, args: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: env.project,
      env: env.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let peak = 0;
    const timer = setInterval(() => {
      try {
        peak = Math.max(peak, treeRss(child.pid!));
      } catch {
        // The tree ended between two samples.
      }
    }, 100);
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`));
      else resolve({ seconds, peakMiB: peak / 1024 });
    });
  });
}

const pulumi = (env: LiveEnv, args: string[]) => measure(env, "pulumi", [...args, "--non-interactive"]);

/** Seconds the API server spent on requests so far, from its request-duration histogram. */
function apiServerSeconds(env: LiveEnv): number {
  return env
    .kubectl("get", "--raw", "/metrics")
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

async function main(): Promise<void> {
  const env = new LiveEnv();
  try {
    env.start();
    const rows: string[][] = [];
    const baseline: string[][] = [];
    for (const [i, from] of STACKS.entries()) {
      // dev-* keeps dummy login allowed for the dev class.
      const stack = `${from}-bench`;
      env.writeStack(stack, from, (c) => {
        if (c.hostname !== undefined) c.tls = { secretName: "proxy-public-tls" };
        if (c.nodePort !== undefined) c.nodePort = 30090 + i;
      });
      env.initStack(stack);
      const preview = await pulumi(env, ["preview", "--stack", stack]);
      const create = await pulumi(env, ["up", "--yes", "--skip-preview", "--stack", stack]);
      const state = JSON.parse(env.ok("pulumi", ["stack", "export", "--stack", stack], undefined, env.project));
      const objects = (state.deployment.resources as any[]).filter((r) => r.type.startsWith("kubernetes:")).length;
      const noop = await pulumi(env, ["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", stack]);
      const destroy = await pulumi(env, ["destroy", "--yes", "--skip-preview", "--stack", stack]);
      const peak = Math.max(preview.peakMiB, create.peakMiB, noop.peakMiB, destroy.peakMiB);
      rows.push([
        from,
        ...[preview, create, noop, destroy].map((m) => `${m.seconds.toFixed(1)} s`),
        String(objects),
        `${peak.toFixed(0)} MiB`,
      ]);
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
    table(["stack", "preview", "up (create)", "up (no-op)", "destroy", "k8s objects", "peak RSS"], rows);
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
        "RSS ratio",
      ],
      baseline,
    );
  } finally {
    env.stop();
  }
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
