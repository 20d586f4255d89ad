// Every example stack under Pulumi mocks: the real program, the real registered objects.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { HUB_IMAGE } from "../../components/hub/manifests";
import type { HubSettings } from "../../components/hub/settings";
import { PROXY_IMAGE } from "../../components/proxy/manifests";
import { type RecordedResource, runStack, type StackRun } from "../../tools/harness/mockrun";
import { rawConfig } from "../support/stacks";
// The secrets tests run in this process: a test file of their own would cost a Node.js start-up, about a second.
import "./secrets";

const CLASS_STACKS = ["dev", "data8-fa26", "gpu-seminar-fa26", "ds100-sp27", "stat20-sp27"];
const runs = new Map<string, StackRun>();

before(async () => {
  for (const stack of [...CLASS_STACKS, "platform"]) runs.set(stack, await runStack(stack));
});

const ofKind = (run: StackRun, kind: string) => run.resources.filter((r) => r.custom && r.inputs.kind === kind);
const one = (run: StackRun, kind: string, name: string) => {
  const found = ofKind(run, kind).filter((r) => r.inputs.metadata?.name === name);
  assert.equal(found.length, 1, `one ${kind} ${name}`);
  return found[0];
};
const settingsConfigMap = (run: StackRun) =>
  ofKind(run, "ConfigMap").find((c) => c.inputs.data?.["hub-settings.json"])!;
const settingsOf = (run: StackRun): HubSettings => JSON.parse(settingsConfigMap(run).inputs.data["hub-settings.json"]);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
/** Every pod template: Deployments', DaemonSets' and CronJobs' Jobs'. */
const podTemplates = (run: StackRun) => [
  ...[...ofKind(run, "Deployment"), ...ofKind(run, "DaemonSet")].map((d) => d.inputs.spec.template),
  ...ofKind(run, "CronJob").map((c) => c.inputs.spec.jobTemplate.spec.template),
];

for (const stack of CLASS_STACKS) {
  describe(`class stack ${stack}`, () => {
    const run = () => runs.get(stack)!;

    it("each Deployment's selector matches its own pod template", () => {
      for (const d of ofKind(run(), "Deployment")) {
        assert.ok(matches(d.inputs.spec.selector.matchLabels, d.inputs.spec.template.metadata.labels), d.name);
      }
    });

    it("each Service selects exactly one Deployment's pods", () => {
      for (const s of ofKind(run(), "Service")) {
        const targets = podTemplates(run()).filter((t) => matches(s.inputs.spec.selector, t.metadata.labels));
        assert.equal(targets.length, 1, `${s.inputs.metadata.name} selects ${targets.length} Deployments`);
      }
    });

    it("NetworkPolicies select the hub, the proxy and the pods KubeSpawner labels", () => {
      const pods = [...podTemplates(run()).map((t) => t.metadata.labels), settingsOf(run()).spawner.extraLabels];
      const policies = ofKind(run(), "NetworkPolicy");
      for (const p of policies) {
        const selector = p.inputs.spec.podSelector.matchLabels ?? {};
        assert.ok(
          pods.some((labels) => matches(selector, labels)),
          `${p.name} selects no pod`,
        );
        for (const rule of [...(p.inputs.spec.ingress ?? []), ...(p.inputs.spec.egress ?? [])]) {
          // Peers with a namespaceSelector are pods of other namespaces (classhub:class.egress), not the class's.
          const own = [...(rule.from ?? []), ...(rule.to ?? [])].filter(
            (x: any) => x.podSelector && !x.namespaceSelector,
          );
          for (const peer of own) {
            assert.ok(
              pods.some((l) => matches(peer.podSelector.matchLabels, l)),
              `${p.name} peer selects no pod`,
            );
          }
        }
      }
      assert.deepEqual(
        policies.map((p) => Object.keys(p.inputs.spec.podSelector.matchLabels ?? {}).length === 0).filter(Boolean),
        [true],
        "exactly one default-deny policy",
      );
    });

    it("every pod and container satisfies Pod Security restricted", () => {
      for (const t of podTemplates(run())) {
        const pod = t.spec;
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
        assert.ok(pod.securityContext.runAsUser > 0);
        for (const key of ["hostNetwork", "hostPID", "hostIPC"]) assert.ok(!pod[key], key);
        for (const v of pod.volumes ?? []) assert.ok(!v.hostPath, "hostPath volume");
        for (const c of pod.containers) {
          assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
          assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], c.name);
          assert.equal(c.securityContext.privileged, undefined, c.name);
          assert.ok(c.resources.requests.cpu && c.resources.limits.memory, `${c.name} has requests and limits`);
          assert.match(c.image, /:[\w][\w.-]+$/, "pinned image tag");
        }
      }
    });

    it("the hub and proxy have health probes", () => {
      const hub = one(run(), "Deployment", "hub").inputs.spec.template.spec.containers[0];
      for (const probe of [hub.readinessProbe, hub.livenessProbe, hub.startupProbe]) {
        assert.deepEqual(probe.httpGet, { path: "/hub/health", port: "http" });
      }
      const chp = one(run(), "Deployment", "proxy").inputs.spec.template.spec.containers[0];
      assert.equal(chp.readinessProbe.httpGet.path, "/_chp_healthz");
      if (settingsOf(run()).hub.publicUrl === null) assert.equal(chp.livenessProbe.httpGet.path, "/_chp_healthz");
      else assert.deepEqual(chp.livenessProbe.exec.command.slice(0, 2), ["node", "-e"]);
    });

    it("what pods look up by name exists before the pods: Services first, the proxy before the hub", () => {
      const id = (r: RecordedResource) => `${r.type}::${r.name}`;
      const hub = one(run(), "Deployment", "hub");
      const proxy = one(run(), "Deployment", "proxy");
      const hubService = one(run(), "Service", "hub");
      const apiService = one(run(), "Service", "proxy-api");
      const token = one(run(), "Secret", "proxy-api-token");
      assert.deepEqual(hub.options.dependsOn.sort(), [id(hubService), id(apiService), id(proxy)].sort());
      assert.ok(proxy.options.dependsOn.includes(id(token)), "the proxy waits for its token Secret");
      for (const service of [hubService, apiService]) {
        assert.deepEqual(service.options.dependsOn, [], `${service.inputs.metadata.name} waits for nothing`);
        // Created before any pod, so Pulumi must not wait for endpoints that only the pods bring.
        assert.equal(service.inputs.metadata.annotations["pulumi.com/skipAwait"], "true");
      }
      const publicService = one(run(), "Service", "proxy-public");
      assert.deepEqual(publicService.options.dependsOn, [id(proxy)]);
      assert.equal(publicService.inputs.metadata.annotations?.["pulumi.com/skipAwait"], undefined);
    });

    it("the hub may reach the API server where the cluster serves it, and the culler calls the hub on loopback", () => {
      const [policy] = ofKind(run(), "NetworkPolicy").filter(
        (p) => p.inputs.spec.podSelector.matchLabels?.["app.kubernetes.io/component"] === "hub",
      );
      // Read, not created: the API server's own EndpointSlice, which the mock answers with MOCK_API_SERVER_SLICE,
      // 172.16.0.2:443, as a GKE private cluster lists it.
      assert.ok(run().reads.includes("kubernetes:discovery.k8s.io/v1:EndpointSlice::default/kubernetes"));
      assert.deepEqual(
        policy.inputs.spec.egress.filter((r: any) => r.to?.some((peer: any) => peer.ipBlock?.cidr === "172.16.0.2/32")),
        [{ to: [{ ipBlock: { cidr: "172.16.0.2/32" } }], ports: [{ protocol: "TCP", port: 443 }] }],
      );
      const culler = new URL(settingsOf(run()).culler.apiUrl);
      assert.equal(culler.hostname, "127.0.0.1");
      assert.equal(`:${culler.port}`, settingsOf(run()).hub.bindUrl.replace("http://", ""));
    });

    it("the hub's Role grants exactly what KubeSpawner needs, bound only to the hub in its namespace", () => {
      const ns = settingsOf(run()).class.namespace;
      const roles = ofKind(run(), "Role").filter((r) => r.inputs.metadata.name === "hub");
      assert.equal(roles.length, 1);
      assert.equal(roles[0].inputs.metadata.namespace, ns);
      const grants = roles[0].inputs.rules.flatMap((r: any) =>
        r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${r.apiGroups.join()}/${res}:${v}`)),
      );
      assert.deepEqual(
        grants.sort(),
        [
          "/events:get",
          "/events:list",
          "/events:watch",
          "/persistentvolumeclaims:create",
          "/persistentvolumeclaims:delete",
          "/persistentvolumeclaims:get",
          "/persistentvolumeclaims:list",
          "/persistentvolumeclaims:watch",
          "/pods:create",
          "/pods:delete",
          "/pods:get",
          "/pods:list",
          "/pods:watch",
        ].sort(),
      );
      const binding = ofKind(run(), "RoleBinding").find((b) => b.inputs.metadata.name === "hub")!.inputs;
      assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "hub", namespace: ns }]);
      assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "hub" });
      assert.equal(roles[0].inputs.metadata.name, "hub");
      assert.deepEqual([...ofKind(run(), "ClusterRole"), ...ofKind(run(), "ClusterRoleBinding")], []);
    });

    it("the namespace and the hub database survive a destroy", () => {
      const ns = ofKind(run(), "Namespace")[0];
      assert.equal(ns.options.retainOnDelete, true);
      assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
      const db = one(run(), "PersistentVolumeClaim", "hub-db");
      assert.equal(db.options.retainOnDelete, true);
      assert.equal(db.inputs.spec.storageClassName, stack === "dev" ? undefined : "classhub-hub-db");
      // A later up adopts the retained claim, already bound: waiting for it to bind would hang (the node's live
      // test "the home survives pulumi destroy and pulumi up" did, for ten minutes).
      assert.deepEqual(db.inputs.metadata.annotations, {
        "pulumi.com/patchForce": "true",
        "pulumi.com/skipAwait": "true",
      });
    });

    it("every resource but the top component has a parent", () => {
      const orphans = run()
        .resources.filter((r) => r.options.parent === undefined)
        .map((r) => r.type);
      const expected = ["classhub:classhub:ClassHub", "pulumi:providers:kubernetes"];
      if (stack === "gpu-seminar-fa26") expected.splice(1, 1, "classhub:cluster:GkeCluster");
      assert.deepEqual(orphans.sort(), expected.sort());
    });
  });
}

describe("stack-specific behaviour", () => {
  it("dev exposes the hub on its node port with dummy login", () => {
    const run = runs.get("dev")!;
    const svc = one(run, "Service", "proxy-public").inputs.spec;
    assert.equal(svc.type, "NodePort");
    assert.equal(svc.ports[0].nodePort, 30080);
    assert.equal(run.outputs.hubUrl, "http://localhost:30080/");
    assert.equal(settingsOf(run).auth.type, "dummy");
  });

  it("the roster and the admins reach the hub settings", () => {
    const dev = settingsOf(runs.get("dev")!);
    assert.deepEqual(dev.auth.admins, ["instructor"]);
    assert.deepEqual(dev.auth.allowedUsers, ["student1", "student2", "student3"]);
    const seminar = settingsOf(runs.get("gpu-seminar-fa26")!);
    assert.equal(seminar.auth.allowedUsers.length, 40);
    assert.deepEqual(seminar.auth.admins, ["prof-lee", "ta-garcia"]);
  });

  it("per-student requests and limits come from the stack file", () => {
    const s = settingsOf(runs.get("data8-fa26")!).spawner;
    assert.deepEqual([s.cpuGuarantee, s.cpuLimit, s.memGuarantee, s.memLimit], [0.05, 1, 512 * 2 ** 20, 2 ** 30]);
  });

  it("data8 gets HTTPS on a reserved address and a spawn limit sized for 1,200 students", () => {
    const run = runs.get("data8-fa26")!;
    const svc = one(run, "Service", "proxy-public").inputs.spec;
    assert.equal(svc.type, "LoadBalancer");
    assert.equal(svc.loadBalancerIP, "203.0.113.10");
    assert.deepEqual(
      svc.ports.map((p: any) => p.port),
      [80, 443],
    );
    const cert = ofKind(run, "Certificate")[0].inputs;
    assert.deepEqual(cert.spec.dnsNames, ["data8.datahub.berkeley.edu"]);
    const s = settingsOf(run);
    assert.equal(s.hub.concurrentSpawnLimit, 500);
    assert.equal(s.auth.callbackUrl, "https://data8.datahub.berkeley.edu/hub/oauth_callback");
    assert.equal(run.outputs.hubUrl, "https://data8.datahub.berkeley.edu/");
  });

  it("the seminar's GPU profile asks for a GPU on the GPU pool", () => {
    const gpu = settingsOf(runs.get("gpu-seminar-fa26")!).spawner.profiles.find((p) => p.slug === "gpu")!;
    assert.equal(gpu.overrides.gpus, 1);
    assert.deepEqual(gpu.overrides.nodeSelector, { "cloud.google.com/gke-accelerator": "nvidia-tesla-t4" });
    const quota = ofKind(runs.get("gpu-seminar-fa26")!, "ResourceQuota")[0].inputs.spec.hard;
    assert.equal(quota["requests.nvidia.com/gpu"], "4");
  });

  it("the cluster stack exports a secret kubeconfig and Retain storage classes", () => {
    const run = runs.get("platform")!;
    assert.deepEqual(Object.keys(run.outputs).sort(), [
      "clusterId",
      "clusterName",
      "kubeconfig",
      "project",
      "region",
      "sandboxedUserPool",
      "storageClasses",
    ]);
    assert.deepEqual(run.secretOutputs, ["kubeconfig"]);
    assert.equal(run.outputs.sandboxedUserPool, false);
    assert.deepEqual(run.outputs.storageClasses, { home: "classhub-home", hubDb: "classhub-hub-db" });
    for (const sc of ofKind(run, "StorageClass")) {
      assert.equal(sc.inputs.reclaimPolicy, "Retain");
      assert.equal(sc.inputs.volumeBindingMode, "WaitForFirstConsumer");
      assert.equal(sc.inputs.allowVolumeExpansion, true);
    }
  });
});

/** Identity of everything Pulumi would replace if it changed: resource names and object names. */
const identities = (resources: RecordedResource[]) =>
  resources
    .map((r) => `${r.type}::${r.name}::${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name ?? ""}`)
    .sort();

/** Whether a pod with this selector and these tolerations can be scheduled on a GKE node pool as declared. */
function schedulable(pod: { nodeSelector?: Record<string, string>; tolerations?: any[] }, pool: RecordedResource) {
  const config = pool.inputs.nodeConfig;
  const labels: Record<string, string> = {
    ...config.labels,
    // GKE labels GPU nodes with their accelerator itself.
    ...(config.guestAccelerators?.[0] ? { "cloud.google.com/gke-accelerator": config.guestAccelerators[0].type } : {}),
  };
  const effects: Record<string, string> = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule" };
  const tolerated = (taint: any) =>
    (pod.tolerations ?? []).some(
      (t) =>
        t.key === taint.key &&
        t.effect === effects[taint.effect] &&
        (t.operator === "Exists" || (t.operator === "Equal" && t.value === taint.value)),
    );
  return (
    Object.entries(pod.nodeSelector ?? {}).every(([k, v]) => labels[k] === v) && (config.taints ?? []).every(tolerated)
  );
}

describe("pods land on the node pools of the stack's own GKE cluster", () => {
  const run = () => runs.get("gpu-seminar-fa26")!;
  const pool = (kind: string) =>
    run().resources.find((r) => r.type === "gcp:container/nodePool:NodePool" && r.name.endsWith(`-${kind}`))!;

  it("the hub and the proxy fit the core pool and no other", () => {
    for (const name of ["hub", "proxy"]) {
      const pod = one(run(), "Deployment", name).inputs.spec.template.spec;
      assert.deepEqual(
        ["core", "user", "gpu"].map((kind) => schedulable(pod, pool(kind))),
        [true, false, false],
        name,
      );
    }
  });

  it("student servers fit the user pool, and GPU servers the GPU pool, as KubeSpawner merges their profile", () => {
    const spawner = settingsOf(run()).spawner;
    // CPU servers stay off the GPU pool: it carries the GPU taint from its first node.
    assert.deepEqual(
      ["core", "user", "gpu"].map((kind) => schedulable(spawner, pool(kind))),
      [false, true, false],
    );
    const gpu = spawner.profiles.find((p) => p.overrides.gpus > 0)!.overrides;
    const gpuServer = {
      nodeSelector: { ...spawner.nodeSelector, ...gpu.nodeSelector },
      tolerations: [...spawner.tolerations, ...(gpu.tolerations ?? [])],
    };
    assert.deepEqual(
      ["core", "user", "gpu"].map((kind) => schedulable(gpuServer, pool(kind))),
      [false, false, true],
    );
  });
});

/** Immutable fields: Deployment selectors, claim specs, Service types and selectors, the namespace's name. */
const immutables = (resources: RecordedResource[]) =>
  resources
    .filter((r) => r.custom && ["Deployment", "PersistentVolumeClaim", "Service", "Namespace"].includes(r.inputs.kind))
    .map((r) => ({
      object: `${r.inputs.kind}/${r.inputs.metadata.name}`,
      fields:
        r.inputs.kind === "Deployment"
          ? r.inputs.spec.selector
          : r.inputs.kind === "PersistentVolumeClaim"
            ? r.inputs.spec
            : r.inputs.kind === "Service"
              ? { type: r.inputs.spec.type, selector: r.inputs.spec.selector, clusterIP: r.inputs.spec.clusterIP }
              : r.inputs.metadata.name,
    }))
    .sort((a, b) => a.object.localeCompare(b.object));

describe("changing a class replaces nothing", () => {
  it("image, resources, roster and culling timeout leave every name but the hub ConfigMap's unchanged", async () => {
    const before = runs.get("dev")!;
    const cls = rawConfig("dev").class;
    const changed = await runStack("dev", {
      class: {
        ...(cls as any),
        image: "quay.io/jupyter/scipy-notebook:2025-10-06",
        resources: { cpuGuarantee: 0.2, cpuLimit: 1, memoryGuarantee: "512Mi", memoryLimit: "1Gi" },
        roster: ["student1", "student4"],
        culling: { timeoutMinutes: 45 },
      },
    });
    const hubConfig = (r: StackRun) => settingsConfigMap(r).inputs.metadata.name as string;
    const others = (r: StackRun) => identities(r.resources).filter((id) => !id.endsWith(`/${hubConfig(r)}`));
    assert.deepEqual(others(changed), others(before));
    // Fields the API server refuses to change in place: a change would force a replacement or fail the update.
    assert.deepEqual(immutables(changed.resources), immutables(before.resources));
    const s = settingsOf(changed);
    assert.equal(s.spawner.image, "quay.io/jupyter/scipy-notebook:2025-10-06");
    assert.deepEqual(s.auth.allowedUsers, ["student1", "student4"]);
    assert.equal(s.culler.timeoutSeconds, 2700);
    // The config gets a ConfigMap of a new name, and the hub's pod template names it: that rolls the hub.
    const mounted = (r: StackRun) =>
      one(r, "Deployment", "hub").inputs.spec.template.spec.volumes.find((v: any) => v.configMap).configMap.name;
    assert.match(hubConfig(changed), /^hub-config-[0-9a-f]{10}$/);
    assert.notEqual(hubConfig(changed), hubConfig(before));
    assert.equal(mounted(changed), hubConfig(changed));
    assert.equal(mounted(before), hubConfig(before));
  });
});

describe("the hub and proxy images", () => {
  const imageOf = (run: StackRun, name: string) =>
    one(run, "Deployment", name).inputs.spec.template.spec.containers[0].image;

  it("default to HUB_IMAGE and PROXY_IMAGE", () => {
    for (const stack of CLASS_STACKS) {
      assert.equal(imageOf(runs.get(stack)!, "hub"), HUB_IMAGE, stack);
      assert.equal(imageOf(runs.get(stack)!, "proxy"), PROXY_IMAGE, stack);
    }
  });

  it("come from classhub:class.hub.image and proxy.image, and a change replaces nothing", async () => {
    const before = runs.get("dev")!;
    const changed = await runStack("dev", {
      class: {
        ...(rawConfig("dev").class as any),
        hub: { image: "localhost/classhub/hub:5.5.0-3f9a2c1" },
        proxy: { image: "localhost/classhub/proxy:5.2.0-3f9a2c1" },
      },
    });
    assert.equal(imageOf(changed, "hub"), "localhost/classhub/hub:5.5.0-3f9a2c1");
    assert.equal(imageOf(changed, "proxy"), "localhost/classhub/proxy:5.2.0-3f9a2c1");
    assert.deepEqual(identities(changed.resources), identities(before.resources));
    assert.deepEqual(immutables(changed.resources), immutables(before.resources));
  });
});

describe("bad config through the real program", () => {
  it("stops with the key named and registers nothing", async () => {
    const raw = rawConfig("dev").class as any;
    // The whole message, and nothing after it: no stack trace.
    await assert.rejects(runStack("dev", { class: { ...raw, resources: { memoryLimit: "lots" } } }), {
      message:
        "Invalid stack config (1 problem):\n" +
        '  - classhub:class.resources.memoryLimit = "lots": expected a whole number of bytes (1951419879 or "1951419879") or a quantity such as 512Mi, 2Gi or 1.5G (suffixes Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E), at least one byte',
    });
  });
});

describe("waiting for readiness", () => {
  it("is skipped on every Kubernetes object only when the ambient cluster asks for it", async () => {
    const skipped = (run: StackRun) =>
      run.resources
        .filter((r) => r.inputs.metadata?.annotations?.["pulumi.com/skipAwait"] === "true")
        .map((r) => `${r.inputs.kind}/${r.inputs.metadata.name}`)
        .sort();
    const local = await runStack("dev", { cluster: { source: "ambient", skipAwait: true } });
    const objects = local.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.inputs.kind);
    assert.equal(skipped(local).length, objects.length);
    // Elsewhere only the two Services created before their pods and the hub's claim skip it; the Deployments,
    // whose readiness covers all three, are awaited. And the pre-puller: pulling a large image on every user node
    // is what it does ahead of students, not something an `up` should wait for.
    const early = ["DaemonSet/image-puller", "PersistentVolumeClaim/hub-db", "Service/hub", "Service/proxy-api"];
    assert.deepEqual(skipped(runs.get("dev")!), early);
    assert.deepEqual(skipped(runs.get("gpu-seminar-fa26")!), early);
  });
});

describe("GKE Sandbox on the stack's own user pool", () => {
  it("runs students' CPU servers in gVisor and exports it for class stacks", async () => {
    const raw = rawConfig("gpu-seminar-fa26").cluster as any;
    const run = await runStack("gpu-seminar-fa26", {
      cluster: { ...raw, gke: { ...raw.gke, userPool: { ...raw.gke.userPool, sandbox: true } } },
    });
    const spawner = settingsOf(run).spawner;
    assert.equal(spawner.runtimeClassName, "gvisor");
    assert.deepEqual(
      spawner.profiles.map((p) => p.overrides.runtimeClassName),
      ["gvisor", null],
    );
  });
});
