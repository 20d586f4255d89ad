// The image pre-puller: its DaemonSet built from real classes (images, security, placement, pull policy), the room
// the namespace's quota keeps for it, and the program under mocks on every example stack, through the policy pack.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import type { ClassConfig } from "../../components/config/schema";
import { classSize, type ClusterFacts, hubSettings } from "../../components/hub/settings";
import { platformContainers } from "../../components/jupyterhub/manifests";
import { limitRange, quotaHard } from "../../components/namespace/manifests";
import { GPU_TOLERATION, toleration, USER_NODES, USER_TAINT } from "../../components/placement";
import {
  classImages,
  daemonSet,
  PREPULL_RESOURCES,
  prePullPlacement,
  prePullRoom,
} from "../../components/prepull/manifests";
import { bytes, parseCpu } from "../../components/quantity";
import { runStack, type StackRun } from "../../tools/harness/mockrun";
import { readStackFile } from "../../tools/harness/stackfile";
import { lines } from "../policy/assertions";
import { runExamples } from "../policy/fixtures";
import { validateResources } from "../policy/harness";
import { withClass } from "../support/stacks";

const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
const HIGHMEM = { key: "example.edu/highmem", operator: "Exists", effect: "NoSchedule" } as const;

const classOf = (stack: string, change: (cls: any) => void = () => undefined): ClassConfig =>
  parseConfig(withClass(stack, change)).class!;

/** dev with two profiles: one with its own image, one whose choices pick an image and a node pool by taint. */
const withChoices = () =>
  classOf("dev", (c) => {
    c.profiles = [
      { slug: "plain", displayName: "Plain", default: true },
      { slug: "r", displayName: "R", image: "quay.io/jupyter/r-notebook:2025-10-06" },
      {
        slug: "pick",
        displayName: "Pick",
        options: [
          {
            name: "image",
            displayName: "Image",
            choices: [
              // the class image again: pulled once
              { slug: "minimal", displayName: "Minimal", image: "quay.io/jupyter/minimal-notebook:2025-10-06" },
              { slug: "julia", displayName: "Julia", image: "quay.io/jupyter/julia-notebook:2025-10-06" },
            ],
          },
          {
            name: "size",
            displayName: "Size",
            choices: [
              { slug: "small", displayName: "Small" },
              { slug: "large", displayName: "Large", placement: { tolerations: [HIGHMEM] } },
            ],
          },
        ],
      },
    ];
  });

/** The DaemonSet of a class as the program builds it for a cluster. */
function built(cls: ClassConfig, facts: ClusterFacts = { userPool: false }) {
  const spawner = hubSettings(cls, facts).spawner;
  return daemonSet(cls.namespace, classImages(cls), cls.prePull.pauseImage, prePullPlacement(spawner)) as any;
}

/** A pod's share of the quota: the larger of its containers' sum and its largest init container. */
function podShare(pod: any) {
  const sum = (cs: any[], f: (r: any) => number) => cs.reduce((t, c) => t + f(c.resources), 0);
  const largest = (cs: any[], f: (r: any) => number) => Math.max(0, ...cs.map((c) => f(c.resources)));
  const share = (f: (r: any) => number) => Math.max(sum(pod.containers, f), largest(pod.initContainers, f));
  return {
    requestsCpu: share((r) => parseCpu(r.requests.cpu)),
    limitsCpu: share((r) => parseCpu(r.limits.cpu)),
    requestsMemory: share((r) => bytes(r.requests.memory)),
    limitsMemory: share((r) => bytes(r.limits.memory)),
  };
}

describe("pre-puller images", () => {
  it("are the class image and every profile's and choice's, each once", () => {
    assert.deepEqual(classImages(withChoices()), [
      "quay.io/jupyter/minimal-notebook:2025-10-06",
      "quay.io/jupyter/r-notebook:2025-10-06",
      "quay.io/jupyter/julia-notebook:2025-10-06",
    ]);
    assert.deepEqual(classImages(classOf("gpu-seminar-fa26")), [
      "quay.io/jupyter/scipy-notebook:2025-10-06",
      "quay.io/jupyter/pytorch-notebook:cuda12-2025-10-06",
    ]);
  });

  it("are each an init container that runs true, pulled as the spawner pulls, then the pinned pause image waits", () => {
    const pod = built(classOf("dev", (c) => (c.imagePullPolicy = "Always"))).spec.template.spec;
    assert.deepEqual(
      pod.initContainers.map((c: any) => [c.name, c.image, c.command, c.imagePullPolicy]),
      [["pull-0", "quay.io/jupyter/minimal-notebook:2025-10-06", ["true"], "Always"]],
    );
    assert.deepEqual(
      pod.containers.map((c: any) => [c.name, c.image, c.command]),
      [["pause", "registry.k8s.io/pause:3.10", undefined]],
    );
    const mirrored = classOf("dev", (c) => (c.prePull = { pauseImage: "mirror.example.edu/pause:3.10" }));
    assert.equal(built(mirrored).spec.template.spec.containers[0].image, "mirror.example.edu/pause:3.10");
  });
});

describe("pre-puller pods", () => {
  it("pass Pod Security restricted: non-root, no escalation, no capabilities, RuntimeDefault seccomp", () => {
    const pod = built(withChoices()).spec.template.spec;
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65535,
      runAsGroup: 65535,
      fsGroup: 65535,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      assert.deepEqual(
        c.securityContext,
        {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        },
        c.name,
      );
      assert.equal(c.ports, undefined, c.name);
      assert.equal(c.volumeMounts, undefined, c.name);
    }
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.serviceAccountName, undefined);
    assert.equal(pod.volumes, undefined);
    for (const host of ["hostNetwork", "hostPID", "hostIPC"]) assert.equal(pod[host], undefined, host);
  });

  it("replace every node's pod at once when the images change", () => {
    assert.deepEqual(built(classOf("dev")).spec.updateStrategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "100%" },
    });
  });

  it("run on GKE's user nodes only, tolerating the user pool's taint and each pool a profile or choice may use", () => {
    const seminar = built(classOf("gpu-seminar-fa26"), { userPool: true, gpuAcceleratorType: "nvidia-tesla-t4" });
    assert.deepEqual(seminar.spec.template.spec.nodeSelector, USER_NODES);
    assert.deepEqual(seminar.spec.template.spec.tolerations, [toleration(USER_TAINT), GPU_TOLERATION]);

    const pools = { highmem: { key: "classhub.io/pool", value: "highmem", effect: "NoSchedule" as const } };
    const placed = classOf("dev", (c) => {
      c.placement = { tolerations: [HIGHMEM] };
      c.profiles = [
        { slug: "a", displayName: "A", placement: { tolerations: [HIGHMEM] } },
        { slug: "b", displayName: "B", placement: { nodeSelector: { "example.edu/disk": "ssd" } } },
      ];
    });
    const pod = built(placed, { userPool: true, extraUserPools: pools }).spec.template.spec;
    // the class's selector, which every profile's and choice's adds to; each toleration once
    assert.deepEqual(pod.nodeSelector, USER_NODES);
    assert.deepEqual(pod.tolerations, [toleration(USER_TAINT), HIGHMEM]);
    assert.equal(pod.runtimeClassName, undefined);
  });

  it("tolerate a choice's taint, and run in the sandbox when the user pool is sandboxed", () => {
    const pod = built(withChoices(), { userPool: true, sandboxedUserPool: true }).spec.template.spec;
    assert.deepEqual(pod.tolerations, [toleration(USER_TAINT), HIGHMEM]);
    assert.equal(pod.runtimeClassName, "gvisor");
  });

  it("run on every node of a cluster without a user pool, as servers do", () => {
    const pod = built(classOf("dev")).spec.template.spec;
    assert.deepEqual([pod.nodeSelector, pod.tolerations], [{}, []]);
  });
});

describe("quota room for the pre-puller", () => {
  const growth = (on: Record<string, string>, off: Record<string, string>, key: string, parse: (v: string) => number) =>
    parse(on[key]) - parse(off[key]);

  for (const [label, change, nodes] of [
    ["a pod per student by default", () => undefined, 4],
    ["prePull.nodes pods when set", (c: any) => (c.prePull = { nodes: 12 }), 12],
  ] as const) {
    it(`holds ${label}, each the pod's own share, and nothing when disabled`, () => {
      const cls = classOf("dev", change);
      const off = classOf("dev", (c) => {
        change(c);
        c.prePull = { ...c.prePull, enabled: false };
      });
      assert.equal(classSize(cls), 4);
      assert.equal(prePullRoom(cls).pods, nodes);
      assert.deepEqual(prePullRoom(off), { pods: 0, containers: [] });
      const [on, none] = [cls, off].map((c) => quotaHard(c, platformContainers(c)));
      const share = podShare(built(cls).spec.template.spec);
      assert.equal(growth(on, none, "pods", Number), nodes);
      assert.equal(growth(on, none, "requests.cpu", parseCpu), nodes * share.requestsCpu);
      assert.equal(growth(on, none, "limits.cpu", parseCpu), nodes * share.limitsCpu);
      assert.equal(growth(on, none, "requests.memory", bytes), nodes * share.requestsMemory);
      assert.equal(growth(on, none, "limits.memory", bytes), nodes * share.limitsMemory);
    });
  }

  it("counts one container's share per pod, however many images the class has", () => {
    const pod = built(withChoices()).spec.template.spec;
    assert.equal(pod.initContainers.length, 3);
    assert.deepEqual(podShare(pod), {
      requestsCpu: parseCpu(PREPULL_RESOURCES.requests.cpu),
      limitsCpu: parseCpu(PREPULL_RESOURCES.limits.cpu),
      requestsMemory: bytes(PREPULL_RESOURCES.requests.memory),
      limitsMemory: bytes(PREPULL_RESOURCES.limits.memory),
    });
  });

  it("is admitted by the LimitRange, whose defaults never apply to it", () => {
    const cls = classOf("dev");
    const [limits] = (limitRange(cls.namespace, cls, platformContainers(cls)).spec as any).limits;
    assert.ok(parseCpu(limits.max.cpu) >= parseCpu(PREPULL_RESOURCES.limits.cpu));
    assert.ok(bytes(limits.max.memory) >= bytes(PREPULL_RESOURCES.limits.memory));
    const pod = built(cls).spec.template.spec;
    for (const c of [...pod.initContainers, ...pod.containers]) assert.deepEqual(c.resources, PREPULL_RESOURCES);
  });
});

describe("pre-puller in the example stacks, under mocks", () => {
  let runs: Map<string, StackRun>;
  before(async () => {
    runs = await runExamples();
  });

  it("is one DaemonSet per class stack, in the class namespace, with the class's images", () => {
    for (const [stack, run] of runs) {
      const sets = run.resources.filter((r) => r.type === DAEMON_SET);
      const cls = parseConfig(withClass(stack, () => undefined)).class;
      if (cls === undefined) {
        assert.deepEqual(sets, [], stack);
        continue;
      }
      assert.equal(sets.length, 1, stack);
      const [set] = sets;
      assert.equal(set.inputs.metadata.namespace, cls.namespace, stack);
      assert.deepEqual(
        set.inputs.spec.template.spec.initContainers.map((c: any) => c.image),
        classImages(cls),
        stack,
      );
      // `up` does not wait for the pulls
      assert.equal(set.inputs.metadata.annotations["pulumi.com/skipAwait"], "true", stack);
      assert.match(set.options.parent!, /^classhub:prepull:PrePuller::/, stack);
      // created once the namespace, its quota and its LimitRange exist
      const [component] = run.resources.filter((r) => r.type === "classhub:prepull:PrePuller");
      assert.ok(
        component.options.dependsOn.some((d) => d.startsWith("classhub:namespace:ClassNamespace::")),
        `${stack}: ${component.options.dependsOn.join(", ")}`,
      );
    }
  });

  it("selects GKE's user nodes on the stacks with classhub's node pools", () => {
    for (const stack of ["gpu-seminar-fa26", "data8-fa26"]) {
      const [set] = runs.get(stack)!.resources.filter((r) => r.type === DAEMON_SET);
      assert.deepEqual(set.inputs.spec.template.spec.nodeSelector, USER_NODES, stack);
    }
  });

  it("passes every policy of the pack on every example stack", async () => {
    const applied = new Set<string>();
    for (const [stack, run] of runs) {
      const sets = run.resources.filter((r) => r.type === DAEMON_SET);
      assert.deepEqual(lines(await validateResources(sets, { stack, applied })), [], stack);
    }
    // the pod-spec policies saw the DaemonSets, so passing is not vacuous
    for (const policy of [
      "classhub-disallow-privileged-containers",
      "classhub-require-run-as-non-root",
      "classhub-require-dropped-capabilities",
      "classhub-require-seccomp-runtime-default",
      "classhub-require-pinned-images",
      "classhub-require-resource-limits",
      "classhub-disallow-host-access",
    ])
      assert.ok(applied.has(`${policy} ${DAEMON_SET}`), policy);
  });

  it("is left out when classhub:class.prePull.enabled is false", async () => {
    const cls = JSON.parse(readStackFile("dev").config["classhub:class"]);
    const run = await runStack("dev", { class: { ...cls, prePull: { enabled: false } } });
    assert.deepEqual(
      run.resources.filter((r) => r.type === DAEMON_SET || r.type === "classhub:prepull:PrePuller"),
      [],
    );
  });
});
