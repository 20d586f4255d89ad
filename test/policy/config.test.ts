// Pack config: thresholds and enforcement levels change what the pack reports, the way the Pulumi CLI applies a
// --policy-pack-config file; an invalid file is refused before anything runs.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { policies } from "../../policy/policies";
import type { StackRun } from "../../tools/mockrun";
import { EXAMPLE_CONFIG, TYPES, find, runExamples, settingsVariant } from "./fixtures";
import { PackConfigError, reconcileConfig, type Resource, validate } from "./harness";
import { unsupportedKeywords } from "./schema";

let runs: Map<string, StackRun>;
let longTimeout: Resource;
before(async () => {
  runs = await runExamples(["data8-fa26", "dev"]);
  longTimeout = settingsVariant(
    find(runs.get("data8-fa26")!, TYPES.configMap, "hub-config"),
    (s) => (s.culler.timeoutSeconds = 180 * 60),
  );
});

const summary = async (resources: Resource[], config?: Parameters<typeof validate>[1]["config"]) =>
  (await validate(resources, { stack: "data8-fa26", config })).map((v) => `${v.policy} ${v.level}`);

describe("pack config", () => {
  it("a cost policy is advisory by default", async () => {
    assert.deepEqual(await summary([longTimeout]), ["classhub-require-idle-culling advisory"]);
  });
  it("a level string makes it mandatory", async () => {
    assert.deepEqual(await summary([longTimeout], { "classhub-require-idle-culling": "mandatory" }), [
      "classhub-require-idle-culling mandatory",
    ]);
  });
  it("an enforcementLevel inside an object works the same, next to properties", async () => {
    const config = {
      "classhub-require-idle-culling": { enforcementLevel: "mandatory" as const, maxTimeoutMinutes: 90 },
    };
    assert.deepEqual(await summary([longTimeout], config), ["classhub-require-idle-culling mandatory"]);
  });
  it("a raised threshold lets the same setting pass", async () => {
    assert.deepEqual(await summary([longTimeout], { "classhub-require-idle-culling": { maxTimeoutMinutes: 180 } }), []);
  });
  it("disabled turns a policy off", async () => {
    assert.deepEqual(await summary([longTimeout], { "classhub-require-idle-culling": "disabled" }), []);
  });
  it('"all" sets every level, and a policy\'s own entry wins over it', async () => {
    assert.deepEqual(await summary([longTimeout], { all: "mandatory" }), ["classhub-require-idle-culling mandatory"]);
    assert.deepEqual(await summary([longTimeout], { all: "mandatory", "classhub-require-idle-culling": "advisory" }), [
      "classhub-require-idle-culling advisory",
    ]);
  });
  it("properties the file leaves out keep their schema defaults", () => {
    const config = reconcileConfig(policies, { "classhub-require-pinned-images": { requireDigest: true } });
    assert.deepEqual(config.get("classhub-require-pinned-images")?.properties, {
      requireDigest: true,
      disallowedTags: ["latest"],
    });
  });
  it("requireDigest turns every tag-only image into a violation", async () => {
    const hub = find(runs.get("dev")!, TYPES.deployment, "hub-deployment");
    const violations = await validate([hub], {
      stack: "dev",
      config: { "classhub-require-pinned-images": { requireDigest: true } },
    });
    assert.deepEqual(
      violations.map((v) => v.message),
      [
        'Expected an image pinned to a digest but found "quay.io/jupyterhub/k8s-hub:4.4.0" (a tag without a digest) in container hub of Deployment demo-dev/hub; set spec.template.spec.containers[0].image to an exact digest',
      ],
    );
  });
  it("refuses a value of the wrong type, naming the policy and the property", () => {
    assert.throws(
      () => reconcileConfig(policies, { "classhub-require-idle-culling": { maxTimeoutMinutes: "two hours" } }),
      new PackConfigError(
        "policy pack configuration is invalid: classhub-require-idle-culling: maxTimeoutMinutes: Invalid type. Expected: integer, given: string",
      ),
    );
  });
  it("refuses a threshold below its minimum and a value outside an enum", () => {
    assert.throws(
      () =>
        reconcileConfig(policies, {
          "classhub-require-hub-admins": { minAdmins: 0 },
          "classhub-require-release-channel": { allowedChannels: ["NIGHTLY"] },
        }),
      new PackConfigError(
        'policy pack configuration is invalid: classhub-require-hub-admins: minAdmins: Must be greater than or equal to 1; classhub-require-release-channel: allowedChannels.0: must be one of the following: "RAPID", "REGULAR", "STABLE", "EXTENDED"',
      ),
    );
  });
  it("refuses an unknown enforcement level", () => {
    assert.throws(
      () => reconcileConfig(policies, { "classhub-require-idle-culling": "strict" as never }),
      /"strict" is not a valid enforcement level/,
    );
  });
  it("accepts the shipped example config, which names only real policies", () => {
    reconcileConfig(policies, EXAMPLE_CONFIG);
    const names = new Set(policies.map((p) => p.name));
    assert.deepEqual(
      Object.keys(EXAMPLE_CONFIG).filter((k) => k !== "all" && !names.has(k)),
      [],
    );
  });
  it("uses only the JSON Schema keywords the test checker understands", () => {
    for (const p of policies) {
      if (p.configSchema === undefined) continue;
      assert.deepEqual(unsupportedKeywords({ type: "object", ...p.configSchema }), [], p.name);
      for (const [key, schema] of Object.entries(p.configSchema.properties)) {
        assert.ok(schema.default !== undefined, `${p.name}.${key} has a default`);
        assert.ok(typeof schema.description === "string", `${p.name}.${key} has a description`);
      }
    }
  });
});
