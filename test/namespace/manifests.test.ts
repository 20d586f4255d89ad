import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { classSize } from "../../components/hub/settings";
import { platformContainers as platform } from "../../components/jupyterhub/manifests";
import { defaultDeny, limitRange, namespace, quotaHard } from "../../components/namespace/manifests";
import { formatCpu } from "../../components/quantity";
import { rawConfig, withClass } from "../support/stacks";

const dev = () => parseConfig(rawConfig("dev")).class!;

describe("class namespace", () => {
  it("is labelled for Pod Security restricted: enforce, audit and warn", () => {
    const labels = (namespace("demo-dev").metadata as any).labels as Record<string, string>;
    for (const mode of ["enforce", "audit", "warn"])
      assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
  });

  it("quota is derived from class size and per-student limits", () => {
    // 3 students + 1 admin at 0.5 CPU / 512Mi limits and 0.1 CPU / 256Mi guarantees, 1Gi homes, plus the hub
    // (200m / 512Mi requests, 2 / 2Gi limits), the proxy (100m / 144Mi requests, 1 / 288Mi limits) and a
    // pre-puller pod per possible user node, 4 by default (5m / 16Mi requests, 20m / 32Mi limits each).
    assert.deepEqual(quotaHard(dev(), platform(dev())), {
      pods: "13",
      "requests.cpu": "720m",
      "limits.cpu": "5080m",
      "requests.memory": "1744Mi",
      "limits.memory": "4512Mi",
      persistentvolumeclaims: "5",
      "requests.storage": "5Gi",
      "services.loadbalancers": "1",
      "services.nodeports": "2",
    });
  });

  it("explicit quota values win over derived ones", () => {
    const cls = parseConfig(withClass("dev", (c) => (c.quota = { cpu: 64, memory: "128Gi", pods: 50 }))).class!;
    const hard = quotaHard(cls, platform(cls));
    assert.deepEqual([hard["limits.cpu"], hard["limits.memory"], hard.pods], ["64", "128Gi", "50"]);
  });

  it("a GPU profile adds a GPU quota sized by the class", () => {
    const cls = parseConfig(rawConfig("gpu-seminar-fa26")).class!;
    assert.equal(quotaHard({ ...cls, quota: {} }, platform(cls))["requests.nvidia.com/gpu"], "42");
    assert.equal(quotaHard(cls, platform(cls))["requests.nvidia.com/gpu"], "4");
    assert.equal(quotaHard(dev(), platform(dev()))["requests.nvidia.com/gpu"], undefined);
  });

  it("the LimitRange defaults to the class resources and admits the hub and the largest profile", () => {
    const seminar = parseConfig(rawConfig("gpu-seminar-fa26")).class!;
    const [limits] = (limitRange("cs294-dl-fa26", seminar, platform(seminar)).spec as any).limits as any[];
    assert.deepEqual(limits.default, { cpu: "2", memory: "8Gi" });
    assert.deepEqual(limits.defaultRequest, { cpu: "1", memory: "4Gi" });
    assert.deepEqual(limits.max, { cpu: "7", memory: "24Gi" });
    const [devLimits] = (limitRange("demo-dev", dev(), platform(dev())).spec as any).limits as any[];
    assert.deepEqual(devLimits.max, { cpu: "2", memory: "2Gi" });
  });

  it("the default-deny policy selects every pod and allows nothing", () => {
    assert.deepEqual(defaultDeny("demo-dev").spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });
});

/** A CPU quantity as the API server stores a pod's: the decimal value rounded up to whole millicores, exactly. */
function apiServerMillicores(quantity: string): number {
  if (quantity.endsWith("m")) return Number(quantity.slice(0, -1));
  const [whole, fraction = ""] = quantity.split(".");
  const milli = Number(whole) * 1000 + Number(fraction.slice(0, 3).padEnd(3, "0"));
  return /[1-9]/.test(fraction.slice(3)) ? milli + 1 : milli;
}

describe("derived bounds are never stricter than what they bound", () => {
  // Values whose decimal digits go past millicores, or that binary floating point cannot hold exactly.
  const awkward = [7.5313, 0.29, 0.0001, 1.0005, 2.9999, 0.1 + 0.2, 3.0000001, 0.057, 1.001];

  for (const cpu of awkward) {
    it(`a ${cpu}-core student limit fits under the LimitRange maximum and the quota`, () => {
      const cls = parseConfig(
        withClass("dev", (c) => {
          c.resources = { cpuGuarantee: cpu, cpuLimit: cpu, memoryGuarantee: "0.3Mi", memoryLimit: "0.3Mi" };
        }),
      ).class!;
      // KubeSpawner sends the settings' float as it is, e.g. 7.5313; the API server rounds it up to 7532m.
      const pod = apiServerMillicores(String(cpu));
      const [limits] = (limitRange("demo-dev", cls, platform(cls)).spec as any).limits as any[];
      assert.ok(pod <= apiServerMillicores(limits.max.cpu), `pod ${pod}m > max ${limits.max.cpu}`);
      assert.ok(apiServerMillicores(limits.default.cpu) <= apiServerMillicores(limits.max.cpu));
      const hard = quotaHard(cls, platform(cls));
      const students = classSize(cls) * pod;
      assert.ok(students + 2000 + 1000 <= apiServerMillicores(hard["limits.cpu"]), `quota ${hard["limits.cpu"]}`);
      assert.ok(students + 200 + 100 <= apiServerMillicores(hard["requests.cpu"]), `quota ${hard["requests.cpu"]}`);
    });
  }

  it("formats CPU the way the API server rounds it: up, to whole millicores of the decimal sent", () => {
    assert.deepEqual([7.5313, 0.29, 0.1 + 0.2, 0.0000001, 2, 0.5, 1.0005].map(formatCpu), [
      "7532m",
      "290m",
      "301m",
      "1m",
      "2",
      "500m",
      "1001m",
    ]);
  });

  it("rounds 7.5313 cores up to 7532m, the way the API server rounds the pod", () => {
    const cls = parseConfig(withClass("gpu-seminar-fa26", (c) => (c.profiles[1].resources.cpuLimit = 7.5313))).class!;
    const [limits] = (limitRange("cs294-dl-fa26", cls, platform(cls)).spec as any).limits as any[];
    assert.equal(limits.max.cpu, "7532m");
  });
});
