// How the pack meets the policy SDK: names and levels follow the house style, type matching goes through
// validateResourceOfType with the real resource classes, unknown values are skipped, secrets arrive unwrapped.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  PACK_ENFORCEMENT_LEVEL,
  authentication,
  cost,
  dataSafety,
  gke,
  policies,
  security,
} from "../../policy/policies";
import type { StackRun } from "../../tools/harness/mockrun";
import { TYPES, find, runExamples, variant } from "./fixtures";
import { lines } from "./assertions";
import { UNKNOWN, validate } from "./harness";

let run: StackRun;
before(async () => {
  run = (await runExamples(["gpu-seminar-fa26"])).get("gpu-seminar-fa26")!;
});

describe("the pack", () => {
  it("names every policy classhub-<verb>-..., kebab-case, once", () => {
    const names = policies.map((p) => p.name);
    for (const name of names)
      assert.match(name, /^classhub-(disallow|enforce|require|configure)-[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.equal(new Set(names).size, names.length);
    assert.equal(names.length, 36);
  });
  it("makes security, authentication, data safety and GKE mandatory, and cost advisory", () => {
    for (const p of [...security, ...authentication, ...dataSafety, ...gke])
      assert.equal(p.enforcementLevel, "mandatory", p.name);
    for (const p of cost) assert.equal(p.enforcementLevel, "advisory", p.name);
    assert.equal(PACK_ENFORCEMENT_LEVEL, "advisory");
  });
  it("describes every policy in one sentence", () => {
    for (const p of policies) assert.match(p.description, /^[A-Z].{20,160}\.$/, p.name);
  });
});

describe("type matching through the SDK", () => {
  it("checks a Deployment's pod spec, but not the same object registered under another type", async () => {
    const hub = find(run, TYPES.deployment, "hub-deployment");
    const privileged = variant(hub, (d) => (d.spec.template.spec.containers[0].securityContext.privileged = true));
    assert.deepEqual(lines(await validate([privileged], { stack: "gpu-seminar-fa26" })), [
      "classhub-disallow-privileged-containers: Expected privileged false but found true in container hub of Deployment cs294-dl-fa26/hub; set spec.template.spec.containers[0].securityContext.privileged to false (classhub's pods use components/security.ts)",
    ]);
    const elsewhere = { ...privileged, type: "kubernetes:apps/v1beta1:Deployment" };
    assert.deepEqual(await validate([elsewhere], { stack: "gpu-seminar-fa26" }), []);
  });
  it("checks a gcp.container.Cluster, not a look-alike of another type", async () => {
    const cluster = variant(find(run, TYPES.cluster), (c) => (c.enableLegacyAbac = true));
    assert.deepEqual(lines(await validate([cluster], { stack: "gpu-seminar-fa26" })), [
      "classhub-disallow-legacy-cluster-auth: Expected enableLegacyAbac false but found true in Cluster classhub-gpu-seminar-fa26; set it to false in clusterArgs() in components/cluster/gke.ts",
    ]);
    assert.deepEqual(
      await validate([{ ...cluster, type: "gcp:container/awsCluster:AwsCluster" }], { stack: "gpu-seminar-fa26" }),
      [],
    );
  });
});

describe("values unknown during preview", () => {
  it("skip the check that needs them instead of failing it or the policy", async () => {
    const hub = find(run, TYPES.deployment, "hub-deployment");
    const unknownImage = variant(hub, (d) => (d.spec.template.spec.containers[0].image = UNKNOWN));
    assert.deepEqual(await validate([unknownImage], { stack: "gpu-seminar-fa26" }), []);
  });
  it("still let the other checks of the same resource run", async () => {
    const hub = find(run, TYPES.deployment, "hub-deployment");
    const both = variant(hub, (d) => {
      d.spec.template.spec.containers[0].image = UNKNOWN;
      d.spec.template.spec.hostNetwork = true;
    });
    assert.deepEqual(lines(await validate([both], { stack: "gpu-seminar-fa26" })), [
      "classhub-disallow-host-access: Expected hostNetwork false but found true in Deployment cs294-dl-fa26/hub; set spec.template.spec.hostNetwork to false",
    ]);
  });
  it("skip settings that are not known yet: a new cluster's storage class names the hub ConfigMap waits on", async () => {
    const configMap = variant(find(run, TYPES.configMap, "hub-config"), (c) => (c.data["hub-settings.json"] = UNKNOWN));
    assert.deepEqual(await validate([configMap], { stack: "gpu-seminar-fa26" }), []);
  });
  it("skip a claim whose storage class is not known yet (stack policy)", async () => {
    const claims = run.resources.map((r) =>
      r.type === TYPES.pvc ? variant(r, (c) => (c.spec.storageClassName = UNKNOWN)) : r,
    );
    assert.deepEqual(await validate(claims, { stack: "gpu-seminar-fa26" }), []);
  });
});

describe("secrets", () => {
  // How the engine marks a secret value on the wire (@pulumi/pulumi runtime/rpc specialSecretSig).
  const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

  it("are still compared with ConfigMaps when the engine sends them marked secret", async () => {
    const hubSecret = variant(
      find(run, TYPES.secret, "hub-secret"),
      (s) => (s.stringData["crypt-key"] = secret("c0ffee".repeat(8))),
    );
    const leak = variant(
      find(run, TYPES.configMap, "hub-config"),
      (c) => (c.data.notes = `key: ${"c0ffee".repeat(8)}`),
    );
    assert.deepEqual(lines(await validate([hubSecret, leak], { stack: "gpu-seminar-fa26" })), [
      'classhub-disallow-secrets-in-configmaps: Expected no Secret values in a ConfigMap but found the value of Secret cs294-dl-fa26/hub key "crypt-key" in data key "notes" of ConfigMap cs294-dl-fa26/hub-config-<digest>; keep it in the hub Secret and pass it as an env var (components/hub/manifests.ts SECRET_ENV)',
    ]);
  });
});
