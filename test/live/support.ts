// The live tests' view of the shared control plane: the commands of tools/harness/liveenv, but asynchronous, so
// tests that each deploy a stack of their own can run side by side; and each test's own class stack.
// The engine runs the program transpile-only: type-checking it took 7 s of the first run of every environment
// and 2-3 s of CPU of each later one, and `make lint` (tsc) checks the same types.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type LiveEnv, type Result, ROOT } from "../../tools/harness/liveenv";

export class Live {
  private files = 0;
  private readonly commandEnv: Record<string, string>;

  constructor(readonly env: LiveEnv) {
    this.commandEnv = { ...env.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
  }

  /** Runs a command to its end; its status is the caller's to check. */
  run(command: string, args: string[], cwd = ROOT, timeoutMs = 300_000): Promise<Result> {
    return new Promise((resolve, reject) =>
      execFile(
        command,
        args,
        { cwd, env: this.commandEnv, timeout: timeoutMs, maxBuffer: 256 * 2 ** 20, encoding: "utf8" },
        (error, stdout, stderr) => {
          if (error !== null && typeof error.code !== "number") reject(error);
          else resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
        },
      ),
    );
  }

  /** Runs a command that must succeed, and returns its stdout. */
  async ok(command: string, args: string[], cwd = ROOT): Promise<string> {
    const r = await this.run(command, args, cwd);
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  kubectl(...args: string[]): Promise<string> {
    return this.ok("kubectl", args);
  }

  async json(...args: string[]): Promise<any> {
    return JSON.parse(await this.kubectl(...args, "-o", "json"));
  }

  /** Object names of a kind in a namespace, sorted. */
  async names(kind: string, ns: string): Promise<string[]> {
    return ((await this.json("get", kind, "-n", ns)).items as any[]).map((o) => o.metadata.name as string).sort();
  }

  async uid(kind: string, name: string, ns?: string): Promise<string> {
    return (await this.json("get", kind, name, ...(ns ? ["-n", ns] : []))).metadata.uid;
  }

  /**
   * Deletes these namespaces, and the volumes their claims had, folders included: destroy keeps namespaces and homes
   * by design, and Retain keeps a released volume until it is deleted.
   */
  async removeNamespaces(namespaces: string[]): Promise<void> {
    await Promise.all(
      namespaces.map((ns) => this.kubectl("delete", "namespace", ns, "--ignore-not-found", "--timeout=180s")),
    );
    const volumes = ((await this.json("get", "pv")).items as any[]).filter((pv) =>
      namespaces.includes(pv.spec.claimRef?.namespace),
    );
    for (const pv of volumes) {
      await this.kubectl("delete", "pv", pv.metadata.name);
      const folder = pv.spec.hostPath?.path ?? pv.spec.local?.path;
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
    }
  }

  /** Writes an object to a file of its own (tests run side by side) and returns the file's path. */
  file(object: unknown): string {
    const file = path.join(this.env.dir, `object-${++this.files}.json`);
    fs.writeFileSync(file, JSON.stringify(object));
    return file;
  }

  /**
   * A PersistentVolume of `folder` on the node (a local volume: it needs no provisioner), Retain, 1Gi; `spec` adds
   * or replaces fields (access modes, storage class, a claim it is for).
   */
  async localVolume(name: string, folder: string, spec: Record<string, unknown>): Promise<void> {
    const node = (await this.json("get", "nodes")).items[0].metadata.name;
    const onNode = { key: "kubernetes.io/hostname", operator: "In", values: [node] };
    await this.kubectl(
      "apply",
      "-f",
      this.file({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name },
        spec: {
          capacity: { storage: "1Gi" },
          accessModes: ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Retain",
          storageClassName: "",
          local: { path: folder },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [onNode] }] } },
          ...spec,
        },
      }),
    );
  }

  /** Asks the API server whether a service account may do something: a real SubjectAccessReview. */
  async allowed(user: string, verb: string, resource: string, namespace: string): Promise<boolean> {
    const review = {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`],
        resourceAttributes: { verb, resource, namespace },
      },
    };
    return (await this.json("create", "-f", this.file(review))).status.allowed === true;
  }

  pulumi(...args: string[]): Promise<Result> {
    return this.run("pulumi", [...args, "--non-interactive"], this.env.project, 600_000);
  }

  /**
   * A dev class stack of this test's own: stack `dev-<name>`, class `<name>` in namespace `<name>-dev`, on its own
   * node port, from Pulumi.dev.yaml pointed at the shared control plane.
   */
  async classStack(name: string, nodePort: number, change: (cls: any) => void = () => undefined): Promise<ClassStack> {
    const stack = new ClassStack(this, `dev-${name}`, `${name}-dev`, (c) => {
      c.name = name;
      c.nodePort = nodePort;
    });
    stack.write(change);
    const init = await this.pulumi("stack", "init", stack.name);
    if (init.status !== 0) throw new Error(`pulumi stack init ${stack.name}: ${init.stdout}${init.stderr}`);
    return stack;
  }
}

export class ClassStack {
  constructor(
    private live: Live,
    readonly name: string,
    readonly ns: string,
    private own: (cls: any) => void,
  ) {}

  /** Rewrites the stack file from Pulumi.dev.yaml: this stack's name and node port, then `change`. */
  write(change: (cls: any) => void = () => undefined): void {
    this.live.env.writeStack(this.name, "dev", (c) => {
      this.own(c);
      change(c);
    });
  }

  up(...extra: string[]): Promise<Result> {
    return this.live.pulumi("up", "--yes", "--skip-preview", "--stack", this.name, ...extra);
  }

  /** `pulumi up`, which must succeed; returns its stdout. */
  async deploy(...extra: string[]): Promise<string> {
    const r = await this.up(...extra);
    if (r.status !== 0) throw new Error(`pulumi up --stack ${this.name} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  preview(...extra: string[]): Promise<Result> {
    return this.live.pulumi("preview", "--stack", this.name, ...extra);
  }

  destroy(): Promise<Result> {
    return this.live.pulumi("destroy", "--yes", "--skip-preview", "--stack", this.name);
  }
}

/**
 * The engine's events of one `up --json` (one JSON event a line), in order: which step started (pre) or finished
 * (outputs), for which object.
 */
export function steps(events: string): { phase: "pre" | "done"; kind: string; name: string }[] {
  return events
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .flatMap((event) => {
      const [phase, step] = event.resourcePreEvent
        ? (["pre", event.resourcePreEvent] as const)
        : event.resOutputsEvent
          ? (["done", event.resOutputsEvent] as const)
          : [undefined, undefined];
      const state = step?.metadata?.new ?? step?.metadata?.old;
      const kind = state?.outputs?.kind ?? state?.inputs?.kind;
      return phase === undefined || kind === undefined
        ? []
        : [
            {
              phase,
              kind: kind as string,
              name: (state.outputs?.metadata?.name ?? state.inputs?.metadata?.name) as string,
            },
          ];
    });
}

/** The lines of a command's output that mention `text`, trimmed: the diagnostics a test asserts exactly. */
export const linesWith = (output: string, text: string) =>
  output
    .split("\n")
    .filter((line) => line.includes(text))
    .map((line) => line.trim());
