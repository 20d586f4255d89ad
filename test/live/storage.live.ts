// Shared homes on the local node, under the real hub, proxy and KubeSpawner. The node's kernel has no NFS client,
// so the class's shared filesystem is a platform team's claim (`storage.shared.claim`) on a local PersistentVolume:
// a folder of this machine. Two students each keep a file the other cannot see, the course folder is read-only to
// students and writable to the admin, the admin sees every home, the hub made each home as uid 1000, and a switch
// back to per-student disks is refused before anything changes.
// Run with `node --import tsx --test --test-reporter=spec test/live/storage.live.ts` while the node is up.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LiveEnv } from "../../tools/harness/liveenv";
import { waitFor } from "../support/wait";
import { Browser } from "./browser";
import { type ClassStack, linesWith, Live } from "./support";

let env: LiveEnv;
let live: Live;
const run = Date.now().toString(36).slice(-5);
const NAME = `shared${run}`;
const NS = `${NAME}-dev`;
const PORT = 30131;
const CLAIM = "course-homes";
const VOLUME = `classhub-live-${NS}`;
/** The folder behind the class's volume, on this machine, which is the node. */
const FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-shared-"));
let stack: ClassStack | undefined;

/** The platform team's part: a ReadWriteMany claim in the class namespace, bound to a folder of the node. */
async function provisionClaim(): Promise<void> {
  fs.chmodSync(FOLDER, 0o755); // root's, as a fresh export would be: kubelet gives it to gid 100 (fsGroup)
  await live.kubectl("create", "namespace", NS);
  await live.localVolume(VOLUME, FOLDER, {
    accessModes: ["ReadWriteMany"],
    claimRef: { namespace: NS, name: CLAIM },
  });
  await live.kubectl(
    "apply",
    "-f",
    live.file({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: CLAIM, namespace: NS },
      spec: {
        accessModes: ["ReadWriteMany"],
        storageClassName: "",
        volumeName: VOLUME,
        resources: { requests: { storage: "1Gi" } },
      },
    }),
  );
}

async function removeAll(): Promise<void> {
  if (stack !== undefined) await stack.destroy();
  await live.removeNamespaces([NS]);
}

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
});

after(async () => {
  await removeAll();
  env?.stop();
});

/** Logs `user` in and starts their server; resolves when its pod is ready. */
async function startServer(browser: Browser, user: string): Promise<void> {
  const login = await browser.logIn(user);
  assert.equal(login.status, 200, login.body.slice(0, 500));
  const spawn = await browser.api("POST", `/users/${user}/server`);
  assert.ok([201, 202, 400].includes(spawn.status), `spawn: ${spawn.status} ${spawn.body}`);
  await waitFor(
    async () => {
      const pod = await live.json("get", "pod", `jupyter-${user}`, "-n", NS);
      return pod.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
    },
    240_000,
    `${user}'s server ready`,
    1000,
  );
}

/** A shell command in a user's server; its status and output are the caller's to check. */
function sh(user: string, command: string) {
  return live.run("kubectl", ["exec", "-n", NS, `jupyter-${user}`, "--", "sh", "-c", command]);
}

describe("shared homes on the local node: the real hub, proxy and KubeSpawner", () => {
  it("students keep apart, the course folder and the homes obey staff roles, homes are uid 1000's", async (t) => {
    await provisionClaim();
    stack = await live.classStack(NAME, PORT, (c) => {
      c.storage = { ...c.storage, shared: { claim: CLAIM }, courseFolder: {}, staffHomes: {} };
    });
    await stack.deploy();
    const base = `http://127.0.0.1:${PORT}`;
    const browsers = Object.fromEntries(
      ["student1", "student2", "instructor"].map((u) => [u, new Browser(live, base, `${NAME}-${u}`)]),
    );
    await Promise.all(["student1", "student2"].map((u) => startServer(browsers[u], u)));

    await t.test("no claim per student: the class's one claim and the hub database are all there is", async () => {
      assert.deepEqual(await live.names("pvc", NS), [CLAIM, "hub-db"].sort());
    });

    await t.test("each student writes a file in their home, and cannot see the other's", async () => {
      for (const u of ["student1", "student2"]) {
        const w = await sh(u, `echo mine-${u} > /home/jovyan/${u}.txt`);
        assert.equal(w.status, 0, w.stderr);
      }
      const one = (await sh("student1", "ls /home/jovyan")).stdout.split(/\s+/);
      const two = (await sh("student2", "ls /home/jovyan")).stdout.split(/\s+/);
      assert.ok(one.includes("student1.txt") && !one.includes("student2.txt"), one.join(" "));
      assert.ok(two.includes("student2.txt") && !two.includes("student1.txt"), two.join(" "));
      assert.equal((await sh("student1", "ls /home/jovyan/homes 2>&1")).status === 0, false, "no homes for students");
    });

    await t.test("the hub made each home as uid 1000, on this machine's folder", async () => {
      for (const u of ["student1", "student2"]) {
        const home = path.join(FOLDER, "home", u);
        assert.equal(fs.statSync(home).uid, 1000, home);
        assert.equal(fs.readFileSync(path.join(home, `${u}.txt`), "utf8"), `mine-${u}\n`);
        assert.equal(fs.statSync(path.join(home, "course")).uid, 1000, "the course mount point too");
      }
      assert.equal((await sh("student1", "stat -c %u /home/jovyan")).stdout.trim(), "1000");
    });

    await t.test("the course folder is read-only to a student and writable to the admin", async () => {
      const denied = await sh("student1", "echo x > /home/jovyan/course/answers.txt");
      assert.notEqual(denied.status, 0);
      assert.match(denied.stderr, /Read-only file system/);
      await startServer(browsers.instructor, "instructor");
      const w = await sh("instructor", "echo week1 > /home/jovyan/course/syllabus.txt");
      assert.equal(w.status, 0, w.stderr);
      assert.equal((await sh("student1", "cat /home/jovyan/course/syllabus.txt")).stdout.trim(), "week1");
    });

    await t.test("the admin sees both students' files under homes/, read-only", async () => {
      for (const u of ["student1", "student2"]) {
        assert.equal((await sh("instructor", `cat /home/jovyan/homes/${u}/${u}.txt`)).stdout.trim(), `mine-${u}`);
      }
      const write = await sh("instructor", "echo x > /home/jovyan/homes/student1/graded.txt");
      assert.notEqual(write.status, 0);
    });

    await t.test("switching the class back to per-student disks is refused before anything changes", async () => {
      const hub = await live.json("get", "deployment", "hub", "-n", NS);
      stack!.write((c) => {
        c.storage = { ...c.storage };
      });
      const r = await stack!.up();
      assert.notEqual(r.status, 0);
      const [line] = linesWith(r.stdout + r.stderr, "keeps its homes on");
      assert.equal(
        line?.replace(/^.* error: /, "error: "),
        [
          `error: classhub:class.storage.shared: this class keeps its homes on claim ${CLAIM}, and the stack file now ` +
            "says per-student disks; students would start with empty homes while their files stay behind. Nothing was " +
            "changed. To move homes, stop every server, copy each home to its new place (docs/course-staff.md, moving " +
            'homes), then set classhub:class.storage.switchedFrom to "claim course-homes"; or undo the change to ' +
            "storage.shared",
        ].join(""),
      );
      const after = await live.json("get", "deployment", "hub", "-n", NS);
      assert.equal(after.metadata.generation, hub.metadata.generation, "the hub was not touched");
      assert.equal(after.metadata.resourceVersion, hub.metadata.resourceVersion);
    });
  });
});
