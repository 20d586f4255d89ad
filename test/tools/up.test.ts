// Where `make up` deploys (tools/dev/target.ts), and that tools/dev/up.sh refuses before it builds, starts or
// deploys anything. Fake kubeconfigs only: no kubectl, cluster or pulumi CLI is involved.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { decideTarget, isLocalContext, readKubeconfig } from "../../tools/dev/target";

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-up-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a kubeconfig with these contexts (each on a cluster of the same name) and returns its path. */
function kubeconfig(name: string, contexts: string[], current?: string): string {
  const file = path.join(dir, name);
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: contexts.map((c) => ({ name: c, cluster: { server: "https://203.0.113.7:443" } })),
    users: [{ name: "ta", user: { token: "not-a-token" } }],
    contexts: contexts.map((c) => ({ name: c, context: { cluster: c, user: "ta" } })),
    ...(current === undefined ? {} : { "current-context": current }),
  };
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

const PROD = "gke_ucb-classhub_us-central1_prod";
const prodConfig = kubeconfig("prod", [PROD, "kind-classhub"], PROD);

const REFUSAL = [
  `[up] refusing to deploy stack dev to kubeconfig context "${PROD}": it is not a local cluster.`,
  "[up] Without asking, make up deploys only to classhub-local (the local control plane) and to contexts named " +
    "kind-*, k3d-*, minikube, docker-desktop, rancher-desktop.",
  `[up] To deploy there anyway: make up CONTEXT=${PROD}`,
  "[up] To use the local control plane instead: make up CONTEXT=classhub-local",
  "",
].join("\n");

// Should up.sh ever get past its decision, it must deploy and build nothing: this pulumi only records that it
// ran, and GO=false fails any toolchain build at once.
const bin = path.join(dir, "bin");
const pulumiRan = path.join(dir, "pulumi-ran");
fs.mkdirSync(bin);
fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> '${pulumiRan}'\nexit 1\n`, { mode: 0o755 });

/** Runs a command with no terminal, as in CI, with this kubeconfig, a HOME of its own and no kubectl. */
function run(command: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(command, args, {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
    env: { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir, GO: "false", ...env },
  });
  if (r.error) throw r.error;
  return r;
}

describe("where make up deploys", () => {
  it("recognises the default context names of local cluster tools, and nothing else", () => {
    for (const c of ["kind-kind", "kind-classhub", "k3d-dev", "minikube", "docker-desktop", "rancher-desktop"]) {
      assert.equal(isLocalContext(c), true, c);
    }
    for (const c of [PROD, "kind", "minikube-prod", "arn:aws:eks:us-west-2:1:cluster/kind-x", "prod-kind-a"]) {
      assert.equal(isLocalContext(c), false, c);
    }
  });

  it("starts the local control plane when the kubeconfig has no current context, or none at all", () => {
    const target = decideTarget({ contexts: [] }, "dev");
    assert.deepEqual(target, {
      action: "controlplane",
      context: "classhub-local",
      reason: "no current context in your kubeconfig",
    });
    assert.equal(
      decideTarget({ current: "classhub-local", contexts: ["classhub-local"] }, "dev").action,
      "controlplane",
    );
  });

  it("deploys to a local cluster without asking", () => {
    assert.deepEqual(decideTarget({ current: "kind-classhub", contexts: ["kind-classhub"] }, "dev"), {
      action: "local",
      context: "kind-classhub",
    });
  });

  it("asks at a terminal before any other context, and refuses without one", () => {
    const kube = { current: PROD, contexts: [PROD] };
    assert.deepEqual(decideTarget(kube, "dev", undefined, true), { action: "ask", context: PROD });
    assert.equal(decideTarget(kube, "dev", undefined, false).action, "refuse");
  });

  it("deploys to a context the user names, and to the local control plane for classhub-local", () => {
    const kube = { current: PROD, contexts: [PROD, "kind-classhub"] };
    assert.deepEqual(decideTarget(kube, "dev", PROD), { action: "deploy", context: PROD });
    assert.equal(decideTarget(kube, "dev", "classhub-local").action, "controlplane");
  });

  it("refuses a named context the kubeconfig does not have, and lists the ones it has", () => {
    assert.deepEqual(decideTarget({ current: PROD, contexts: [PROD] }, "dev", "kind-typo"), {
      action: "refuse",
      message: `no context "kind-typo" in your kubeconfig; it has: ${PROD}, classhub-local`,
    });
  });

  it("quotes a context name the shell would split in the opt-in it suggests", () => {
    const target = decideTarget({ current: "ta's cluster", contexts: ["ta's cluster"] }, "dev");
    assert.equal(target.action, "refuse");
    assert.match((target as { message: string }).message, /make up CONTEXT='ta'\\''s cluster'\n/);
  });

  it("merges KUBECONFIG files as kubectl does: the first current context wins, contexts add up", () => {
    const none = kubeconfig("none", ["kind-a"]);
    const second = kubeconfig("second", ["minikube"], "minikube");
    const kube = readKubeconfig({ KUBECONFIG: [path.join(dir, "missing"), none, prodConfig, second].join(":") });
    assert.deepEqual(kube, { current: PROD, contexts: ["kind-a", PROD, "kind-classhub", "minikube"] });
    fs.mkdirSync(path.join(dir, ".kube"), { recursive: true });
    fs.copyFileSync(second, path.join(dir, ".kube", "config"));
    assert.deepEqual(readKubeconfig({ HOME: dir }), { current: "minikube", contexts: ["minikube"] });
  });
});

describe("tools/dev/up.sh with a production context and no terminal", () => {
  it("refuses with the context's name and the opt-ins, before building or deploying anything", () => {
    const r = run("tools/dev/up.sh", [], { KUBECONFIG: prodConfig });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, REFUSAL);
    assert.equal(r.stdout, "");
    assert.equal(fs.existsSync(pulumiRan), false, "pulumi never ran");
  });

  it("refuses a --context that is not in the kubeconfig", () => {
    const r = run("tools/dev/up.sh", ["--context", "kind-typo"], { KUBECONFIG: prodConfig });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `[up] no context "kind-typo" in your kubeconfig; it has: ${PROD}, kind-classhub, classhub-local\n`,
    );
  });

  it("prints the decision for up.sh on stdout", () => {
    const local = kubeconfig("local", ["kind-classhub"], "kind-classhub");
    const r = run(process.execPath, ["--import", "tsx", "tools/dev/target.ts", "--stack", "dev"], {
      KUBECONFIG: local,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "local\tkind-classhub\n");
    const opted = run(process.execPath, ["--import", "tsx", "tools/dev/target.ts", "--context", PROD], {
      KUBECONFIG: prodConfig,
    });
    assert.equal(opted.stdout, `deploy\t${PROD}\n`);
  });
});
