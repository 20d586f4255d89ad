// The packing scheduler (classhub:class.packing.scheduler): its config as kube-scheduler reads it, its rights, its
// pod under Pod Security "restricted", its NetworkPolicy, the room it takes in the quota, the hub settings that
// send student servers to it, the refusal on GKE, and the whole program with packing on under the policy pack.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfig } from "../../components/config";
import { hubSettings } from "../../components/hub/settings";
import { platformContainers as platform } from "../../components/jupyterhub/manifests";
import { limitRange, quotaHard } from "../../components/namespace/manifests";
import { bytes, parseCpu } from "../../components/quantity";
import * as m from "../../components/scheduling/manifests";
import type { StackRun } from "../../tools/harness/mockrun";
import { lines } from "../policy/assertions";
import { find, REPO, runAs, TYPES } from "../policy/fixtures";
import { validateResources, validateStack } from "../policy/harness";
import { problems, rawConfig, withClass } from "../support/stacks";

const NS = "demo-dev";
const packing = (image?: string) =>
  parseConfig(withClass("dev", (c) => (c.packing = { scheduler: true, ...(image ? { image } : {}) }))).class!;
const dev = () => parseConfig(rawConfig("dev")).class!;
const API = { addresses: ["10.0.0.1"], ports: [6443] };

describe("scheduler name", () => {
  it("is undefined without packing, so servers keep the cluster's default scheduler", () => {
    assert.equal(m.userSchedulerName(dev()), undefined);
  });
  it("is the class namespace's own with packing, so two classes never share one", () => {
    assert.equal(m.userSchedulerName(packing()), "demo-dev-user-scheduler");
  });
});

describe("scheduler config", () => {
  const config = parse((m.configMap(NS, "demo-dev-user-scheduler").data as Record<string, string>)["config.yaml"]);

  it("is a v1 KubeSchedulerConfiguration with one profile of the class's scheduler name", () => {
    assert.equal(config.apiVersion, "kubescheduler.config.k8s.io/v1");
    assert.equal(config.kind, "KubeSchedulerConfiguration");
    assert.deepEqual(
      config.profiles.map((p: any) => p.schedulerName),
      ["demo-dev-user-scheduler"],
    );
  });
  it("scores nodes MostAllocated by CPU and memory, weighted above every default score plugin", () => {
    const [profile] = config.profiles;
    const fit = profile.pluginConfig.find((c: any) => c.name === "NodeResourcesFit");
    assert.deepEqual(fit.args.scoringStrategy, {
      type: "MostAllocated",
      resources: [
        { name: "cpu", weight: 1 },
        { name: "memory", weight: 1 },
      ],
    });
    assert.deepEqual(profile.plugins.score.enabled, [{ name: "NodeResourcesFit", weight: 10 }]);
    assert.deepEqual(profile.plugins.score.disabled, [{ name: "NodeResourcesBalancedAllocation" }]);
  });
  it("elects a leader on a Lease in the class namespace", () => {
    assert.deepEqual(config.leaderElection, {
      leaderElect: true,
      resourceLock: "leases",
      resourceName: "user-scheduler",
      resourceNamespace: NS,
    });
  });
});

describe("scheduler rights", () => {
  it("the Role holds the one Lease and nothing else, in the class namespace", () => {
    const role = m.leaseRole(NS);
    assert.equal((role.metadata as any).namespace, NS);
    assert.deepEqual(role.rules, [
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: ["user-scheduler"],
        verbs: ["get", "update"],
      },
    ]);
    const binding = m.leaseRoleBinding(NS, "lease-role");
    assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "lease-role" });
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "user-scheduler", namespace: NS }]);
  });
  it("the cluster-wide bindings are the cluster's two scheduler roles, to the scheduler's ServiceAccount only", () => {
    const bindings = m.clusterRoleBindings(NS);
    assert.deepEqual(
      bindings.map((b) => b.roleRef),
      [
        { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:kube-scheduler" },
        { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:volume-scheduler" },
      ],
    );
    for (const b of bindings)
      assert.deepEqual(b.subjects, [{ kind: "ServiceAccount", name: "user-scheduler", namespace: NS }]);
  });
  it("are what the policy pack's one exception allows, by the same names", async () => {
    const pack = await import("../../policy/security/enforceNamespacedRbac");
    assert.equal(pack.SCHEDULER_ACCOUNT, m.USER_SCHEDULER_ACCOUNT);
    assert.deepEqual(pack.SCHEDULER_CLUSTER_ROLES, [...m.USER_SCHEDULER_CLUSTER_ROLES]);
  });
});

describe("scheduler Deployment", () => {
  const d = (image = m.USER_SCHEDULER_IMAGE) =>
    m.deployment({ namespace: NS, image, configMapName: "config", serviceAccountName: "user-scheduler" }) as any;

  it("runs kube-scheduler under Pod Security restricted, as nobody, on a read-only root", () => {
    const pod = d().spec.template.spec;
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [c] = pod.containers;
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
      readOnlyRootFilesystem: true,
    });
    assert.equal(pod.serviceAccountName, "user-scheduler");
    assert.equal(pod.hostNetwork, undefined);
  });
  it("reads its config from the ConfigMap and declares requests and limits", () => {
    const pod = d().spec.template.spec;
    const [c] = pod.containers;
    assert.deepEqual(c.command, [
      "/usr/local/bin/kube-scheduler",
      "--config=/etc/user-scheduler/config.yaml",
      "--authentication-skip-lookup=true",
    ]);
    assert.deepEqual(pod.volumes, [{ name: "config", configMap: { name: "config" } }]);
    assert.deepEqual(c.resources, { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } });
    assert.equal(c.readinessProbe.httpGet.scheme, "HTTPS");
    assert.equal(c.readinessProbe.httpGet.path, "/healthz");
  });
  it("runs the pinned kube-scheduler of tools/versions.sh unless the stack names another", () => {
    const versions = fs.readFileSync(path.join(REPO, "tools", "versions.sh"), "utf8");
    const kube = /^KUBE_VERSION=(\S+)/m.exec(versions)![1];
    assert.equal(m.USER_SCHEDULER_IMAGE, `registry.k8s.io/kube-scheduler:${kube}`);
    assert.equal(packing().packing.image, m.USER_SCHEDULER_IMAGE);
    assert.equal(
      packing("mirror.example.edu/kube-scheduler:v1.35.4").packing.image,
      "mirror.example.edu/kube-scheduler:v1.35.4",
    );
    assert.equal(
      d("mirror.example.edu/kube-scheduler:v1.35.4").spec.template.spec.containers[0].image,
      "mirror.example.edu/kube-scheduler:v1.35.4",
    );
  });
  it("refuses an unpinned image, naming the key", () => {
    assert.deepEqual(
      problems(
        withClass("dev", (c) => (c.packing = { scheduler: true, image: "registry.k8s.io/kube-scheduler:latest" })),
      ),
      [
        `classhub:class.packing.image = "registry.k8s.io/kube-scheduler:latest": the tag 'latest' is not pinned; name an exact tag or digest`,
      ],
    );
  });
});

describe("scheduler NetworkPolicy", () => {
  it("lets the scheduler reach the API server and nothing else, and nothing reach it", () => {
    const policy = m.networkPolicy(NS, API) as any;
    assert.deepEqual(policy.spec.podSelector.matchLabels, {
      "app.kubernetes.io/instance": NS,
      "app.kubernetes.io/component": "user-scheduler",
    });
    assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(policy.spec.ingress, []);
    assert.deepEqual(policy.spec.egress, [
      { to: [{ ipBlock: { cidr: "10.0.0.1/32" } }], ports: [{ protocol: "TCP", port: 6443 }] },
    ]);
  });
});

describe("room in the class namespace", () => {
  it("the quota counts the scheduler and its successor during a roll", () => {
    const [off, on] = [dev(), packing()].map((cls) => quotaHard(cls, platform(cls)));
    // 2 pods of 50m / 128Mi requests and 1 / 512Mi limits, beyond whatever else the class holds.
    assert.deepEqual(
      {
        pods: Number(on.pods) - Number(off.pods),
        requestsCpu: parseCpu(on["requests.cpu"]) - parseCpu(off["requests.cpu"]),
        limitsCpu: parseCpu(on["limits.cpu"]) - parseCpu(off["limits.cpu"]),
        requestsMemory: bytes(on["requests.memory"]) - bytes(off["requests.memory"]),
        limitsMemory: bytes(on["limits.memory"]) - bytes(off["limits.memory"]),
      },
      { pods: 2, requestsCpu: 100, limitsCpu: 2000, requestsMemory: 256 * 2 ** 20, limitsMemory: 1024 * 2 ** 20 },
    );
  });
  it("the LimitRange admits the scheduler even where every other container is smaller", () => {
    const cls = parseConfig(
      withClass("dev", (c) => {
        c.packing = { scheduler: true };
        c.hub = { resources: { cpuGuarantee: 0.1, cpuLimit: 0.5, memoryGuarantee: "256Mi", memoryLimit: "384Mi" } };
        c.proxy = { resources: { cpuGuarantee: 0.1, cpuLimit: 0.5, memoryGuarantee: "128Mi", memoryLimit: "256Mi" } };
      }),
    ).class!;
    const [limits] = (limitRange(NS, cls, platform(cls)).spec as any).limits;
    assert.deepEqual(limits.max, { cpu: "1", memory: "512Mi" });
  });
  it("an explicit quota below what the hub, proxy, scheduler and one server need is refused", () => {
    assert.deepEqual(
      problems(withClass("dev", (c) => Object.assign(c, { packing: { scheduler: true }, quota: { pods: 4 } }))),
      [
        "classhub:class.quota.pods = 4: is below the 5 pods of the hub, the proxy, the packing scheduler (twice during a roll) and one student server",
      ],
    );
  });
});

describe("hub settings", () => {
  it("send student servers to the class's scheduler with packing, to the default one without", () => {
    const facts = { userPool: false };
    assert.equal(hubSettings(packing(), facts).spawner.schedulerName, "demo-dev-user-scheduler");
    assert.equal(hubSettings(dev(), facts).spawner.schedulerName, null);
  });
});

describe("GKE", () => {
  for (const stack of ["data8-fa26", "gpu-seminar-fa26"]) {
    it(`refuses packing.scheduler on ${stack}, naming the key, the value and why`, () => {
      const source = (rawConfig(stack).cluster as any).source;
      assert.deepEqual(problems(withClass(stack, (c) => (c.packing = { scheduler: true }))), [
        `classhub:class.packing.scheduler = true: is not for a GKE cluster (classhub:cluster.source ${source}): ` +
          "classhub's GKE clusters use the autoscaler's OPTIMIZE_UTILIZATION profile, under which GKE's own " +
          "scheduler already places pods on the fullest nodes, and a second scheduler would only compete with it; " +
          "remove packing.scheduler",
      ]);
    });
  }
  it("accepts packing.scheduler false there", () => {
    assert.deepEqual(problems(withClass("data8-fa26", (c) => (c.packing = { scheduler: false }))), []);
  });
});

describe("the program with packing on", () => {
  let run: StackRun;
  before(async () => {
    run = await runAs("dev", "dev", { class: { ...(rawConfig("dev").class as object), packing: { scheduler: true } } });
  });

  it("registers the scheduler's objects under one UserScheduler, before the hub", () => {
    const component = find(run, "classhub:scheduling:UserScheduler");
    const children = run.resources.filter((r) => r.options.parent === `${component.type}::${component.name}`);
    assert.deepEqual(children.map((r) => r.type.split(":").pop()).sort(), [
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "ConfigMap",
      "Deployment",
      "NetworkPolicy",
      "Role",
      "RoleBinding",
      "ServiceAccount",
    ]);
    const hub = find(run, "classhub:jupyterhub:JupyterHub");
    assert.ok(hub.options.dependsOn.includes(`${component.type}::${component.name}`));
    const policy = find(run, TYPES.networkPolicy, "user-scheduler-network-policy");
    assert.deepEqual(policy.inputs.spec.egress, [
      { to: [{ ipBlock: { cidr: "172.16.0.2/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });
  it("writes the scheduler's name into the hub settings", () => {
    const settings = JSON.parse(find(run, TYPES.configMap, "hub-config").inputs.data["hub-settings.json"]);
    assert.equal(settings.spawner.schedulerName, "demo-dev-user-scheduler");
  });
  it("the scheduler's objects pass every resource policy of the pack, and the stack every stack policy", async () => {
    const component = find(run, "classhub:scheduling:UserScheduler");
    const ours = run.resources.filter((r) => r.options.parent === `${component.type}::${component.name}`);
    const applied = new Set<string>();
    assert.deepEqual(lines(await validateResources(ours, { stack: "dev", applied })), []);
    for (const checked of [
      `classhub-enforce-namespaced-rbac ${TYPES.clusterRoleBinding}`,
      `classhub-enforce-namespaced-rbac ${TYPES.role}`,
      `classhub-disallow-privileged-containers ${TYPES.deployment}`,
      `classhub-disallow-metadata-server-egress ${TYPES.networkPolicy}`,
    ])
      assert.ok(applied.has(checked), checked);
    assert.deepEqual(lines(await validateStack(run.resources, { stack: "dev" })), []);
  });
});
