// A deployed class, as the tools that talk to a running hub find it: its outputs through Pulumi's Automation API
// (the backend and passphrase of the environment, as `pulumi up` had them), and kubectl pointed at its cluster.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CommandError, LocalWorkspace, type OutputMap, StackNotFoundError } from "@pulumi/pulumi/automation";
import type { StackConfig } from "../../components/config";
import { stackConfig } from "../cost/load";
import { listStacks } from "../harness/stackfile";
import { ToolError } from "./cli";

export interface DeployedClass {
  stack: string;
  config: StackConfig;
  /** Where students log in, e.g. http://localhost:30080/ (the stack's hubUrl output). */
  hubUrl: string;
  namespace: string;
  kubectl: Kubectl;
}

/**
 * Pulumi's own complaint (the CLI's last `error:` line, or the first line it wrote, such as no pulumi on PATH) and
 * where the tools look for stacks.
 */
export function backendProblem(stack: string, cliOutput: string): string {
  const said = [...cliOutput.matchAll(/^\s*error: (.+)$/gm)].at(-1)?.[1] ?? /^\s*stderr: (.+)$/m.exec(cliOutput)?.[1];
  return (
    `stack ${stack}: Pulumi cannot open it${said === undefined ? "" : ` (${said})`}. ` +
    "The tools read the backend pulumi up used: pulumi login, or PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE " +
    "as pulumi up had them. For make up's dev class: PULUMI_BACKEND_URL=file://$PWD/.pulumi-state " +
    "PULUMI_CONFIG_PASSPHRASE=classhub-dev, from the project."
  );
}

/** The outputs of a deployed stack; a stack the backend does not have is a refusal that says how to get one. */
async function outputsOf(stack: string, dir: string): Promise<OutputMap> {
  try {
    return await (await LocalWorkspace.selectStack({ stackName: stack, workDir: dir })).outputs();
  } catch (e) {
    if (e instanceof StackNotFoundError) {
      throw new ToolError(`stack ${stack}: not in this Pulumi backend; deploy it first (pulumi up --stack ${stack})`);
    }
    // Most often no backend at all: the person has not run `pulumi login`, or is not in make up's environment.
    if (e instanceof CommandError) throw new ToolError(backendProblem(stack, e.message));
    throw e;
  }
}

/** kubectl's arguments that reach the class's cluster, from its stack config and the cluster's kubeconfig output. */
async function clusterArgs(config: StackConfig, outputs: OutputMap, dir: string): Promise<string[]> {
  const c = config.cluster;
  if (c.source === "ambient") return c.context === undefined ? [] : ["--context", c.context];
  // A cluster of its own exports its kubeconfig; a class on a cluster stack reads the cluster stack's.
  const kubeconfig = c.source === "gke" ? outputs.kubeconfig?.value : (await outputsOf(c.stack, dir)).kubeconfig?.value;
  if (typeof kubeconfig !== "string")
    throw new ToolError(`stack ${config.stack}: no kubeconfig output to reach its cluster`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "classhub-")), "kubeconfig");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  process.once("exit", () => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  return ["--kubeconfig", file];
}

/** The class of stack `stack` in project `dir`, deployed. */
export async function deployedClass(stack: string, dir: string): Promise<DeployedClass> {
  if (!listStacks(dir).includes(stack)) {
    throw new ToolError(`no stack file Pulumi.${stack}.yaml; stacks here: ${listStacks(dir).join(", ")}`, 2);
  }
  const config = stackConfig(stack, dir);
  if (config.class === undefined) throw new ToolError(`stack ${stack}: a cluster-only stack; name a class stack`, 2);
  const outputs = await outputsOf(stack, dir);
  const hubUrl = outputs.hubUrl?.value;
  const namespace = outputs.namespace?.value;
  if (typeof hubUrl !== "string" || typeof namespace !== "string") {
    throw new ToolError(`stack ${stack}: no hubUrl or namespace output; has pulumi up finished for it?`);
  }
  return { stack, config, hubUrl, namespace, kubectl: new Kubectl(await clusterArgs(config, outputs, dir)) };
}

/** kubectl with the arguments that reach one cluster; JSON in, JSON out, no text parsing. */
export class Kubectl {
  constructor(readonly args: string[]) {}

  run(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) =>
      execFile(
        "kubectl",
        [...this.args, ...args],
        { maxBuffer: 64 * 2 ** 20, encoding: "utf8", timeout: 120_000 },
        (error, stdout, stderr) => {
          if (error === null) resolve(stdout);
          else reject(new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || error.message}`));
        },
      ),
    );
  }

  async json(...args: string[]): Promise<any> {
    return JSON.parse(await this.run(...args, "-o", "json"));
  }

  /** The items of a list, e.g. `items("pvc", "-n", ns)`. */
  async items(...args: string[]): Promise<any[]> {
    return (await this.json("get", ...args)).items as any[];
  }

  /** One key of a Secret, decoded. */
  async secretKey(ns: string, name: string, key: string): Promise<string | undefined> {
    const data = (await this.json("get", "secret", name, "-n", ns)).data as Record<string, string> | undefined;
    return data?.[key] === undefined ? undefined : Buffer.from(data[key], "base64").toString("utf8");
  }
}
