// `npm run archive` on the local node, end to end, through the command itself: two students of a real class write
// files, the class is archived to a volume the platform team keeps (a folder of this machine, which is the node)
// and read back, the class is deleted as the README says (destroy, namespace, homes' volumes), deployed again, and
// one student's home is restored from the archive and read in their new server.
// Run with `node --import tsx --test --test-reporter=spec test/live/archive.live.ts` while the node is up.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LiveEnv, ROOT } from "../../tools/harness/liveenv";
import { waitFor } from "../support/wait";
import { Browser } from "./browser";
import { type ClassStack, Live } from "./support";

let env: LiveEnv;
let live: Live;
const run = Date.now().toString(36).slice(-5);
const NAME = `archive${run}`;
const PORT = 30191;
const VOLUME = `classhub-live-archive-${run}`;
/** The platform team's archive volume: a folder of this machine. */
const FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-archive-"));
let stack: ClassStack | undefined;

/** A Retain volume on this node's folder, bound to no claim: the tool lends it to the class. */
async function archiveVolume(): Promise<void> {
  fs.chmodSync(FOLDER, 0o755); // root's: kubelet gives it to the Jobs' gid (fsGroup)
  await live.localVolume(VOLUME, FOLDER, {});
}

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
});

after(async () => {
  if (stack !== undefined) await stack.destroy();
  await live.removeNamespaces([`${NAME}-dev`]);
  await live.kubectl("delete", "pv", VOLUME, "--ignore-not-found");
  fs.rmSync(FOLDER, { recursive: true, force: true });
  env?.stop();
});

/** `npm run archive -- <args>` as a platform team runs it, in the project with the stack, against its state. */
function archiveTool(...args: string[]) {
  const tool = path.join(ROOT, "tools/classes/archive.ts");
  const flags = ["--image", env.images.HELPER_IMAGE, "--timeout", "3m"];
  return live.run("node", ["--import", "tsx", tool, ...args, ...flags], env.project, 600_000);
}

async function startServer(browser: Browser, user: string, ns: string): Promise<void> {
  const login = await browser.logIn(user);
  assert.equal(login.status, 200, login.body.slice(0, 500));
  const spawn = await browser.api("POST", `/users/${user}/server`);
  assert.ok([201, 202, 400].includes(spawn.status), `spawn: ${spawn.status} ${spawn.body}`);
  await waitFor(
    async () => {
      const pod = await live.json("get", "pod", `jupyter-${user}`, "-n", ns);
      return pod.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
    },
    240_000,
    `${user}'s server ready`,
    1000,
  );
}

async function stopServer(browser: Browser, user: string, ns: string): Promise<void> {
  const r = await browser.api("DELETE", `/users/${user}/server`);
  assert.ok([202, 204].includes(r.status), `stop: ${r.status} ${r.body}`);
  await waitFor(async () => !(await live.names("pods", ns)).includes(`jupyter-${user}`), 120_000, `${user}'s pod gone`);
}

const sh = (ns: string, user: string, command: string) =>
  live.kubectl("exec", "-n", ns, `jupyter-${user}`, "--", "sh", "-c", command);

describe("end of term on the local node: archive, delete the class, restore a student", () => {
  it("archives two students' homes, verifies them, and restores one into the re-created class", async (t) => {
    await archiveVolume();
    stack = await live.classStack(NAME, PORT);
    const ns = stack.ns;
    await stack.deploy();
    const base = `http://127.0.0.1:${PORT}`;
    const browsers = Object.fromEntries(
      ["student1", "student2"].map((u) => [u, new Browser(live, base, `${NAME}-${u}`)]),
    );
    for (const u of ["student1", "student2"]) {
      await startServer(browsers[u], u, ns);
      await sh(ns, u, `mkdir -p /home/jovyan/hw && echo answer-${u} > '/home/jovyan/hw/week 1.txt'`);
      await sh(ns, u, `echo secret-${u} > /home/jovyan/.private && chmod 600 /home/jovyan/.private`);
    }

    await t.test("it refuses while servers run", async () => {
      const r = await archiveTool(stack!.name, "--to", `pv:${VOLUME}`);
      assert.equal(r.status, 1);
      assert.equal(
        r.stderr.trim(),
        `${ns}: servers are running (jupyter-student1, jupyter-student2); stop them first (the hub's admin page, ` +
          "Stop All)",
      );
    });

    let runFolder = "";
    await t.test(
      "archive: one tar.gz per student and a manifest in the volume, read back, volume given back",
      async () => {
        for (const u of ["student1", "student2"]) await stopServer(browsers[u], u, ns);
        const r = await archiveTool(stack!.name, "--to", `pv:${VOLUME}`);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(
          r.stdout,
          /2 homes archived to volume .*, folder .*-dev\/\d{8}-\d{6}\/ \(manifest\.tsv, SHA256SUMS\)/,
        );
        assert.match(r.stdout, /Every archive is verified\. Deleting the class now follows/);
        assert.match(r.stdout, new RegExp(`kubectl delete namespace ${ns}`));
        assert.match(r.stderr, /archive-\d{8}-\d{6}: archived student1/);
        const [run] = fs.readdirSync(path.join(FOLDER, ns));
        runFolder = path.join(FOLDER, ns, run);
        assert.deepEqual(fs.readdirSync(runFolder).sort(), [
          "SHA256SUMS",
          "manifest.tsv",
          "student1.tar.gz",
          "student2.tar.gz",
        ]);
        assert.equal(
          execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: runFolder, encoding: "utf8" }),
          "student1.tar.gz: OK\nstudent2.tar.gz: OK\n",
        );
        const manifest = fs.readFileSync(path.join(runFolder, "manifest.tsv"), "utf8").trim().split("\n");
        assert.deepEqual(
          manifest.slice(1).map((l) => l.split("\t").slice(0, 2)),
          [
            ["student1", "claim-student1"],
            ["student2", "claim-student2"],
          ],
        );
        const list = execFileSync("tar", ["-tzf", path.join(runFolder, "student1.tar.gz")], { encoding: "utf8" });
        assert.match(list, /^\.\/hw\/week 1\.txt$/m);
        assert.match(list, /^\.\/\.private$/m, "files only the student may read are archived too");
        const pv = await live.json("get", "pv", VOLUME);
        assert.equal(pv.spec.claimRef, undefined, "the volume is no longer lent to the class");
        assert.deepEqual(await live.names("pvc", ns), ["claim-student1", "claim-student2", "hub-db"]);
        assert.deepEqual(await live.names("jobs", ns), [], "the Jobs that held the lent claim are gone");
      },
    );

    await t.test("delete the class as the README says, deploy it again, and restore student1", async () => {
      const destroyed = await stack!.destroy();
      assert.equal(destroyed.status, 0, destroyed.stdout + destroyed.stderr);
      await live.removeNamespaces([ns]);
      const pvs = ((await live.json("get", "pv")).items as any[]).filter((pv) => pv.spec.claimRef?.namespace === ns);
      assert.deepEqual(pvs, [], "the homes' volumes are gone");
      assert.ok(fs.existsSync(path.join(runFolder, "student1.tar.gz")), "the archive stays");

      await stack!.deploy();
      const again = new Browser(live, base, `${NAME}-again`);
      await startServer(again, "student1", ns);
      assert.equal(await sh(ns, "student1", "ls /home/jovyan/hw 2>/dev/null || echo empty"), "empty\n");
      await stopServer(again, "student1", ns);

      const refused = await archiveTool("restore", stack!.name, "--from", `pv:${VOLUME}`, "--student", "student2");
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /--student student2: .* has no claim claim-student2; start their server once/);

      const r = await archiveTool("restore", stack!.name, "--from", `pv:${VOLUME}`, "--student", "student1");
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /^Restored student1's home from volume .*, .*\/student1\.tar\.gz \(sha256 [0-9a-f]{64}\)\.$/m,
      );
      await startServer(again, "student1", ns);
      assert.equal(await sh(ns, "student1", "cat '/home/jovyan/hw/week 1.txt'"), "answer-student1\n");
      assert.equal(await sh(ns, "student1", "cat /home/jovyan/.private"), "secret-student1\n");
      assert.equal(await sh(ns, "student1", "stat -c '%u %a' /home/jovyan/.private"), "1000 600\n");
      assert.equal((await live.json("get", "pv", VOLUME)).spec.claimRef, undefined);
    });
  });
});
