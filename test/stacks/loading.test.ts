// What code a stack's run loads: @pulumi/gcp only where the stack creates GCP resources. Each run is a process of its
// own, since Node.js keeps every module it loaded for the rest of the process.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";

const ROOT = path.resolve(__dirname, "../..");
const GCP = `${path.sep}node_modules${path.sep}@pulumi${path.sep}gcp${path.sep}`;

/** Runs the program under mocks as `stack` and returns the @pulumi/gcp files it loaded, relative to the package. */
async function gcpFilesLoaded(stack: string, overrides: Record<string, unknown> = {}): Promise<string[]> {
  const script = `
    const { runStack } = require("./tools/harness/mockrun");
    runStack(process.argv[1], JSON.parse(process.argv[2])).then(() => {
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));
    });`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "-e", script, stack, JSON.stringify(overrides)],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  const files: string[] = JSON.parse(stdout);
  return files.filter((f) => f.includes(GCP)).map((f) => f.slice(f.indexOf(GCP) + GCP.length).replaceAll("\\", "/"));
}

// Concurrently: each test waits for a process of its own.
describe("loading @pulumi/gcp", { concurrency: true }, () => {
  it("a class on an ambient cluster loads none of it", async () => {
    assert.deepEqual(await gcpFilesLoaded("dev"), []);
  });

  it("a class on a cluster stack loads none of it without a hostname", async () => {
    const onClusterStack = { cluster: { source: "stack", stack: "ucb/classhub/platform" } };
    assert.deepEqual(await gcpFilesLoaded("dev", onClusterStack), []);
  });

  it("a class with a hostname on a cluster stack loads only the module of its reserved address", async () => {
    const loaded = await gcpFilesLoaded("data8-fa26");
    assert.ok(loaded.includes("compute/address.js"), loaded.join(", "));
    assert.ok(!loaded.includes("index.js"), loaded.join(", "));
  });

  it("a stack that creates its GKE cluster loads the package", async () => {
    assert.ok((await gcpFilesLoaded("gpu-seminar-fa26")).includes("index.js"));
  });
});
