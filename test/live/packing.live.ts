// The packing scheduler (classhub:class.packing.scheduler) on the local node (tools/node), with the real hub, proxy,
// KubeSpawner and kube-scheduler: the class's scheduler starts under Pod Security "restricted" and the class quota,
// takes its Lease, and a student's server names it, is placed by it (the pod's Scheduled event says so) and runs.
// One node cannot show packing itself (every pod lands on the one node whatever the score); the scoring is checked
// in test/scheduling. A destroy removes the cluster-wide bindings.
// Run with: node --import tsx --test --test-reporter=spec test/live/packing.live.ts
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LiveEnv } from "../../tools/harness/liveenv";
import { waitFor } from "../support/wait";
import { Browser } from "./browser";
import { type ClassStack, Live } from "./support";

let env: LiveEnv;
let live: Live;
const run = Date.now().toString(36).slice(-5);
const CLASS = "pack";
const NODE_PORT = 30161;
const ours = (ns: string) => new RegExp(`^${CLASS}[0-9a-z]{5}-dev$`).test(ns);
let stack: ClassStack | undefined;

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
  const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
  await live.removeNamespaces(existing.filter(ours));
});

after(async () => {
  if (live !== undefined && stack !== undefined) {
    await stack.destroy();
    await live.removeNamespaces([stack.ns]);
  }
  env?.stop();
});

/** The ClusterRoleBindings of a class, by the instance label every classhub object carries. */
async function clusterBindings(ns: string): Promise<any[]> {
  return (await live.json("get", "clusterrolebindings", "-l", `app.kubernetes.io/instance=${ns}`)).items;
}

describe("the packing scheduler on the local node", () => {
  it("places a student's server and runs it; destroy removes its cluster-wide bindings", async (t) => {
    stack = await live.classStack(`${CLASS}${run}`, NODE_PORT, (c) => {
      c.packing = { scheduler: true, image: env.images.SCHEDULER_IMAGE };
      c.spawn = { startTimeoutSeconds: 120 };
    });
    await stack.deploy();
    const ns = stack.ns;
    const scheduler = `${ns}-user-scheduler`;

    await t.test("the scheduler runs restricted, holds its Lease and is bound to the two scheduler roles", async () => {
      const [pod] = (await live.json("get", "pods", "-n", ns, "-l", "app.kubernetes.io/component=user-scheduler"))
        .items;
      assert.equal(pod.status.phase, "Running");
      assert.equal(pod.spec.containers[0].image, env.images.SCHEDULER_IMAGE);
      assert.equal(pod.spec.securityContext.runAsUser, 65534);
      const lease = await waitFor(
        async () => {
          const l = await live.json("get", "lease", "user-scheduler", "-n", ns).catch(() => undefined);
          return l?.spec.holderIdentity ? l : undefined;
        },
        60_000,
        "the scheduler's Lease to have a holder",
        1000,
      );
      assert.match(lease.spec.holderIdentity, new RegExp(`^${pod.metadata.name}_`));
      const bindings = await clusterBindings(ns);
      assert.deepEqual(bindings.map((b) => b.roleRef.name).sort(), [
        "system:kube-scheduler",
        "system:volume-scheduler",
      ]);
      for (const b of bindings)
        assert.deepEqual(b.subjects, [{ kind: "ServiceAccount", name: "user-scheduler", namespace: ns }]);
    });

    await t.test("a student's server names the class's scheduler, is scheduled by it and runs", async () => {
      const student = new Browser(live, `http://127.0.0.1:${NODE_PORT}`, `pack-${run}`);
      assert.equal((await student.logIn("student1")).status, 200);
      const r = await student.api("POST", "/users/student1/server");
      assert.ok([201, 202].includes(r.status), `spawn: ${r.status} ${r.body}`);
      const running = await waitFor(
        async () => {
          const p = await live.json("get", "pod", "jupyter-student1", "-n", ns).catch(() => undefined);
          return p?.status.phase === "Running" ? p : undefined;
        },
        180_000,
        "student1's server running",
        1000,
      );
      assert.equal(running.spec.schedulerName, scheduler);
      const events = (
        await live.json(
          "get",
          "events",
          "-n",
          ns,
          "--field-selector",
          "involvedObject.kind=Pod,involvedObject.name=jupyter-student1,reason=Scheduled",
        )
      ).items as any[];
      assert.equal(events.length, 1, JSON.stringify(events));
      assert.equal(events[0].reportingComponent, scheduler);
      assert.match(events[0].message, new RegExp(`Successfully assigned ${ns}/jupyter-student1 to `));
      // It answers through the proxy: its first page sends the browser through the hub's OAuth, as a browser goes.
      await waitFor(
        async () => {
          const page = await student.get("/user/student1/lab");
          return page.status === 200 && new URL(page.url).pathname === "/user/student1/lab";
        },
        60_000,
        "student1's server behind the proxy",
        1000,
      );
      const status = await student.get("/user/student1/api/status");
      assert.equal(status.status, 200);
      assert.ok("started" in JSON.parse(status.body), status.body);
    });

    await t.test("destroy removes the cluster-wide bindings", async () => {
      const r = await stack!.destroy();
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(await clusterBindings(ns), []);
    });
  });
});
