// tools/versions.sh is the one place for every version the tools pin; the npm packages it must agree with are
// pinned in package.json and policy/package.json.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "../..");
// Node's stdin pipe is a socket, and Debian's bash then reads ~/.bashrc as if started by rshd.
const NO_STDIN: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];

/** The variables tools/versions.sh sets, as bash sees them. */
function versions(): Record<string, string> {
  const out = execFileSync("bash", ["-c", "set -a; . tools/versions.sh; env -0"], {
    cwd: ROOT,
    env: {},
    stdio: NO_STDIN,
  });
  return Object.fromEntries(
    out
      .toString()
      .split("\0")
      .filter((line) => /^[A-Z0-9_]+_VERSION=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const dependencies = (file: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")).dependencies;

describe("tools/versions.sh", () => {
  const v = versions();

  it("is where the Makefile takes the Node.js version from", () => {
    const make = execFileSync(
      "make",
      ["-s", "--no-print-directory", "--eval", "node-version: ; @echo $(NODE_VERSION)", "node-version"],
      {
        cwd: ROOT,
        stdio: NO_STDIN,
      },
    );
    assert.equal(make.toString().trim(), v.NODE_VERSION);
    assert.match(v.NODE_VERSION, /^22\.\d+\.\d+$/, "@pulumi/pulumi and package.json's engines want Node 22");
  });

  it("builds the CLI and plugins at the versions the npm SDKs ask the engine for", () => {
    for (const file of ["package.json", "policy/package.json"]) {
      assert.equal(v.PULUMI_VERSION, `v${dependencies(file)["@pulumi/pulumi"]}`, file);
      assert.equal(v.K8S_PROVIDER_VERSION, dependencies(file)["@pulumi/kubernetes"], file);
    }
    assert.equal(v.RANDOM_PROVIDER_VERSION, dependencies("package.json")["@pulumi/random"]);
  });

  it("builds the node's tools at the versions their wrappers' go.mod require", () => {
    const wrappers: [string, string, string][] = [
      ["CONTAINERD_VERSION", "containerd", "github.com/containerd/containerd/v2"],
      ["RUNC_VERSION", "runc", "github.com/opencontainers/runc"],
      ["COREDNS_VERSION", "coredns", "github.com/coredns/coredns"],
      ["KUBE_ROUTER_VERSION", "kube-router", "github.com/cloudnativelabs/kube-router/v2"],
      ["LOCAL_PATH_VERSION", "local-path-provisioner", "github.com/rancher/local-path-provisioner"],
      ["UMOCI_VERSION", "umoci", "github.com/opencontainers/umoci"],
      ["KUBE_VERSION", "kube-apiserver", "k8s.io/kubernetes"],
    ];
    for (const [key, dir, module] of wrappers) {
      const gomod = fs.readFileSync(path.join(ROOT, "tools/toolchain", dir, "go.mod"), "utf8");
      assert.match(
        gomod,
        new RegExp(`^\\s+${module.replaceAll(".", "\\.")} ${v[key]}( |$)`, "m"),
        `${dir}/go.mod, ${key}`,
      );
    }
  });

  it("pins the kubernetes provider's source to the module its wrapper requires", () => {
    const gomod = fs.readFileSync(path.join(ROOT, "tools/toolchain/pulumi-resource-kubernetes/go.mod"), "utf8");
    assert.ok(gomod.includes(`github.com/pulumi/pulumi-kubernetes/provider/v4 ${v.K8S_PROVIDER_MODULE_VERSION}`));
  });
});
