// The local random provider (tools/toolchain/pulumi-resource-random) stands in for upstream's, which cannot be
// built here. State written with it must stay valid under the upstream provider, so for every resource classhub
// creates with @pulumi/random, the stand-in's schema (as the engine gets it from the plugin) must match what the
// pinned SDK sends and expects: the type token, the inputs and which are required, the outputs, and the secrets.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { LiveEnv, ROOT } from "../../tools/harness/liveenv";

/** The @pulumi/random classes classhub uses (components/jupyterhub/JupyterHub.ts) and their SDK files. */
const USED = { RandomPassword: "randomPassword.js", RandomId: "randomId.js" };

interface Shape {
  token: string;
  inputs: string[];
  required: string[];
  outputs: string[];
  secrets: string[];
}

/** What the SDK's generated class sends (inputs) and reads back (its state's properties), from its source. */
function sdkShape(file: string): Shape {
  const js = fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "random", file), "utf8");
  const all = (re: RegExp) => [...js.matchAll(re)].map((m) => m[1]).sort();
  return {
    token: js.match(/static __pulumiType = '([^']+)'/)![1],
    inputs: all(/resourceInputs\["(\w+)"\] = args\?\.\w+;/g),
    required: all(/if \(args\?\.(\w+) === undefined && !opts\.urn\)/g),
    outputs: all(/resourceInputs\["(\w+)"\] = state\?\.\w+;/g),
    secrets: (js.match(/additionalSecretOutputs: \[([^\]]*)\]/)?.[1] ?? "")
      .split(",")
      .map((s) => s.trim().replace(/"/g, ""))
      .filter(Boolean)
      .sort(),
  };
}

function pluginShape(schema: any, token: string): Shape {
  const resource = schema.resources[token];
  assert.ok(resource, `the stand-in serves no ${token}`);
  const props = resource.properties as Record<string, { secret?: boolean }>;
  return {
    token,
    inputs: Object.keys(resource.inputProperties).sort(),
    required: [...resource.requiredInputs].sort(),
    outputs: Object.keys(props).sort(),
    secrets: Object.keys(props)
      .filter((k) => props[k].secret)
      .sort(),
  };
}

describe("the local random provider stand-in", () => {
  it("has the schema @pulumi/random's SDK sends and expects, for each resource classhub creates", () => {
    const env = new LiveEnv();
    try {
      const version = JSON.parse(
        fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "random", "package.json"), "utf8"),
      ).version;
      const schema = JSON.parse(env.ok("pulumi", ["package", "get-schema", `random@${version}`], 60_000, env.dir));
      assert.equal(schema.version, version);
      for (const [name, file] of Object.entries(USED)) {
        const sdk = sdkShape(file);
        assert.ok(sdk.inputs.length > 0 && sdk.outputs.length > 0, `${name}: the SDK source was not understood`);
        assert.deepEqual(pluginShape(schema, sdk.token), sdk, name);
      }
    } finally {
      env.stop();
    }
  });
});
