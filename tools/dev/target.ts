// Where `make up` deploys: tools/dev/up.sh asks this before it builds or starts anything. Without asking, only
// to the local control plane or a local cluster; any other kubeconfig context needs an explicit opt-in, so a
// course TA whose current context is a production cluster cannot deploy there by accident.
//   node --import tsx tools/dev/target.ts --stack dev [--context NAME] [--interactive]
// Prints "<action>\t<context>" and exits 0, or explains on stderr and exits 1. Reads the kubeconfig itself,
// the way kubectl merges it, so it needs neither kubectl nor a cluster.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";

/** The context tools/controlplane/up.sh writes, in a kubeconfig of its own. */
export const CONTROL_PLANE_CONTEXT = "classhub-local";

/** The context names local cluster tools create by default (kind, k3d, minikube, Docker and Rancher Desktop). */
export const LOCAL_CONTEXTS = ["kind-*", "k3d-*", "minikube", "docker-desktop", "rancher-desktop"];

export interface Kubeconfig {
  /** current-context, if any file sets it. */
  current?: string;
  /** Every context defined. */
  contexts: string[];
}

export type Target =
  /** Start the local control plane (tools/controlplane) and deploy there. */
  | { action: "controlplane"; context: typeof CONTROL_PLANE_CONTEXT; reason: string }
  /** A local cluster: deploy if it answers, else start the local control plane. */
  | { action: "local"; context: string }
  /** The user named this context: deploy there, or fail if it does not answer. */
  | { action: "deploy"; context: string }
  /** Not local and not named: deploy only if the user, at a terminal, confirms. */
  | { action: "ask"; context: string }
  | { action: "refuse"; message: string };

export const isLocalContext = (context: string): boolean =>
  LOCAL_CONTEXTS.some((p) => (p.endsWith("*") ? context.startsWith(p.slice(0, -1)) : context === p));

/** A context name as a shell word. */
const shellWord = (s: string) => (/^[\w.:@/+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** Merges the kubeconfig files as kubectl does: the first file to set a current context wins, contexts add up. */
export function readKubeconfig(env: NodeJS.ProcessEnv = process.env): Kubeconfig {
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [];
  if (files.length === 0) files.push(path.join(env.HOME ?? os.homedir(), ".kube", "config"));
  const merged: Kubeconfig = { contexts: [] };
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, any>;
    merged.current ||= doc["current-context"] || undefined;
    for (const c of doc.contexts ?? []) if (c?.name && !merged.contexts.includes(c.name)) merged.contexts.push(c.name);
  }
  return merged;
}

export function decideTarget(kube: Kubeconfig, stack: string, requested?: string, interactive = false): Target {
  const controlplane = (reason: string): Target => ({ action: "controlplane", context: CONTROL_PLANE_CONTEXT, reason });
  if (requested === CONTROL_PLANE_CONTEXT) return controlplane(`${CONTROL_PLANE_CONTEXT}, as you asked`);
  if (requested !== undefined) {
    if (kube.contexts.includes(requested)) return { action: "deploy", context: requested };
    return {
      action: "refuse",
      message:
        `no context ${JSON.stringify(requested)} in your kubeconfig; it has: ` +
        `${[...kube.contexts, CONTROL_PLANE_CONTEXT].join(", ")}`,
    };
  }
  const current = kube.current;
  if (current === undefined) return controlplane("no current context in your kubeconfig");
  if (current === CONTROL_PLANE_CONTEXT) return controlplane(`the current context is ${CONTROL_PLANE_CONTEXT}`);
  if (!kube.contexts.includes(current))
    return controlplane(`the current context ${JSON.stringify(current)} is not in your kubeconfig`);
  if (isLocalContext(current)) return { action: "local", context: current };
  if (interactive) return { action: "ask", context: current };
  return {
    action: "refuse",
    message: [
      `refusing to deploy stack ${stack} to kubeconfig context ${JSON.stringify(current)}: it is not a local cluster.`,
      `Without asking, make up deploys only to ${CONTROL_PLANE_CONTEXT} (the local control plane) and to contexts named ` +
        `${LOCAL_CONTEXTS.join(", ")}.`,
      `To deploy there anyway: make up CONTEXT=${shellWord(current)}`,
      `To use the local control plane instead: make up CONTEXT=${CONTROL_PLANE_CONTEXT}`,
    ].join("\n"),
  };
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { stack: { type: "string" }, context: { type: "string" }, interactive: { type: "boolean" } },
  });
  const target = decideTarget(readKubeconfig(), values.stack ?? "dev", values.context || undefined, values.interactive);
  if (target.action === "refuse") {
    process.stderr.write(target.message.replace(/^/gm, "[up] ") + "\n");
    return 1;
  }
  if (target.action === "controlplane") process.stderr.write(`[up] ${target.reason}\n`);
  process.stdout.write(`${target.action}\t${target.context}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
