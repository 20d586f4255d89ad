// Reads a stack the way `pulumi up` does (same file reader, same schema), and, for a class on a cluster stack, the
// cluster stack's file when this repo has it, to know its machine types.
import * as fs from "node:fs";
import * as path from "node:path";
import { type GkeConfig, gkeSchema, parseConfig, type StackConfig } from "../../components/config";
import { readStackFile } from "../harness/stackfile";

/** The GKE cluster a class runs on, where its config came from, and the key prefix that names its settings. */
export interface ClusterSource {
  gke: GkeConfig;
  /** e.g. `classhub:cluster.gke`, or `Pulumi.platform.yaml classhub:cluster.gke` for a cluster stack's file. */
  key: string;
  /** The cluster stack this class points at, for a class on a cluster stack. */
  stackRef?: string;
  /** False when the cluster stack's file is not in the repo and classhub's default pools stand in. */
  known: boolean;
}

export interface LoadedStack {
  config: StackConfig;
  cluster?: ClusterSource;
  notes: string[];
}

/** The validated config of Pulumi.<stack>.yaml in `dir`; files it names are read relative to `dir`. */
export function stackConfig(stack: string, dir: string): StackConfig {
  const file = readStackFile(stack, dir);
  const json = (key: string) => (file.config[key] === undefined ? undefined : JSON.parse(file.config[key]));
  return parseConfig({
    stack,
    cluster: json("classhub:cluster"),
    class: json("classhub:class"),
    hasOauthClientSecret: "classhub:oauthClientSecret" in file.config,
    keys: Object.keys(file.config),
    readFile: (f) => fs.readFileSync(path.resolve(dir, f), "utf8"),
    readBytes: (f) => fs.readFileSync(path.resolve(dir, f)),
  });
}

/** The project's name in Pulumi.yaml, which a cluster stack reference must name for its file to be here. */
function projectName(dir: string): string | undefined {
  const file = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(file)) return undefined;
  return /^name:\s*(\S+)/m.exec(fs.readFileSync(file, "utf8"))?.[1];
}

/** The cluster stack `ref` (org/project/stack) from its file in `dir`, or classhub's defaults with a note. */
function referencedCluster(ref: string, dir: string, region: string, notes: string[]): ClusterSource {
  const [, project, stack] = ref.split("/");
  const file = `Pulumi.${stack}.yaml`;
  if (project === projectName(dir) && fs.existsSync(path.join(dir, file))) {
    const cluster = stackConfig(stack, dir);
    if (cluster.cluster.source === "gke" && cluster.class === undefined) {
      notes.push(`Cluster stack ${ref}: machine types and pools from ${file}.`);
      return { gke: cluster.cluster.gke, key: `${file} classhub:cluster.gke`, stackRef: ref, known: true };
    }
    notes.push(`Cluster stack ${ref}: ${file} is not a cluster-only GKE stack.`);
  } else {
    notes.push(`Cluster stack ${ref}: its stack file is not in this repo.`);
  }
  const gke = gkeSchema.parse({ project: "assumed-project", region });
  notes.push(
    `Assumed classhub's default pools: core ${gke.corePool.machineType} (min ${gke.corePool.minNodes}), ` +
      `user ${gke.userPool.machineType}, no GPU pool, in ${region}.`,
  );
  return { gke, key: "classhub:cluster.gke (defaults)", stackRef: ref, known: false };
}

/** The stack and, on GKE, its cluster; `region` is where the price list's prices hold, for an unknown cluster. */
export function loadStack(stack: string, dir: string, region: string): LoadedStack {
  const config = stackConfig(stack, dir);
  const notes: string[] = [];
  const c = config.cluster;
  if (c.source === "gke") return { config, cluster: { gke: c.gke, key: "classhub:cluster.gke", known: true }, notes };
  if (c.source === "stack") return { config, cluster: referencedCluster(c.stack, dir, region, notes), notes };
  return { config, notes };
}
