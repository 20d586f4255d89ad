// User placeholders on the local node (tools/node), with the real scheduler, hub, proxy and KubeSpawner: a
// placeholder holds room the size of a student's server; a student's server takes that room at once, the
// placeholder waiting Pending; each lecture CronJob's kubectl, run as its Job, changes the count under Pod Security
// "restricted" through its own RBAC and egress.
// Run with: node --import tsx --test --test-reporter=spec test/live/placeholders.live.ts
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LiveEnv } from "../../tools/harness/liveenv";
import { bytes } from "../../components/quantity";
import { waitFor } from "../support/wait";
import { Browser } from "./browser";
import { type ClassStack, Live } from "./support";

let env: LiveEnv;
let live: Live;
const run = Date.now().toString(36).slice(-5);
const CLASS = "hold";
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

/** Memory of the node no pod has asked for yet, in bytes. */
async function freeMemory(): Promise<number> {
  const [node] = (await live.json("get", "nodes")).items as any[];
  const pods = (await live.json("get", "pods", "--all-namespaces", "--field-selector", "status.phase!=Succeeded"))
    .items as any[];
  const requested = pods
    .filter((p) => p.spec.nodeName === node.metadata.name && p.status.phase !== "Failed")
    .flatMap((p) => p.spec.containers)
    .reduce((sum: number, c: any) => sum + bytes(c.resources?.requests?.memory ?? "0"), 0);
  return bytes(node.status.allocatable.memory) - requested;
}

const placeholderPods = async (ns: string) =>
  ((await live.json("get", "pods", "-n", ns, "-l", "app.kubernetes.io/component=placeholder")).items as any[]).filter(
    (p) => p.metadata.ownerReferences?.[0]?.kind === "ReplicaSet",
  );

describe("user placeholders on the local node", () => {
  it("hold a student's room, give it up to the student, and change count around a lecture", async (t) => {
    // One server's room is more than half of what is free: the node holds a placeholder or a student, not both.
    const serverMi = Math.floor((0.6 * (await freeMemory())) / 2 ** 20);
    const nodePort = 30132;
    // A lecture in twelve hours, so the schedule never fires during the test; its Jobs are run by hand.
    const lecture = new Date(Date.now() + 12 * 3600_000);
    const when = `${["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][lecture.getUTCDay()]} ${String(lecture.getUTCHours()).padStart(2, "0")}:00 UTC`;
    stack = await live.classStack(`${CLASS}${run}`, nodePort, (c) => {
      c.resources = { ...c.resources, memoryGuarantee: `${serverMi}Mi`, memoryLimit: `${serverMi}Mi` };
      c.spawn = { startTimeoutSeconds: 180 };
      c.placeholders = { ...c.placeholders, count: 1, lectures: [{ when, minutes: 60, count: 2 }] };
    });
    await stack.deploy();
    const ns = stack.ns;

    await t.test("a placeholder runs, at the size of a student's server and the lowest priority", async () => {
      const [held] = await waitFor(
        async () => {
          const pods = await placeholderPods(ns);
          return pods.some((p) => p.status.phase === "Running") ? pods : undefined;
        },
        120_000,
        "the placeholder running",
        1000,
      );
      assert.equal(held.spec.priority, -10);
      assert.equal(held.spec.containers[0].resources.requests.memory, `${serverMi}Mi`);
    });

    await t.test("a student's server takes the placeholder's room; the placeholder waits", async () => {
      const student = new Browser(live, `http://127.0.0.1:${nodePort}`, `hold-${run}`);
      assert.equal((await student.logIn("student1")).status, 200);
      const r = await student.api("POST", "/users/student1/server");
      assert.ok([201, 202].includes(r.status), `spawn: ${r.status} ${r.body}`);
      await waitFor(
        async () => {
          const p = await live.json("get", "pod", "jupyter-student1", "-n", ns).catch(() => undefined);
          return p?.status.phase === "Running" ? p : undefined;
        },
        180_000,
        "student1's server running",
        1000,
      );
      const preempted = ((await live.json("get", "events", "-n", ns)).items as any[]).filter(
        (e) => e.reason === "Preempted" && e.involvedObject.name.startsWith("user-placeholder-"),
      );
      assert.ok(preempted.length >= 1, "the scheduler evicted the placeholder for the student");
      const [waiting] = await waitFor(
        async () => {
          const pods = await placeholderPods(ns);
          const scheduled = pods[0]?.status.conditions?.find((c: any) => c.type === "PodScheduled");
          return scheduled?.status === "False" ? pods : undefined;
        },
        60_000,
        "the placeholder Pending",
        1000,
      );
      assert.equal(waiting.status.phase, "Pending");
      const stop = await student.api("DELETE", "/users/student1/server");
      assert.ok([202, 204].includes(stop.status), `stop: ${stop.status} ${stop.body}`);
    });

    await t.test("each lecture CronJob's kubectl changes the count, restricted, with its own RBAC", async () => {
      const replicas = async () => (await live.json("get", "deployment", "user-placeholder", "-n", ns)).spec.replicas;
      for (const [change, expected] of [
        ["start", 2],
        ["end", 1],
      ] as const) {
        const job = `${change}-${run}`;
        await live.kubectl("create", "job", "-n", ns, job, `--from=cronjob/placeholders-lecture-0-${change}`);
        await live.kubectl("wait", "-n", ns, `job/${job}`, "--for=condition=Complete", "--timeout=120s");
        assert.equal(await replicas(), expected);
      }
      const cron = await live.json("get", "cronjob", "placeholders-lecture-0-start", "-n", ns);
      assert.equal(cron.spec.timeZone, "UTC");
    });
  });
});
