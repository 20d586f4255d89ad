// The hub's secrets stay secret, through the real program under mocks: the OAuth client secret (a sentinel value
// here) and the generated keys and tokens reach the cluster only in Secrets, enter them as Pulumi secrets, and
// appear in no other object and no plain stack output. What `npm run render` writes is checked by test/hub
// (test_rendered_manifests.py), which renders every stack with a sentinel client secret anyway.
// Imported by examples.test.ts, whose process these tests share.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type RecordedResource, runStack, type StackRun } from "../../tools/harness/mockrun";
import { listStacks, readStackFile } from "../../tools/harness/stackfile";

const REPO = path.resolve(__dirname, "..", "..");
const SENTINEL = "sentinel-oauth-client-secret-7c41e0d2";
const SECRET = "kubernetes:core/v1:Secret";

/** Class stacks, and whether each has an OAuth client secret, from the stack files. */
const classStacks = listStacks(REPO)
  .map((stack) => ({ stack, file: readStackFile(stack, REPO) }))
  .filter(({ file }) => "classhub:class" in file.config)
  .map(({ stack, file }) => ({ stack, oauth: file.secretKeys.includes("classhub:oauthClientSecret") }));

/** What the program passes to each Secret it creates, before the SDK wraps the whole of stringData as secret. */
interface SecretInputs {
  name: string;
  stringData: Record<string, pulumi.Input<string>>;
}

/**
 * Runs a stack with the SDK's Secret class wrapped, to see what the program hands it. The SDK marks all of
 * stringData secret on its own, so the recorded props cannot tell whether the program kept each value secret.
 */
async function runWatchingSecrets(stack: string, overrides: Record<string, unknown>) {
  const sdk = createRequire(__filename)("@pulumi/kubernetes/core/v1/secret");
  const original = sdk.Secret;
  const created: SecretInputs[] = [];
  sdk.Secret = class extends original {
    constructor(name: string, args: any, opts?: pulumi.CustomResourceOptions) {
      created.push({ name, stringData: { ...args?.stringData } });
      super(name, args, opts);
    }
  };
  try {
    return { run: await runStack(stack, overrides, REPO), created };
  } finally {
    sdk.Secret = original;
  }
}

const key = (r: { __pulumiType?: string; __name?: string }) => `${r.__pulumiType}::${r.__name}`;

/** How a value entered a Secret: "secret", or "plain from <type::name>" for each resource it came from. */
async function howItEntered(value: pulumi.Input<string>): Promise<string> {
  if (!pulumi.Output.isInstance(value)) return "plain value";
  if (await (value as unknown as { isSecret: Promise<boolean> }).isSecret) return "secret";
  const from = [...((value as any).resources() as Set<any>)].map(key).sort();
  return `plain from ${from.join(", ") || "nothing"}`;
}

/** Every value of every Secret the program creates, unwrapped, as the engine receives them. */
const secretValues = (run: StackRun) =>
  run.resources
    .filter((r) => r.type === SECRET)
    .flatMap((r) => Object.values({ ...r.inputs.stringData, ...r.inputs.data }).map(String));

const leaks = (text: string, values: string[]) => values.filter((v) => text.includes(v));

/** The class namespace, which prefixes the JupyterHub component's children. */
const ns = (run: StackRun) =>
  run.resources.find((r) => r.type === "classhub:jupyterhub:JupyterHub")!.name.replace(/-jupyterhub$/, "");

for (const { stack, oauth } of classStacks) {
  describe(`stack ${stack}${oauth ? ", with a sentinel OAuth client secret" : ""}`, () => {
    let run: StackRun;
    let created: SecretInputs[];
    let values: string[];
    before(async () => {
      ({ run, created } = await runWatchingSecrets(stack, oauth ? { "classhub:oauthClientSecret": SENTINEL } : {}));
      values = secretValues(run);
    });

    it("keeps the hub's keys, tokens and client secret in its Secrets and nowhere else in the program", () => {
      const hubSecret = run.resources.find((r) => r.type === SECRET && r.name.endsWith("-hub-secret"))!;
      assert.deepEqual(
        Object.keys(hubSecret.inputs.stringData).sort(),
        ["check-token", "cookie-secret", "crypt-key", "culler-token", ...(oauth ? ["oauth-client-secret"] : [])].sort(),
      );
      if (oauth) assert.equal(hubSecret.inputs.stringData["oauth-client-secret"], SENTINEL);
      // The proxy's token and the hub's four generated values, 64 hex digits each, and the sentinel.
      assert.deepEqual(
        values.map((v) => (v === SENTINEL ? "the sentinel" : /^[0-9a-f]{64}$/.test(v) ? "64 hex digits" : v)).sort(),
        [...Array(5).fill("64 hex digits"), ...(oauth ? ["the sentinel"] : [])],
      );
      const elsewhere = run.resources
        .filter((r) => r.type !== SECRET)
        .map((r: RecordedResource) => ({ r: `${r.type}::${r.name}`, found: leaks(JSON.stringify(r.inputs), values) }))
        .filter(({ found }) => found.length > 0);
      assert.deepEqual(elsewhere, []);
    });

    it("writes none of them into a ConfigMap or the hub settings", () => {
      const configMaps = run.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
      assert.notEqual(configMaps.length, 0);
      for (const c of configMaps) {
        for (const [file, text] of Object.entries(c.inputs.data as Record<string, string>)) {
          assert.deepEqual(leaks(text, values), [], `${c.name} ${file}`);
        }
      }
    });

    it("exports none of them in a plain stack output", () => {
      const plain = Object.entries(run.outputs).filter(([name]) => !run.secretOutputs.includes(name));
      assert.deepEqual(leaks(JSON.stringify(plain), values), []);
    });

    it("hands every value to its Secret as a Pulumi secret, or as a password its provider keeps secret", async () => {
      const entered: Record<string, string> = {};
      for (const s of created) {
        for (const [k, v] of Object.entries(s.stringData)) entered[`${s.name} ${k}`] = await howItEntered(v);
      }
      // RandomPassword's provider marks `result` secret (additionalSecretOutputs), which the engine applies and
      // mocks do not; RandomId's hex it does not, so the program wraps those itself.
      const password = (suffix: string) => {
        const r = run.resources.find((x) => x.name === `${ns(run)}-jupyterhub-${suffix}`)!;
        assert.deepEqual(r.options.additionalSecretOutputs, ["bcryptHash", "result"], suffix);
        return `plain from ${r.type}::${r.name}`;
      };
      const hub = `${ns(run)}-jupyterhub-hub-secret`;
      assert.deepEqual(entered, {
        [`${ns(run)}-jupyterhub-proxy-token token`]: password("proxy-token"),
        [`${hub} cookie-secret`]: "secret",
        [`${hub} crypt-key`]: "secret",
        [`${hub} culler-token`]: password("culler-token"),
        [`${hub} check-token`]: password("check-token"),
        ...(oauth ? { [`${hub} oauth-client-secret`]: "secret" } : {}),
      });
    });
  });
}
