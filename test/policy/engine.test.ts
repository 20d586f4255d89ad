// The pack as the Pulumi CLI runs it: started through @pulumi/pulumi's run-policy-pack entry point (ts-node and
// policy/tsconfig.json, stack name in the environment), configured and queried over the analyzer's gRPC protocol.
// The diagnostics it returns must match what the harness the other tests use reports.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { policies } from "../../policy/policies";
import type { StackRun } from "../../tools/harness/mockrun";
import { lines } from "./assertions";
import { TYPES, find, runExamples, variant } from "./fixtures";
import { POLICY_DIR, type Resource, reconcileConfig, validateResources } from "./harness";

const fromPolicy = createRequire(path.join(POLICY_DIR, "package.json"));
const grpc = fromPolicy("@grpc/grpc-js");
const rpc = fromPolicy("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = fromPolicy("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = fromPolicy("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPolicy("google-protobuf/google/protobuf/empty_pb");

const STACK = "dev";
const LEVELS: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
let pack: ChildProcess;
let client: any;
let run: StackRun;

const call = <T>(method: string, request: unknown): Promise<T> =>
  new Promise((resolve, reject) =>
    client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))),
  );

before(async () => {
  run = (await runExamples([STACK])).get(STACK)!;
  const entry = fromPolicy.resolve("@pulumi/pulumi/cmd/run-policy-pack");
  pack = spawn(process.execPath, [entry, "127.0.0.1:0", "."], {
    cwd: POLICY_DIR,
    env: {
      ...process.env,
      PULUMI_NODEJS_STACK: STACK,
      PULUMI_NODEJS_PROJECT: "classhub",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  pack.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the pack did not start within 60 s: ${stderr}`)), 60_000);
    pack.stdout!.on("data", (d) => {
      const line = /^(\d+)\s*$/m.exec(String(d));
      if (line) {
        clearTimeout(timer);
        resolve(line[1]);
      }
    });
    pack.on("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
  });
  client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  // What the CLI sends after reconciling --policy-pack-config: every policy's level and properties.
  const request = new pb.ConfigureAnalyzerRequest();
  for (const [name, c] of reconcileConfig(policies, { "classhub-require-hub-admins": { minAdmins: 2 } })) {
    const config = new pb.PolicyConfig();
    config.setEnforcementlevel(LEVELS[c.enforcementLevel]);
    config.setProperties(Struct.fromJavaScript(c.properties ?? {}));
    request.getPolicyconfigMap().set(name, config);
  }
  await call("configure", request);
});

after(() => {
  client?.close();
  if (pack.exitCode === null) pack.kill();
});

function analyzeRequest(r: Resource) {
  const request = new pb.AnalyzeRequest();
  request.setType(r.type);
  request.setName(r.name);
  request.setUrn(`urn:pulumi:${STACK}::classhub::${r.type}::${r.name}`);
  request.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs))));
  const options = new pb.AnalyzerResourceOptions();
  options.setProtect(r.options?.protect ?? false);
  request.setOptions(options);
  return request;
}

async function analyze(r: Resource): Promise<string[]> {
  const response: any = await call("analyze", analyzeRequest(r));
  return response
    .getDiagnosticsList()
    .map((d: any) => `${d.getPolicyname()} ${d.getEnforcementlevel()}: ${d.getMessage()}`);
}

describe("the pack served over the analyzer protocol", () => {
  it("announces every policy with its level and config schema", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    assert.equal(info.getName(), "classhub");
    const announced = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]);
    assert.deepEqual(
      announced,
      policies.map((p) => [p.name, LEVELS[p.enforcementLevel!]]),
    );
  });

  it("reports for every dev resource exactly what the harness reports, with the configured threshold", async () => {
    const harness = await validateResources(run.resources, {
      stack: STACK,
      config: { "classhub-require-hub-admins": { minAdmins: 2 } },
    });
    const byPolicy = new Map(policies.map((p) => [p.name, p]));
    const expected = harness.map(
      (v) => `${v.policy} ${LEVELS[v.level]}: ${byPolicy.get(v.policy)!.description}\n${v.message}`,
    );
    const served = (await Promise.all(run.resources.map(analyze))).flat();
    assert.deepEqual(served, expected);
    // The hub ConfigMap has one admin, the config asks for two.
    assert.deepEqual(lines(harness), [
      "classhub-require-hub-admins: Expected at least 2 admins but found 1 in auth.admins of hub-settings.json of ConfigMap demo-dev/hub-config-<digest>; list course staff in classhub:class.admins",
    ]);
  });

  it("matches the harness on a privileged Deployment, and skips a value unknown during preview", async () => {
    const hub = find(run, TYPES.deployment, "hub-deployment");
    const bad = variant(hub, (d) => (d.spec.template.spec.containers[0].securityContext.privileged = true));
    assert.deepEqual(await analyze(bad), [
      "classhub-disallow-privileged-containers 1: Containers run unprivileged and with allowPrivilegeEscalation: false (Pod Security restricted).\n" +
        "Expected privileged false but found true in container hub of Deployment demo-dev/hub; set spec.template.spec.containers[0].securityContext.privileged to false (classhub's pods use components/security.ts)",
    ]);
    const unknown = variant(
      hub,
      (d) => (d.spec.template.spec.containers[0].image = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
    );
    assert.deepEqual(await analyze(unknown), []);
  });

  it("hands the policies a resource's protect option as the CLI sends it", async () => {
    const cluster = find((await runExamples(["platform"])).get("platform")!, TYPES.cluster);
    assert.deepEqual(await analyze(cluster), []);
    const policy = policies.find((p) => p.name === "classhub-require-deletion-protection")!;
    assert.deepEqual(await analyze({ ...cluster, options: { ...cluster.options, protect: false } }), [
      `${policy.name} 1: ${policy.description}\n` +
        "Expected the resource option protect but found it off in Cluster classhub-platform; set " +
        "classhub:cluster.gke.deletionProtection to true (turn it off only for the one `pulumi destroy` that retires the cluster)",
    ]);
  });
});
