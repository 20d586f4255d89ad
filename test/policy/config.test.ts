// Pack config: the policies' thresholds change what they report. How the CLI merges levels and defaults and
// refuses a config that breaks a schema is tested against the real CLI in test/live, not against the harness's copy.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { policies } from "../../policy/policies";
import type { StackRun } from "../../tools/harness/mockrun";
import { policyNamed, withoutDigest } from "./assertions";
import { EXAMPLE_CONFIG, TYPES, find, runExamples, settingsVariant } from "./fixtures";
import { reconcileConfig, type Resource, validate } from "./harness";
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

const IDLE = "classhub-require-idle-culling";

describe("pack config", () => {
  it("a cost policy reports a three-hour timeout, as advisory by default", async () => {
    const violations = await validate([longTimeout], { stack: "data8-fa26" });
    assert.deepEqual(
      violations.map((v) => withoutDigest(`${v.policy} ${v.level}: ${v.message}`)),
      [
        `${IDLE} advisory: Expected an idle timeout of at most 120 minutes but found 180 minutes in hub-settings.json of ConfigMap data8-fa26/hub-config-<digest>; set classhub:class.culling.timeoutMinutes to 120 or less`,
      ],
    );
  });
  it("a raised threshold lets the same setting pass", async () => {
    const config = { [IDLE]: { maxTimeoutMinutes: 180 } };
    assert.deepEqual(await validate([longTimeout], { stack: "data8-fa26", config, policies: policyNamed(IDLE) }), []);
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
        'Expected an image pinned to a digest but found "quay.io/jupyterhub/k8s-hub:4.4.0" (a tag without a digest) in container hub of Deployment demo-dev/hub; set classhub:class.hub.image to an exact digest',
      ],
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
