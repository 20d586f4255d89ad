// Hub and proxy sizing per class: classhub:class.hub.resources, .proxy.resources and .hub.databaseSize reach the
// Deployments and the database claim, and the quota, the LimitRange and the quota rules count the same values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { databaseClaim, deployment as hubDeployment, hubResources } from "../../components/hub/manifests";
import { classSize } from "../../components/hub/settings";
import { platformContainers } from "../../components/jupyterhub/manifests";
import { hubContainer, proxyContainer } from "../../components/jupyterhub/sizing";
import { limitRange, quotaHard } from "../../components/namespace/manifests";
import { deployment as proxyDeployment, proxyResources } from "../../components/proxy/manifests";
import { bytes, parseCpu } from "../../components/quantity";
import { problems, withClass } from "../support/stacks";

const dev = (change: (c: any) => void = () => undefined) => parseConfig(withClass("dev", change)).class!;

describe("hub and proxy sizes", () => {
  it("keep classhub's defaults when the class sets none", () => {
    const cls = dev();
    assert.deepEqual(hubContainer(cls), hubResources(classSize(cls)));
    assert.deepEqual(proxyContainer(cls), proxyResources(classSize(cls)));
  });

  it("take each value the class sets, and only that value", () => {
    const cls = dev((c) => {
      c.hub = { resources: { cpuLimit: 4, memoryGuarantee: "1Gi" } };
      c.proxy = { resources: { cpuGuarantee: 0.25, memoryLimit: 1073741824 } };
    });
    assert.deepEqual(hubContainer(cls), {
      requests: { cpu: "200m", memory: "1Gi" },
      limits: { cpu: "4", memory: "2Gi" },
    });
    assert.deepEqual(proxyContainer(cls), {
      requests: { cpu: "250m", memory: "144Mi" },
      limits: { cpu: "1", memory: "1073741824" },
    });
  });

  it("reach the hub and proxy containers", () => {
    const cls = dev((c) => {
      c.hub = { resources: { cpuLimit: 4 } };
      c.proxy = { resources: { memoryLimit: "1Gi" } };
    });
    const hub = hubDeployment({
      namespace: "demo-dev",
      image: cls.hub.image,
      configMapName: "hub-config",
      secretName: "hub-secret",
      secretKeys: [],
      proxyToken: { name: "proxy-api-token", key: "token" },
      serviceAccountName: "hub",
      claimName: "hub-db",
      resources: hubContainer(cls),
      secretChecksum: "1",
      nodeSelector: {},
    });
    assert.equal((hub.spec as any).template.spec.containers[0].resources.limits.cpu, "4");
    const proxy = proxyDeployment({
      namespace: "demo-dev",
      image: cls.proxy.image,
      tokenChecksum: "0",
      resources: proxyContainer(cls),
      nodeSelector: {},
    });
    assert.equal((proxy.spec as any).template.spec.containers[0].resources.limits.memory, "1Gi");
  });

  it("count in the quota and the LimitRange as configured", () => {
    const base = dev();
    const big = dev((c) => (c.hub = { resources: { cpuLimit: 4, memoryLimit: "6Gi" } }));
    const [baseQuota, bigQuota] = [base, big].map((cls) => quotaHard(cls, platformContainers(cls)));
    assert.equal(parseCpu(bigQuota["limits.cpu"]) - parseCpu(baseQuota["limits.cpu"]), 2000);
    assert.equal(bytes(bigQuota["limits.memory"]) - bytes(baseQuota["limits.memory"]), 4 * 2 ** 30);
    const max = (limitRange("demo-dev", big, platformContainers(big)).spec as any).limits[0].max;
    assert.deepEqual(max, { cpu: "4", memory: "6Gi" });
  });

  it("set the least quota the class may ask for", () => {
    const big = (quota: object) =>
      withClass("dev", (c) => {
        c.hub = { resources: { cpuLimit: 4 } };
        c.quota = quota;
      });
    assert.deepEqual(problems(big({ cpu: 3.5 })), [
      "classhub:class.quota.cpu = 3.5: is below the 5500m cores the hub, the proxy and one student server are limited to; set at least that",
    ]);
    assert.deepEqual(problems(big({ cpu: 5.5 })), []);
  });

  it("refuse a guarantee above its limit, for the hub and for the proxy, after the defaults fill in", () => {
    assert.deepEqual(problems(withClass("dev", (c) => (c.hub = { resources: { cpuGuarantee: 3 } }))), [
      "classhub:class.hub.resources.cpuGuarantee = 3: exceeds the hub's CPU limit 2; a guarantee must be at most its limit",
    ]);
    assert.deepEqual(problems(withClass("dev", (c) => (c.proxy = { resources: { memoryGuarantee: "1Gi" } }))), [
      'classhub:class.proxy.resources.memoryGuarantee = "1Gi": exceeds the proxy\'s memory limit 288Mi; a guarantee must be at most its limit',
    ]);
    assert.deepEqual(
      problems(withClass("dev", (c) => (c.proxy = { resources: { memoryGuarantee: "1Gi", memoryLimit: "1Gi" } }))),
      [],
    );
  });

  it("refuse a key they do not know, naming it", () => {
    assert.deepEqual(problems(withClass("dev", (c) => (c.hub = { resources: { cpu: 1 } }))), [
      "classhub:class.hub.resources: unknown key(s) 'cpu'",
    ]);
  });
});

describe("the hub database size", () => {
  it("defaults to 1Gi and sizes the hub-db claim", () => {
    assert.equal(dev().hub.databaseSize, "1Gi");
    const claim = databaseClaim("demo-dev", undefined, dev((c) => (c.hub = { databaseSize: "5Gi" })).hub.databaseSize);
    assert.deepEqual((claim.spec as any).resources, { requests: { storage: "5Gi" } });
  });

  it("counts in the storage quota: the homes plus the database", () => {
    const cls = dev((c) => (c.hub = { databaseSize: "5Gi" }));
    // dev: 3 students and 1 admin with 1Gi homes.
    assert.equal(quotaHard(cls, platformContainers(cls))["requests.storage"], "9Gi");
  });
});
