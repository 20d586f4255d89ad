// make bench: the real engine against the local control plane, for the dev stack and each example class stack.
// Prints, per stack: preview, create, no-op up and destroy times, Kubernetes objects, and the peak RSS of the
// pulumi process tree (CLI, language host, node program, providers), sampled every 100 ms.
import { execFileSync, spawn } from "node:child_process";
import { LiveEnv } from "../harness/liveenv";

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

/** Runs pulumi, failing on a non-zero exit; returns seconds taken and peak tree RSS in MiB. */
function measure(env: LiveEnv, args: string[]): Promise<{ seconds: number; peakMiB: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn("pulumi", [...args, "--non-interactive"], {
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
      if (code !== 0) reject(new Error(`pulumi ${args.join(" ")} exited ${code}:\n${output}`));
      else resolve({ seconds, peakMiB: peak / 1024 });
    });
  });
}

async function main(): Promise<void> {
  const env = new LiveEnv();
  try {
    env.start();
    const rows: string[][] = [];
    for (const [i, from] of STACKS.entries()) {
      // dev-* keeps dummy login allowed for the dev class.
      const stack = `${from}-bench`;
      env.writeStack(stack, from, (c) => {
        if (c.hostname !== undefined) c.tls = { secretName: "proxy-public-tls" };
        if (c.nodePort !== undefined) c.nodePort = 30090 + i;
      });
      env.initStack(stack);
      const preview = await measure(env, ["preview", "--stack", stack]);
      const create = await measure(env, ["up", "--yes", "--skip-preview", "--stack", stack]);
      const state = JSON.parse(env.ok("pulumi", ["stack", "export", "--stack", stack], undefined, env.project));
      const objects = (state.deployment.resources as any[]).filter((r) => r.type.startsWith("kubernetes:")).length;
      const noop = await measure(env, ["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", stack]);
      const destroy = await measure(env, ["destroy", "--yes", "--skip-preview", "--stack", stack]);
      const peak = Math.max(preview.peakMiB, create.peakMiB, noop.peakMiB, destroy.peakMiB);
      rows.push([
        from,
        ...[preview, create, noop, destroy].map((m) => `${m.seconds.toFixed(1)} s`),
        String(objects),
        `${peak.toFixed(0)} MiB`,
      ]);
    }
    const header = ["stack", "preview", "up (create)", "up (no-op)", "destroy", "k8s objects", "peak RSS"];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    for (const row of [header, ...rows]) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  "));
  } finally {
    env.stop();
  }
}

main().catch((e: Error) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
