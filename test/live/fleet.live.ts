// `npm run fleet` on the local node (tools/node): a fleet of small dev classes, created with --init and deployed
// by `fleet up`, then `fleet preview` finds nothing to change; a stack with a bad value fails on its own, names
// the key, and makes the run exit 1. Also: without --init, a stack missing from the backend is reported, not made.
// Run: node --import tsx --test --test-reporter=spec test/live/fleet.live.ts
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LiveEnv, ROOT } from "../../tools/harness/liveenv";
import { Live } from "./support";

let env: LiveEnv;
let live: Live;
const run = Date.now().toString(36).slice(-5);
/** Three classes, each with its own namespace `<class>-dev` and node port. */
const CLASSES = ["a", "b", "c"].map((x, i) => ({ name: `fleet${run}${x}`, nodePort: 30171 + i }));
const STACKS = CLASSES.map((c) => `dev-${c.name}`);
const BROKEN = `dev-fleet${run}x`;
const LOGS = () => path.join(env.dir, "logs");

/** The class's hub and proxy at their smallest, so a few classes fit beside other tests' pods on the node. */
function small(cls: any) {
  cls.hub = { ...cls.hub, resources: { cpuGuarantee: 0.02, memoryGuarantee: "128Mi" } };
  cls.proxy = { ...cls.proxy, resources: { cpuGuarantee: 0.02, memoryGuarantee: "32Mi" } };
}

function fleet(...args: string[]) {
  return live.run(
    path.join(ROOT, "node_modules/.bin/tsx"),
    [path.join(ROOT, "tools/fleet/fleet.ts"), ...args],
    env.project,
    1_200_000,
  );
}

/** The summary table's rows by stack: [changes, result]. */
function rows(stdout: string): Record<string, [string, string]> {
  return Object.fromEntries(
    [...stdout.matchAll(/^│ (\S+) +│ ([^│]*?) *│ [^│]+│ ([^│]+?) *│$/gm)]
      .filter((m) => m[1] !== "stack")
      .map((m) => [m[1], [m[2], m[3]]]),
  );
}

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
  const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
  await live.removeNamespaces(existing.filter((ns) => /^fleet[0-9a-z]{5}[a-z]-dev$/.test(ns)));
  CLASSES.forEach((c) =>
    env.writeStack(`dev-${c.name}`, "dev", (cls) => {
      cls.name = c.name;
      cls.nodePort = c.nodePort;
      small(cls);
    }),
  );
});

after(async () => {
  await Promise.all(STACKS.map((s) => live.pulumi("destroy", "--yes", "--skip-preview", "--stack", s)));
  await live.removeNamespaces(CLASSES.map((c) => `${c.name}-dev`));
  env.stop();
});

describe("fleet on the local node", { timeout: 1_800_000 }, () => {
  it("reports stacks missing from the backend, and creates none without --init", async () => {
    const logs = LOGS();
    const r = await fleet("preview", "--log-dir", logs);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(rows(r.stdout), Object.fromEntries(STACKS.map((s) => [s, ["", "not initialised"]])));
    assert.match(r.stdout, /: not initialised: no stack \S+ in this backend; create it with `pulumi stack init /);
    // a log per stack, even for one that never ran
    assert.deepEqual(fs.readdirSync(logs).sort(), STACKS.map((s) => `${s}.log`).sort());
    assert.equal((await live.pulumi("stack", "ls", "--json")).stdout.trim(), "[]");
  });

  it("fleet up --init creates and deploys every class, each hub ready in its namespace", async () => {
    const r = await fleet("up", "--init", "--parallel", "3", "--log-dir", LOGS());
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const table = rows(r.stdout);
    assert.deepEqual(Object.keys(table).sort(), STACKS);
    for (const s of STACKS) {
      assert.match(table[s][0], /^\d+ create$/);
      assert.equal(table[s][1], "succeeded");
      assert.match(fs.readFileSync(path.join(LOGS(), `${s}.log`), "utf8"), /Resources:\n\s+\+ \d+ created/);
    }
    for (const c of CLASSES) {
      const hub = await live.json("get", "deployment", "hub", "-n", `${c.name}-dev`);
      assert.equal(hub.status.readyReplicas, 1);
    }
  });

  it("fleet preview then finds no changes, and a broken stack fails alone, naming its key", async () => {
    env.writeStack(BROKEN, "dev", (cls) => {
      cls.name = `fleet${run}x`;
      cls.nodePort = 80;
    });
    const r = await fleet("preview", "--init", "--log-dir", LOGS());
    assert.equal(r.status, 1, r.stderr);
    const table = rows(r.stdout);
    for (const s of STACKS) {
      assert.match(table[s][0], /^no changes \(\d+ same\)$/);
      assert.equal(table[s][1], "succeeded");
    }
    assert.deepEqual(table[BROKEN], ["", "failed"]);
    assert.ok(
      r.stdout.includes(
        `${BROKEN}: failed: Invalid stack config (1 problem):\n  - classhub:class.nodePort = 80: expected at least 30000\n`,
      ),
      r.stdout,
    );
  });
});
