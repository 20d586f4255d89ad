// The live tests' and the benchmark's environment: the real pulumi CLI, in throwaway state, and either a control
// plane of their own on 127.0.0.1 (nothing runs), or the local cluster with its node (tools/node), where pods run.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";

export const ROOT = path.resolve(__dirname, "../..");

/** PATH and PULUMI_HOME of the offline toolchain, as tools/toolchain/env.sh sets them. */
function toolchainEnv(): Record<string, string> {
  // No stdin: Node's pipe is a socket, and Debian's bash would then read ~/.bashrc into this environment.
  const out = execFileSync("bash", ["-c", `eval "$(tools/toolchain/env.sh)"; env -0`], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return Object.fromEntries(
    out
      .toString()
      .split("\0")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** The images tools/node/images.sh names for this checkout: HUB_IMAGE, PROXY_IMAGE, STUDENT_IMAGE, ... */
export function nodeImages(): Record<string, string> {
  const out = execFileSync("tools/node/images.sh", ["refs"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return Object.fromEntries(
    out
      .toString()
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => line.split("=") as [string, string]),
  );
}

/**
 * A Pulumi backend of its own, so the tests never touch the user's, and a cluster: by default a control plane of
 * its own (pods are stored, not run); with `node`, the machine's one local cluster (tools/node/up.sh), shared with
 * `make up`, where each test keeps to namespaces of its own.
 */
export class LiveEnv {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-live-"));
  readonly kubeconfig: string;
  /** A copy of the program: the tests write their own stack files there, never into the repo. */
  readonly project = path.join(this.dir, "project");
  readonly env: Record<string, string>;
  /** The node's images, which stacks on the node run instead of the upstream ones. */
  readonly images: Record<string, string> = {};

  constructor(readonly options: { node?: boolean } = {}) {
    fs.mkdirSync(this.project);
    for (const entry of [
      "Pulumi.yaml",
      "package.json",
      "tsconfig.json",
      "tsconfig.pulumi.json",
      "index.ts",
      "components",
      "hub",
      "rosters",
      "files",
    ]) {
      fs.cpSync(path.join(ROOT, entry), path.join(this.project, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.project, "node_modules"));
    const tools = toolchainEnv();
    const ownControlPlane = {
      CLASSHUB_CP_DIR: path.join(this.dir, "controlplane"),
      CLASSHUB_KUBECONFIG: path.join(this.dir, "kubeconfig"),
      // Ports apart from the defaults, so a control plane started by `make up` can keep running.
      CLASSHUB_APISERVER_PORT: "26443",
      CLASSHUB_ETCD_PORT: "33790",
      CLASSHUB_ETCD_PEER_PORT: "33800",
      CLASSHUB_KCM_PORT: "20257",
    };
    this.kubeconfig = options.node
      ? path.join(tools.CLASSHUB_CACHE, "controlplane", "kubeconfig")
      : ownControlPlane.CLASSHUB_KUBECONFIG;
    if (options.node) this.images = nodeImages();
    this.env = {
      ...tools,
      ...(options.node ? {} : ownControlPlane),
      KUBECONFIG: this.kubeconfig,
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "classhub-dev",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    fs.mkdirSync(path.join(this.dir, "state"));
  }

  run(command: string, args: string[], timeoutMs = 300_000, cwd = ROOT): Result {
    const r = spawnSync(command, args, { cwd, env: this.env, timeout: timeoutMs, encoding: "utf8" });
    if (r.error) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs a command that must succeed, and returns its stdout. */
  ok(command: string, args: string[], timeoutMs?: number, cwd = ROOT): string {
    const r = this.run(command, args, timeoutMs, cwd);
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** Starts the cluster (on the node: finds it running, or starts it; the first time builds it, for minutes). */
  start(): void {
    if (this.options.node) this.ok("tools/node/up.sh", [], 3_600_000);
    else this.ok("tools/controlplane/up.sh", [], 120_000);
  }

  /** Stops a control plane of its own; the node's cluster is the machine's, and stays. */
  stop(): void {
    if (!this.options.node) this.run("tools/controlplane/down.sh", [], 60_000);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  kubectl(...args: string[]): string {
    return this.ok("kubectl", args);
  }

  json(...args: string[]): any {
    return JSON.parse(this.kubectl(...args, "-o", "json"));
  }

  /**
   * Writes Pulumi.<stack>.yaml in the project copy from an example stack, pointed at the local cluster: on the
   * node with its images and readiness waits, else with skipAwait (nothing runs).
   * The copy drops the example's encrypted values: its secrets are set again under this environment's passphrase.
   */
  writeStack(stack: string, from: string, change: (cls: any) => void = () => undefined): void {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${from}.yaml`), "utf8"));
    delete doc.encryptionsalt;
    delete doc.config["classhub:oauthClientSecret"];
    doc.config["classhub:cluster"] = { source: "ambient", context: "classhub-local", skipAwait: !this.options.node };
    if (this.options.node) {
      const cls = doc.config["classhub:class"];
      cls.image = this.images.STUDENT_IMAGE;
      cls.hub = { ...cls.hub, image: this.images.HUB_IMAGE };
      cls.proxy = { ...cls.proxy, image: this.images.PROXY_IMAGE };
      cls.prePull = { ...cls.prePull, pauseImage: this.images.PAUSE_IMAGE };
      cls.placeholders = {
        ...cls.placeholders,
        image: this.images.PAUSE_IMAGE,
        scalerImage: this.images.KUBECTL_IMAGE,
      };
    }
    change(doc.config["classhub:class"]);
    fs.writeFileSync(path.join(this.project, `Pulumi.${stack}.yaml`), stringify(doc));
  }

  pulumi(...args: string[]): Result {
    return this.run("pulumi", [...args, "--non-interactive"], 600_000, this.project);
  }

  /** Creates the stack, and gives OAuth classes a client secret of their own. */
  initStack(stack: string): void {
    for (const args of [
      ["stack", "init", stack],
      ...(this.usesOAuth(stack)
        ? [["config", "set", "--secret", "classhub:oauthClientSecret", "local-secret", "--stack", stack]]
        : []),
    ]) {
      const r = this.pulumi(...args);
      if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")}: ${r.stderr}`);
    }
  }

  private usesOAuth(stack: string): boolean {
    const doc = parse(fs.readFileSync(path.join(this.project, `Pulumi.${stack}.yaml`), "utf8"));
    return doc.config["classhub:class"]?.auth?.type !== "dummy";
  }
}
