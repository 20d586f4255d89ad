// The image pre-puller on the local node (tools/node): a class with a profile image of its own gets a DaemonSet whose
// pod is admitted under Pod Security "restricted" (enforced) and the namespace's quota, runs each of the class's
// images as an init container that exits 0, and is Ready on the node. The node's images are local builds, so no
// registry pull happens here; the kubelet's pull path is the same for the student's server.
// Run with: node --import tsx --test --test-reporter=spec test/live/prepull.live.ts
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LiveEnv } from "../../tools/harness/liveenv";
import { waitFor } from "../support/wait";
import { type ClassStack, Live } from "./support";

let env: LiveEnv;
let live: Live;
/** This run's suffix, in the class name. */
const run = Date.now().toString(36).slice(-5);
const CLASS = "pull";
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

describe("image pre-pull on the local node", () => {
  it("runs a restricted pod on the node that holds every image of the class", async () => {
    // The hub's image stands in for a second notebook image: a local build with coreutils' `true`.
    const profileImage = env.images.HUB_IMAGE;
    stack = await live.classStack(`${CLASS}${run}`, 30151, (c) => {
      c.prePull = { pauseImage: env.images.PAUSE_IMAGE };
      c.profiles = [
        { slug: "default", displayName: "Default", default: true },
        { slug: "other", displayName: "Other image", image: profileImage },
      ];
    });
    await stack.deploy();
    const ns = stack.ns;

    const labels = (await live.json("get", "namespace", ns)).metadata.labels;
    assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
    // the API server enforces it: a pod with the defaults kubectl gives is refused
    const probe = await live.run("kubectl", [
      "run",
      "probe",
      "-n",
      ns,
      `--image=${env.images.PAUSE_IMAGE}`,
      "--dry-run=server",
    ]);
    assert.notEqual(probe.status, 0);
    assert.match(probe.stderr, /violates PodSecurity "restricted:latest"/);

    const nodes = ((await live.json("get", "nodes")).items as any[]).map((n) => n.metadata.name as string);
    const selector = "app.kubernetes.io/component=image-puller";
    const set = await waitFor(
      async () => {
        const [s] = (await live.json("get", "daemonsets", "-n", ns, "-l", selector)).items as any[];
        if (s?.status.numberReady === nodes.length) return s;
        // why not, for the timeout's message: e.g. the admission's refusal
        const events = (await live.json("get", "events", "-n", ns, "--field-selector", "involvedObject.kind=DaemonSet"))
          .items as any[];
        throw new Error(`${s?.status.numberReady} of ${nodes.length} ready; ${events.at(-1)?.message ?? "no event"}`);
      },
      120_000,
      "the pre-puller ready on every node",
      1000,
    );
    assert.equal(set.status.desiredNumberScheduled, nodes.length);

    const [pod] = (await live.json("get", "pods", "-n", ns, "-l", selector)).items as any[];
    assert.ok(nodes.includes(pod.spec.nodeName));
    assert.equal(pod.status.conditions.find((c: any) => c.type === "Ready").status, "True");
    assert.deepEqual(
      pod.spec.initContainers.map((c: any) => c.image),
      [env.images.STUDENT_IMAGE, profileImage],
    );
    assert.deepEqual(
      pod.status.initContainerStatuses.map((s: any) => [s.image, s.state.terminated?.exitCode]),
      [
        [env.images.STUDENT_IMAGE, 0],
        [profileImage, 0],
      ],
    );
    assert.equal(pod.spec.containers[0].image, env.images.PAUSE_IMAGE);
    assert.equal(pod.status.containerStatuses[0].state.running !== undefined, true);
    // no token in the pod: nothing mounts the service account
    assert.deepEqual(pod.spec.containers[0].volumeMounts ?? [], [], "the pause container mounts nothing");
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
  });
});
