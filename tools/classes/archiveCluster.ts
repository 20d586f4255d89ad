// The archive's side effects: finding a class stack's namespace and cluster through the Automation API, and
// kubectl (JSON in, JSON out) to lend the destination volume, run a Job to its end and read what it printed.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { ARCHIVE_CLAIM, archiveClaim, archiveLabels } from "./archiveJobs";
import { ToolError } from "./cli";

/** kubectl against one cluster: the stack's kubeconfig output, or the context its cluster config names. */
export class Kube {
  constructor(
    private readonly base: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  run(args: string[], input?: string): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        "kubectl",
        [...this.base, ...args],
        { env: this.env, maxBuffer: 256 * 2 ** 20, encoding: "utf8" },
        (error, stdout, stderr) => {
          if (error !== null && typeof error.code !== "number") reject(error);
          else resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
        },
      );
      child.stdin?.end(input ?? "");
    });
  }

  async ok(args: string[], input?: string): Promise<string> {
    const r = await this.run(args, input);
    if (r.status !== 0) throw new ToolError(`kubectl ${args.join(" ")}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  async json(...args: string[]): Promise<any> {
    return JSON.parse(await this.ok([...args, "-o", "json"]));
  }

  /** The object, or undefined when there is none. */
  async find(...args: string[]): Promise<any> {
    const r = await this.run([...args, "-o", "json"]);
    if (r.status !== 0 && /NotFound|not found/.test(r.stderr)) return undefined;
    if (r.status !== 0) throw new ToolError(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout);
  }

  apply(object: unknown): Promise<string> {
    return this.ok(["apply", "-f", "-"], JSON.stringify(object));
  }

  create(object: unknown): Promise<string> {
    return this.ok(["create", "-f", "-"], JSON.stringify(object));
  }
}

/** A deployed class: its stack, namespace, where its homes live, whether it is on GKE, and its cluster. */
export interface ClassTarget {
  stack: string;
  ns: string;
  homeStorage: unknown;
  gke: boolean;
  kube: Kube;
}

/** Reads a class stack's outputs and cluster config from the project in `workDir`, through the Automation API. */
export async function classTarget(stack: string, workDir = process.cwd()): Promise<ClassTarget> {
  let selected;
  try {
    selected = await LocalWorkspace.selectStack({ stackName: stack, workDir });
  } catch (e) {
    const lines = (e as Error).message.split("\n");
    const detail = lines.find((l) => l.startsWith("error:")) ?? lines[0];
    throw new ToolError(`${stack}: cannot select the stack (\`pulumi stack ls\` lists them): ${detail.trim()}`, 2);
  }
  const outputs = await selected.outputs();
  const ns = outputs.namespace?.value;
  if (typeof ns !== "string") {
    throw new ToolError(`${stack}: the stack has no namespace output; it is no deployed class (run \`pulumi up\`)`);
  }
  const cluster = await selected
    .getConfig("classhub:cluster")
    .then((v) => JSON.parse(v.value) as { source?: string; context?: string })
    .catch(() => ({ source: "ambient", context: undefined }));
  const env = { ...process.env };
  const kubeconfig = outputs.kubeconfig?.value;
  if (typeof kubeconfig === "string") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-archive-"));
    env.KUBECONFIG = path.join(dir, "kubeconfig");
    fs.writeFileSync(env.KUBECONFIG, kubeconfig, { mode: 0o600 });
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const context = typeof kubeconfig !== "string" && cluster.context !== undefined ? ["--context", cluster.context] : [];
  return {
    stack,
    ns,
    homeStorage: outputs.homeStorage?.value,
    gke: cluster.source === "gke" || cluster.source === "stack",
    kube: new Kube(context, env),
  };
}

/** Students' servers running in the class: their homes would change under the archive, or be written twice. */
export async function runningServers(kube: Kube, ns: string): Promise<string[]> {
  const pods = await kube.json("get", "pods", "-n", ns, "-l", "app.kubernetes.io/component=singleuser-server");
  return (pods.items as any[])
    .filter((p) => !["Succeeded", "Failed"].includes(p.status?.phase))
    .map((p) => p.metadata.name as string);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new ToolError(`timed out after ${Math.round(timeoutMs / 1000)} s: ${what}`);
    await sleep(1000);
  }
}

/**
 * Lends the platform team's volume to the class namespace: binds it to a claim there, which the Jobs mount.
 * Refuses a volume that is not Retain (deleting the claim would delete the archives) or that another claim holds,
 * and a class quota without room for one more claim. Returns what gives it back: the claim deleted, the volume
 * Available again, so no trace of it stays in the class namespace that is about to be deleted; the Jobs that
 * mounted it go too (their logs are in the tool's report, their output in the volume).
 */
export async function lendVolume(kube: Kube, ns: string, flag: string, name: string): Promise<() => Promise<void>> {
  const pv = await kube.find("get", "pv", name);
  if (pv === undefined) throw new ToolError(`${flag} pv:${name}: no such PersistentVolume`, 2);
  if (pv.spec.persistentVolumeReclaimPolicy !== "Retain") {
    throw new ToolError(
      `${flag} pv:${name}: its persistentVolumeReclaimPolicy is ${pv.spec.persistentVolumeReclaimPolicy}, which ` +
        `would delete the archives with the claim that lends it; set Retain: kubectl patch pv ${name} -p ` +
        `'{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`,
      2,
    );
  }
  const ref = pv.spec.claimRef;
  const ours = ref?.namespace === ns && ref?.name === ARCHIVE_CLAIM;
  if (pv.status?.phase === "Bound" && !ours) {
    throw new ToolError(`${flag} pv:${name}: bound to claim ${ref.namespace}/${ref.name}; free it first`, 2);
  }
  for (const q of (await kube.json("get", "resourcequota", "-n", ns)).items as any[]) {
    const hard = Number(q.status?.hard?.persistentvolumeclaims ?? Infinity);
    const used = Number(q.status?.used?.persistentvolumeclaims ?? 0);
    if (!ours && used + 1 > hard) {
      throw new ToolError(
        `${ns}: ResourceQuota ${q.metadata.name} has no room for the archive's claim (persistentvolumeclaims: ` +
          `${used} of ${hard} used); raise it for this run: kubectl -n ${ns} patch resourcequota ` +
          `${q.metadata.name} -p '{"spec":{"hard":{"persistentvolumeclaims":"${used + 1}"}}}'`,
      );
    }
  }
  const claimRef = { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: ns, name: ARCHIVE_CLAIM };
  await kube.ok([
    "patch",
    "pv",
    name,
    "--type",
    "json",
    "-p",
    JSON.stringify([{ op: "add", path: "/spec/claimRef", value: claimRef }]),
  ]);
  await kube.apply(
    archiveClaim(ns, { name, storageClassName: pv.spec.storageClassName, accessModes: pv.spec.accessModes }),
  );
  await until(`claim ${ns}/${ARCHIVE_CLAIM} to bind volume ${name}`, 120_000, async () => {
    const claim = await kube.json("get", "pvc", ARCHIVE_CLAIM, "-n", ns);
    return claim.status?.phase === "Bound" ? true : undefined;
  });
  return async () => {
    // a finished Job's pod still holds the claim: kubernetes.io/pvc-protection keeps it until the pod is gone
    const selector = Object.entries(archiveLabels(ns))
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    await kube.ok([
      "delete",
      "jobs",
      "-n",
      ns,
      "-l",
      selector,
      "--cascade=foreground",
      "--wait=true",
      "--timeout=120s",
    ]);
    await kube.ok(["delete", "pvc", ARCHIVE_CLAIM, "-n", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
    await kube.ok([
      "patch",
      "pv",
      name,
      "--type",
      "json",
      "-p",
      JSON.stringify([{ op: "remove", path: "/spec/claimRef" }]),
    ]);
  };
}

/** Why a Job's pod is not running: its pod's phase and waiting reasons, and the Job's and pod's latest events. */
async function jobEvents(kube: Kube, ns: string, job: string): Promise<string> {
  const pods = (await kube.json("get", "pods", "-n", ns, "-l", `job-name=${job}`)).items as any[];
  const states = pods.map((p) => {
    const waiting = (p.status?.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason).filter(Boolean);
    return `  pod ${p.metadata.name}: ${p.status?.phase}${waiting.length > 0 ? ` (${waiting.join(", ")})` : ""}`;
  });
  const events = ((await kube.json("get", "events", "-n", ns)).items as any[])
    .filter((e) => String(e.involvedObject?.name ?? "").startsWith(job))
    .slice(-5)
    .map((e) => `  ${e.involvedObject.kind} ${e.involvedObject.name}: ${e.reason}: ${e.message}`);
  return [...(pods.length === 0 ? ["  no pod"] : states), ...events].join("\n");
}

/** Waiting reasons that no wait cures: a wrong image or a missing config. */
const STUCK = ["ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "ErrImageNeverPull"];

async function stuckReason(kube: Kube, ns: string, job: string): Promise<string | undefined> {
  const pods = (await kube.json("get", "pods", "-n", ns, "-l", `job-name=${job}`)).items as any[];
  return pods
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .map((c: any) => c.state?.waiting?.reason as string | undefined)
    .find((r) => r !== undefined && STUCK.includes(r));
}

/**
 * Creates a Job and follows it to its end, reporting on stderr each line of its log that starts with `tag`.
 * Returns its log; a failed Job, or one that does not finish in time, is a refusal that shows why.
 */
export async function runJob(kube: Kube, job: any, tag: string, timeoutMs: number): Promise<string> {
  const { name, namespace: ns } = job.metadata;
  await kube.create(job);
  const end = Date.now() + timeoutMs;
  let reported = 0;
  const log = async () => (await kube.run(["logs", `job/${name}`, "-n", ns])).stdout;
  for (;;) {
    const status = (await kube.json("get", "job", name, "-n", ns)).status ?? {};
    const text = status.active || status.succeeded || status.failed ? await log() : "";
    const lines = text.split("\n").filter((l) => l.startsWith(`${tag}\t`));
    for (const line of lines.slice(reported))
      process.stderr.write(`${name}: ${line.split("\t").slice(0, 2).join(" ")}\n`);
    reported = Math.max(reported, lines.length);
    if (status.succeeded) return text;
    const stuck = await stuckReason(kube, ns, name);
    if (stuck !== undefined) {
      const why = await jobEvents(kube, ns, name);
      await kube.ok(["delete", "job", name, "-n", ns, "--cascade=foreground", "--wait=false"]);
      throw new ToolError(`Job ${ns}/${name} cannot start (${stuck}); deleted it:\n${why}`);
    }
    if (status.failed) {
      const tail = text.trim().split("\n").slice(-10).join("\n  ");
      throw new ToolError(`Job ${ns}/${name} failed:\n  ${tail}\n${await jobEvents(kube, ns, name)}`);
    }
    if (Date.now() > end) {
      throw new ToolError(
        `Job ${ns}/${name} did not finish in ${Math.round(timeoutMs / 1000)} s; it is left running:\n` +
          (await jobEvents(kube, ns, name)),
      );
    }
    await sleep(2000);
  }
}
