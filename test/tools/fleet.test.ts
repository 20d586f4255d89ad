// `npm run fleet`: which stacks a run covers, what its summary says, its exit code, and the whole command against
// a backend where no stack exists yet (no cluster needed). Deploying a fleet is test/live/fleet.live.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ToolError } from "../../tools/classes/cli";
import { inPool, problemOf } from "../../tools/fleet/run";
import { parsePatterns, projectStacks, selectStacks } from "../../tools/fleet/stacks";
import { exitCode, type StackResult, summaryRows } from "../../tools/fleet/summary";
import { project, ROOT } from "./fixtures/project";

const CLASSES = ["data8-fa26", "dev", "ds100-sp27", "gpu-seminar-fa26", "stat20-sp27"];
const stacks = projectStacks(project());

function refusal(f: () => unknown): ToolError {
  try {
    f();
  } catch (e) {
    if (e instanceof ToolError) return e;
    throw e;
  }
  assert.fail("expected a ToolError");
}

describe("fleet stacks", () => {
  it("finds every stack file and tells class stacks from cluster-only ones", () => {
    assert.deepEqual(
      stacks.filter((s) => s.isClass).map((s) => s.name),
      CLASSES,
    );
    assert.deepEqual(
      stacks.filter((s) => !s.isClass).map((s) => s.name),
      ["platform"],
    );
  });

  it("runs every class stack by default and says why the cluster-only one is skipped", () => {
    assert.deepEqual(selectStacks(stacks), {
      run: CLASSES,
      skipped: [{ stack: "platform", why: "cluster-only stack; name it in --stacks to include it" }],
    });
  });

  it("selects by globs, keeping braces together", () => {
    assert.deepEqual(parsePatterns("{data8,stat20}-*, dev"), ["{data8,stat20}-*", "dev"]);
    assert.deepEqual(selectStacks(stacks, parsePatterns("{data8,stat20}-*,dev")).run, [
      "data8-fa26",
      "dev",
      "stat20-sp27",
    ]);
    assert.deepEqual(selectStacks(stacks, ["*-fa26"]).run, ["data8-fa26", "gpu-seminar-fa26"]);
  });

  it("runs a cluster-only stack only when it is named exactly", () => {
    assert.deepEqual(selectStacks(stacks, ["platform", "dev"]), { run: ["dev", "platform"], skipped: [] });
    const e = refusal(() => selectStacks(stacks, ["p*"]));
    assert.equal(e.message, "--stacks p*: matches only cluster-only stacks (platform); name one exactly to run it");
    assert.equal(e.exitCode, 2);
  });

  it("refuses a pattern that matches no stack, naming the stacks there are", () => {
    const e = refusal(() => selectStacks(stacks, ["dev", "data9-*"]));
    assert.equal(
      e.message,
      "--stacks data9-*: matches no stack; stacks here: data8-fa26, dev, ds100-sp27, gpu-seminar-fa26, platform, " +
        "stat20-sp27",
    );
    assert.equal(
      refusal(() => parsePatterns("dev,,x")).message,
      '--stacks "dev,,x": expected stack names or globs, comma-separated',
    );
  });
});

const result = (stack: string, r: Partial<StackResult>): StackResult => ({
  stack,
  outcome: "succeeded",
  seconds: 12.34,
  log: `.fleet-logs/t/${stack}.log`,
  ...r,
});

describe("fleet summary", () => {
  const results = [
    result("data8-fa26", { changes: { create: 31 } }),
    result("dev", { changes: { same: 24 }, seconds: 125.4 }),
    result("stat20-sp27", { changes: { update: 2, replace: 1, same: 21 } }),
    result("ds100-sp27", { outcome: "failed", changes: undefined, problem: "boom" }),
    result("new-fa26", { outcome: "not initialised", problem: "no stack" }),
  ];

  it("has a row per stack: changes from the engine's counts, duration, result", () => {
    assert.deepEqual(summaryRows(results), [
      ["data8-fa26", "31 create", "12.3 s", "succeeded"],
      ["dev", "no changes (24 same)", "2 min 05 s", "succeeded"],
      ["stat20-sp27", "2 update, 1 replace (21 same)", "12.3 s", "succeeded"],
      ["ds100-sp27", "", "12.3 s", "failed"],
      ["new-fa26", "", "12.3 s", "not initialised"],
    ]);
  });

  it("exits 1 when any stack failed or is not initialised, else 0", () => {
    assert.equal(exitCode(results.slice(0, 3)), 0);
    assert.equal(exitCode(results.slice(0, 4)), 1);
    assert.equal(exitCode([...results.slice(0, 3), results[4]]), 1);
  });

  it("takes a failed stack's problem from the engine's errors and mandatory policies", () => {
    const events = [
      { diagnosticEvent: { severity: "warning", message: "a warning", color: "never" } },
      {
        diagnosticEvent: { severity: "error", message: "classhub:class.nodePort: 80 is not allowed\n", color: "never" },
      },
      {
        policyEvent: {
          enforcementLevel: "mandatory",
          message: "Expected a pinned tag",
          policyName: "disallow-latest-tag",
          policyPackName: "classhub",
        },
      },
      {
        policyEvent: { enforcementLevel: "warning", message: "advisory", policyName: "x", policyPackName: "classhub" },
      },
    ] as unknown as EngineEvent[];
    assert.equal(
      problemOf(events),
      "classhub:class.nodePort: 80 is not allowed\n  policy classhub/disallow-latest-tag: Expected a pinned tag",
    );
    assert.equal(problemOf(events.slice(0, 1)), undefined);
  });

  it("runs at most N stacks at a time, results in the order given", async () => {
    let running = 0;
    let most = 0;
    const out = await inPool([5, 1, 4, 2, 3, 1], 3, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms * 5));
      running--;
      return ms * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30, 10]);
    assert.equal(most, 3);
  });
});

describe("npm run fleet", () => {
  function fleet(args: string[], env: Record<string, string> = {}) {
    const r = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "tools/fleet/fleet.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
      env: { ...process.env, ...env },
    });
    if (r.error) throw r.error;
    return r;
  }

  it("refuses a bad command line with exit 2", () => {
    assert.equal(fleet(["destroy"]).status, 2);
    const r = fleet(["refresh", "--policy-pack", "policy"]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "--policy-pack: refresh runs no policies; use it with preview or up\n");
    assert.equal(fleet(["up", "--parallel", "0"]).status, 2);
  });
});
