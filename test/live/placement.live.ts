// Where servers run, what students choose, and named servers, on the local node (tools/node) with the real hub,
// proxy and KubeSpawner: a profile whose node selector the node has starts and shows its choice, command and working
// directory in the running pod; one whose selector no node has stays Pending with the scheduler's reason; a student
// starts two named servers and is refused a third.
// Run with: node --import tsx --test --test-reporter=spec test/live/placement.live.ts
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LiveEnv } from "../../tools/harness/liveenv";
import { waitFor } from "../support/wait";
import { Browser, type Response } from "./browser";
import { type ClassStack, Live } from "./support";

let env: LiveEnv;
let live: Live;
/** This run's suffix: class names, the node label's value. */
const run = Date.now().toString(36).slice(-5);
const NODE_LABEL = "classhub.test/placement";
const CLASS = "place";
const ours = (ns: string) => new RegExp(`^${CLASS}[0-9a-z]{5}-dev$`).test(ns);
let stack: ClassStack | undefined;
let node: string;

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
  const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
  await live.removeNamespaces(existing.filter(ours));
  node = ((await live.json("get", "nodes")).items as any[])[0].metadata.name;
  await live.kubectl("label", "node", node, `${NODE_LABEL}=${run}`, "--overwrite");
});

after(async () => {
  if (live !== undefined) {
    await live.kubectl("label", "node", node, `${NODE_LABEL}-`).catch(() => undefined);
    if (stack !== undefined) {
      await stack.destroy();
      await live.removeNamespaces([stack.ns]);
    }
  }
  env?.stop();
});

/** Starts a server (`name` for a named one) with the profile and choices the form would post, as JSON. */
function start(browser: Browser, user: string, options: Record<string, string>, name = ""): Promise<Response> {
  return browser.request(`/hub/api/users/${user}/${name === "" ? "server" : `servers/${name}`}`, [
    "-X",
    "POST",
    "-H",
    `X-XSRFToken: ${browser.xsrf()}`,
    "-H",
    "Content-Type: application/json",
    "--data",
    JSON.stringify(options),
  ]);
}

async function pod(ns: string, name: string): Promise<any> {
  return live.json("get", "pod", name, "-n", ns);
}

describe("placement, choices and named servers on the local node", () => {
  it("runs each server where its profile places it, with its choice, and caps named servers", async (t) => {
    const nodePort = 30131;
    stack = await live.classStack(`${CLASS}${run}`, nodePort, (c) => {
      c.spawn = { startTimeoutSeconds: 120 };
      c.namedServers = { enabled: true, limitPerStudent: 2 };
      c.profiles = [
        {
          slug: "here",
          displayName: "On this node",
          default: true,
          workingDir: "/tmp",
          cmd: ["jupyterhub-singleuser"],
          args: ["--ServerApp.terminals_enabled=False"],
          placement: { nodeSelector: { [NODE_LABEL]: run } },
          options: [
            {
              name: "size",
              displayName: "Size",
              choices: [
                { slug: "small", displayName: "Small", default: true },
                {
                  slug: "roomy",
                  displayName: "Roomy",
                  image: env.images.STUDENT_IMAGE,
                  resources: { memoryLimit: "768Mi" },
                  environment: { SIZE: "roomy" },
                },
              ],
            },
          ],
        },
        {
          slug: "nowhere",
          displayName: "On a node that does not exist",
          placement: { nodeSelector: { [NODE_LABEL]: "absent" } },
        },
      ];
    });
    await stack.deploy();
    const ns = stack.ns;
    const base = `http://127.0.0.1:${nodePort}`;

    await t.test("a profile whose selector the node has starts, with its choice, command and working dir", async () => {
      const student = new Browser(live, base, `place-1-${run}`);
      assert.equal((await student.logIn("student1")).status, 200);
      const r = await start(student, "student1", { profile: "here", size: "roomy" });
      assert.ok([201, 202].includes(r.status), `spawn: ${r.status} ${r.body}`);
      const running = await waitFor(
        async () => {
          const p = await pod(ns, "jupyter-student1").catch(() => undefined);
          return p?.status.phase === "Running" ? p : undefined;
        },
        180_000,
        "student1's server running",
        1000,
      );
      assert.equal(running.spec.nodeName, node);
      assert.equal(running.spec.nodeSelector[NODE_LABEL], run);
      const c = running.spec.containers[0];
      assert.equal(c.image, env.images.STUDENT_IMAGE);
      assert.equal(c.resources.limits.memory, String(768 * 2 ** 20));
      assert.deepEqual(c.args, ["jupyterhub-singleuser", "--ServerApp.terminals_enabled=False"]);
      assert.equal(c.workingDir, "/tmp");
      assert.equal(c.env.find((e: any) => e.name === "SIZE")?.value, "roomy");
      // the process itself: its working directory and command line
      const proc = await live.kubectl(
        "exec",
        "-n",
        ns,
        "jupyter-student1",
        "--",
        "sh",
        "-c",
        "pwd; cat /proc/1/cmdline /proc/*/cmdline 2>/dev/null | tr '\\0' ' '",
      );
      assert.match(proc, /^\/tmp\n/);
      assert.match(proc, /jupyterhub-singleuser --ServerApp.terminals_enabled=False/);
    });

    await t.test("a profile whose selector no node has stays Pending with the scheduler's reason", async () => {
      const student = new Browser(live, base, `place-2-${run}`);
      assert.equal((await student.logIn("student2")).status, 200);
      const r = await start(student, "student2", { profile: "nowhere" });
      assert.ok([201, 202].includes(r.status), `spawn: ${r.status} ${r.body}`);
      const pending = await waitFor(
        async () => {
          const p = await pod(ns, "jupyter-student2").catch(() => undefined);
          const scheduled = p?.status.conditions?.find((c: any) => c.type === "PodScheduled");
          return scheduled?.status === "False" ? p : undefined;
        },
        60_000,
        "student2's server unschedulable",
        1000,
      );
      assert.equal(pending.status.phase, "Pending");
      const scheduled = pending.status.conditions.find((c: any) => c.type === "PodScheduled");
      assert.equal(scheduled.reason, "Unschedulable");
      assert.match(scheduled.message, /didn't match Pod's node affinity\/selector/);
      const stop = await student.api("DELETE", "/users/student2/server");
      assert.ok([202, 204].includes(stop.status), `stop: ${stop.status} ${stop.body}`);
    });

    await t.test("a student starts two named servers, each with its own home, and is refused a third", async () => {
      const student = new Browser(live, base, `place-3-${run}`);
      assert.equal((await student.logIn("student3")).status, 200);
      for (const name of ["one", "two"]) {
        const r = await start(student, "student3", { profile: "here" }, name);
        assert.ok([201, 202].includes(r.status), `spawn ${name}: ${r.status} ${r.body}`);
      }
      const third = await start(student, "student3", { profile: "here" }, "three");
      assert.equal(third.status, 400, third.body);
      assert.match(third.body, /already has the maximum of 2 named servers/);
      for (const name of ["one", "two"]) {
        const running = await waitFor(
          async () => {
            const p = await pod(ns, `jupyter-student3--${name}`).catch(() => undefined);
            return p?.status.phase === "Running" ? p : undefined;
          },
          180_000,
          `student3's server ${name} running`,
          1000,
        );
        const volume = running.spec.volumes.find((v: any) => v.name === "home");
        assert.equal(volume.persistentVolumeClaim.claimName, `claim-student3--${name}`);
      }
      assert.ok(!(await live.names("pods", ns)).includes("jupyter-student3--three"));
    });
  });
});
