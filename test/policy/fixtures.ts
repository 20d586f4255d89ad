// The example stacks run through the real program under mocks, and the resources tests start from.
import * as fs from "node:fs";
import * as path from "node:path";
import { type RecordedResource, runProgram, runStack, type StackRun } from "../../tools/harness/mockrun";
import { listStacks, readStackFile } from "../../tools/harness/stackfile";
import { type PackConfig, POLICY_DIR, type Resource } from "./harness";

export const REPO = path.resolve(__dirname, "..", "..");

/** The pack config the repository ships for platform teams to start from. */
export const EXAMPLE_CONFIG: PackConfig = JSON.parse(
  fs.readFileSync(path.join(POLICY_DIR, "config.example.json"), "utf8"),
);

const cache = new Map<string, StackRun>();

/** The example stacks (every Pulumi.<stack>.yaml, or those named), each run through the program once per test file. */
export async function runExamples(only?: string[]): Promise<Map<string, StackRun>> {
  const runs = new Map<string, StackRun>();
  for (const stack of only ?? listStacks(REPO)) {
    if (!cache.has(stack)) cache.set(stack, await runStack(stack, {}, REPO));
    runs.set(stack, cache.get(stack)!);
  }
  return runs;
}

/** A stack file's class config, to make a variant of a real stack. */
export function classOf(stack: string): Record<string, any> {
  return JSON.parse(readStackFile(stack, REPO).config["classhub:class"]);
}

export function clusterOf(stack: string): Record<string, any> {
  return JSON.parse(readStackFile(stack, REPO).config["classhub:cluster"]);
}

/** Runs the program with a stack file's config as if it were a stack of another name, e.g. dev as dev-alice. */
export async function runAs(stack: string, file: string, overrides: Record<string, unknown> = {}): Promise<StackRun> {
  const { config, secretKeys } = readStackFile(file, REPO);
  const merged = { ...config };
  for (const [k, v] of Object.entries(overrides)) merged[`classhub:${k}`] = JSON.stringify(v);
  const [{ loadConfig }, { buildStack }] = await Promise.all([
    import("../../components/config"),
    import("../../components/stack"),
  ]);
  return runProgram(stack, merged, secretKeys, () => buildStack(loadConfig()));
}

/** The one resource of a run with this type whose name ends with `suffix`. */
export function find(run: StackRun | RecordedResource[], type: string, suffix = ""): RecordedResource {
  const resources = Array.isArray(run) ? run : run.resources;
  const found = resources.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1)
    throw new Error(`expected one ${type} named *${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0];
}

/** A deep copy of a resource with `change` applied to its inputs. */
export function variant(r: Resource, change: (inputs: any) => void, name = r.name): Resource {
  const inputs = structuredClone(r.inputs);
  change(inputs);
  return { ...r, name, inputs };
}

/** A hub ConfigMap whose settings JSON has `change` applied; any other ConfigMap as it is. */
export function settingsVariant(configMap: Resource, change: (settings: any) => void): Resource {
  if ((configMap.inputs.data as Record<string, string> | undefined)?.["hub-settings.json"] === undefined)
    return configMap;
  return variant(configMap, (inputs) => {
    const settings = JSON.parse(inputs.data["hub-settings.json"]);
    change(settings);
    inputs.data["hub-settings.json"] = JSON.stringify(settings, null, 2);
  });
}

export const TYPES = {
  pod: "kubernetes:core/v1:Pod",
  deployment: "kubernetes:apps/v1:Deployment",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  namespace: "kubernetes:core/v1:Namespace",
  service: "kubernetes:core/v1:Service",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  serviceAccount: "gcp:serviceaccount/account:Account",
} as const;

/** A bare Pod with the hub Deployment's pod template: the baseline for the bare-Pod cases. */
export function podFrom(deployment: Resource, name = "bare-pod"): Resource {
  const template = (deployment.inputs as any).spec.template;
  return {
    type: TYPES.pod,
    name,
    inputs: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { namespace: (deployment.inputs as any).metadata.namespace, name, labels: template.metadata.labels },
      spec: structuredClone(template.spec),
    },
  };
}
