// npm run check and npm run status against a dev class on the local node (tools/node), with the real hub, proxy
// and KubeSpawner: the tools find the stack through the Automation API in this environment's own backend.
// A healthy class passes the check and keeps nothing of it; a class whose student image cannot be pulled fails it
// at the step that waits for the server, and still keeps nothing. Status shows a student's running server and how
// much of their home is used: kubelet's figure while the server runs, du's in a Job (--measure) once it stopped.
// Run with: node --import tsx --test --test-reporter=spec test/live/tools.live.ts
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LiveEnv, type Result, ROOT } from "../../tools/harness/liveenv";
import { CHECK_USER } from "../../tools/classes/check";
import { Browser } from "./browser";
import { type ClassStack, Live } from "./support";
import { waitFor } from "../support/wait";

let env: LiveEnv;
let live: Live;
const run = Date.now().toString(36).slice(-5);
const NODE_PORT = 30181;
const BASE = `http://127.0.0.1:${NODE_PORT}`;
let stack: ClassStack | undefined;
/** student1's home: a 1 GiB tmpfs of this machine, which is the node, mounted here for the test. */
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-status-home-"));
const HOME_VOLUME = `classhub-live-status-${run}`;
/** What student1 keeps in their home: a file of known size, in whole pages, which tmpfs counts exactly. */
const BIG = 256 * 1024;

/**
 * student1's home claim, bound before KubeSpawner makes it to a local volume on a filesystem of its own: the node's
 * local-path volumes are hostPath, which kubelet does not measure, and a local volume on the machine's disk would
 * give the whole disk's figure, which status rightly refuses. A 1 GiB tmpfs is a filesystem of the claim's size,
 * as a cloud disk is.
 */
async function measurableHome(ns: string): Promise<void> {
  await live.ok("mount", ["-t", "tmpfs", "-o", "size=1g,uid=1000,gid=100,mode=0775", "tmpfs", HOME]);
  fs.writeFileSync(path.join(HOME, "big.bin"), Buffer.alloc(BIG, 7));
  fs.chownSync(path.join(HOME, "big.bin"), 1000, 100);
  await live.localVolume(HOME_VOLUME, HOME, {
    // the class KubeSpawner's claim gets: the cluster's default
    storageClassName: "local-path",
    claimRef: { namespace: ns, name: "claim-student1" },
  });
}

/** A tool as staff run it (`npm run <tool> -- <stack>`), in this environment, on the project copy. */
function tool(name: "check" | "status", ...args: string[]): Promise<Result> {
  return live.run(
    process.execPath,
    ["--import", "tsx", `tools/classes/${name}.ts`, stack!.name, "--dir", env.project, ...args],
    ROOT,
    600_000,
  );
}

/** What the check leaves behind in the hub and the namespace: nothing, after every run. */
async function leftovers(ns: string): Promise<string[]> {
  const mine = (items: any[]) =>
    items
      .filter((o) => o.metadata.annotations?.["hub.jupyter.org/username"] === CHECK_USER)
      .map((o) => o.metadata.name);
  const token = Buffer.from((await live.json("get", "secret", "hub", "-n", ns)).data["check-token"], "base64");
  const user = await fetch(`${BASE}/hub/api/users/${CHECK_USER}`, { headers: { Authorization: `token ${token}` } });
  return [
    ...(user.status === 404 ? [] : [`user ${CHECK_USER} (${user.status})`]),
    ...mine((await live.json("get", "pods", "-n", ns)).items).map((n) => `pod ${n}`),
    ...mine((await live.json("get", "pvc", "-n", ns)).items).map((n) => `pvc ${n}`),
  ];
}

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
  const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
  await live.removeNamespaces(existing.filter((ns) => /^tools[0-9a-z]{5}-dev$/.test(ns)));
});

after(async () => {
  if (stack !== undefined) await stack.destroy();
  // lazily: a pod left by a failed run may hold it still; then removeNamespaces deletes the volume and the folder
  await live.run("umount", ["-l", HOME]);
  if (stack !== undefined) await live.removeNamespaces([stack.ns]);
  await live.kubectl("delete", "pv", HOME_VOLUME, "--ignore-not-found");
  fs.rmSync(HOME, { recursive: true, force: true });
  env?.stop();
});

describe("npm run check and npm run status on the local node", { timeout: 1_800_000 }, () => {
  it("a healthy class passes the check, step by step, and keeps nothing of it", async (t) => {
    stack = await live.classStack(`tools${run}`, NODE_PORT);
    await stack.deploy();
    const r = await tool("check");
    t.diagnostic(r.stdout);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const steps = r.stdout.split("\n").filter((l) => /^(ok|FAIL) /.test(l));
    assert.deepEqual(
      steps.map((l) => l.replace(/^(ok|FAIL)\s+[\d.]+ s {2}/, "$1 ").replace(/: .*/, "")),
      [
        "ok read the service token",
        "ok reach the hub",
        `ok create user ${CHECK_USER}`,
        "ok start its server",
        "ok wait for the server",
        "ok start a kernel",
        "ok run print(6*7)",
        "ok stop the server",
        `ok delete user ${CHECK_USER}`,
        "ok delete its home claim",
      ],
      r.stdout,
    );
    assert.match(r.stdout, /run print\(6\*7\): printed 42/);
    assert.match(r.stdout, /delete its home claim: claim-classhub-check-user/);
    assert.deepEqual(await leftovers(stack.ns), []);
  });

  it("status shows a student's running server, their activity and their home's use", async (t) => {
    await measurableHome(stack!.ns);
    const student = new Browser(live, BASE, `tools-${run}`);
    assert.equal((await student.logIn("student1")).status, 200);
    const spawn = await student.api("POST", "/users/student1/server");
    assert.ok([201, 202, 400].includes(spawn.status), `spawn: ${spawn.status} ${spawn.body}`);
    // the server's first page sends the browser through the hub's OAuth; then the server answers it itself
    await waitFor(
      async () => {
        const page = await student.get("/user/student1/lab");
        return page.status === 200 && new URL(page.url).pathname === "/user/student1/lab";
      },
      180_000,
      "student1's server behind the proxy",
      1000,
    );
    const home = (s: any) => s.storage.homes.find((h: any) => h.user === "student1");
    // kubelet measures a pod's volumes once it runs, then every minute or so
    let status: any;
    await waitFor(
      async () => {
        const r = await tool("status", "--json");
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        status = JSON.parse(r.stdout);
        return home(status)?.used.from === "kubelet";
      },
      240_000,
      "kubelet's figure for student1's home",
      5000,
    );
    assert.ok(status.active.now.includes("student1"), JSON.stringify(status));
    assert.ok(status.active.lastDay.includes("student1"), JSON.stringify(status));
    const server = status.servers.find((s: any) => s.user === "student1");
    assert.ok(server?.ready === true && server.ageSeconds >= 0, JSON.stringify(status));
    assert.equal(home(status).capacity, "1Gi");
    assert.ok(home(status).used.bytes >= BIG, JSON.stringify(home(status)));
    assert.doesNotMatch(status.storage.note, /could not be read/);
    const table = await tool("status");
    t.diagnostic(table.stdout);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /│ student1 +│ claim-student1 +│ 1Gi +│ \d[\d.]* KiB +│ kubelet │/);

    const stop = await student.api("DELETE", "/users/student1/server");
    assert.ok([202, 204].includes(stop.status), `stop: ${stop.status} ${stop.body}`);
    await waitFor(
      async () => !(await live.names("pods", stack!.ns)).includes("jupyter-student1"),
      120_000,
      "student1's pod gone",
    );
    const measured = await tool("status", "--json", "--measure", "--image", env.images.HELPER_IMAGE);
    t.diagnostic(measured.stderr);
    assert.equal(measured.status, 0, `${measured.stdout}\n${measured.stderr}`);
    assert.match(measured.stderr, /^status-du-[\d-]+: used student1$/m);
    const used = home(JSON.parse(measured.stdout)).used;
    assert.equal(used.from, "du", JSON.stringify(used));
    assert.ok(used.bytes >= BIG, JSON.stringify(used));
    assert.deepEqual(await live.names("jobs", stack!.ns), [], "the measuring Job is deleted");
  });

  it("a class whose student image cannot be pulled fails at the server's start, and keeps nothing", async (t) => {
    stack!.write((cls) => (cls.image = "localhost/classhub/no-such-image:0.0.0"));
    await stack!.deploy();
    const r = await tool("check", "--timeout", "45");
    t.diagnostic(r.stdout + r.stderr);
    assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^FAIL\s+[\d.]+ s {2}wait for the server: .*(ErrImagePull|ImagePullBackOff)/m);
    assert.match(r.stdout, /^FAILED at "wait for the server"/m);
    assert.match(r.stderr, /unhealthy/);
    for (const cleanup of ["stop the server", `delete user ${CHECK_USER}`, "delete its home claim"]) {
      assert.match(r.stdout, new RegExp(`^ok\\s+[\\d.]+ s  ${cleanup.replace(/[()*]/g, "\\$&")}`, "m"));
    }
    assert.deepEqual(await leftovers(stack!.ns), []);
  });
});
