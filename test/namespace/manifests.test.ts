import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { HUB_MAX } from "../../components/hub/manifests";
import { defaultDeny, limitRange, namespace, quotaHard } from "../../components/namespace/manifests";
import { rawConfig, withClass } from "../support/stacks";

const dev = () => parseConfig(rawConfig("dev")).class!;

describe("class namespace", () => {
  it("is labelled for Pod Security restricted: enforce, audit and warn", () => {
    const labels = (namespace("demo-dev").metadata as any).labels as Record<string, string>;
    for (const mode of ["enforce", "audit", "warn"])
      assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
  });

  it("quota is derived from class size and per-student limits", () => {
    // 3 students + 1 admin at 0.5 CPU / 512Mi limits and 0.1 CPU / 256Mi guarantees, 1Gi homes, plus the hub and proxy.
    assert.deepEqual(quotaHard(dev()), {
      pods: "9",
      "requests.cpu": "3400m",
      "limits.cpu": "5",
      "requests.memory": "4Gi",
      "limits.memory": "5Gi",
      persistentvolumeclaims: "5",
      "requests.storage": "5Gi",
      "services.loadbalancers": "1",
      "services.nodeports": "2",
    });
  });

  it("explicit quota values win over derived ones", () => {
    const cls = parseConfig(withClass("dev", (c) => (c.quota = { cpu: 64, memory: "128Gi", pods: 50 }))).class!;
    const hard = quotaHard(cls);
    assert.deepEqual([hard["limits.cpu"], hard["limits.memory"], hard.pods], ["64", "128Gi", "50"]);
  });

  it("a GPU profile adds a GPU quota sized by the class", () => {
    const cls = parseConfig(rawConfig("gpu-seminar-fa26")).class!;
    assert.equal(quotaHard({ ...cls, quota: {} })["requests.nvidia.com/gpu"], "42");
    assert.equal(quotaHard(cls)["requests.nvidia.com/gpu"], "4");
    assert.equal(quotaHard(dev())["requests.nvidia.com/gpu"], undefined);
  });

  it("the LimitRange defaults to the class resources and admits the hub and the largest profile", () => {
    const seminar = parseConfig(rawConfig("gpu-seminar-fa26")).class!;
    const [limits] = (limitRange("cs294-dl-fa26", seminar, HUB_MAX).spec as any).limits as any[];
    assert.deepEqual(limits.default, { cpu: "2", memory: "8Gi" });
    assert.deepEqual(limits.defaultRequest, { cpu: "1", memory: "4Gi" });
    assert.deepEqual(limits.max, { cpu: "7", memory: "24Gi" });
    const [devLimits] = (limitRange("demo-dev", dev(), HUB_MAX).spec as any).limits as any[];
    assert.deepEqual(devLimits.max, { cpu: "2", memory: "2Gi" });
  });

  it("the default-deny policy selects every pod and allows nothing", () => {
    assert.deepEqual(defaultDeny("demo-dev").spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });
});
