// Runs the real classhub program under Pulumi mocks with a stack file's config and records every resource:
// its type, name, resolved inputs and resource options. `render` and the tests are built on it.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { readStackFile } from "./stackfile";

export interface RecordedOptions {
  protect?: boolean;
  retainOnDelete?: boolean;
  deleteBeforeReplace?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
  /** `type::name` of the parent resource. */
  parent?: string;
  /** `type::name` of the explicit provider, if any. */
  provider?: string;
  /** `type::name` of each explicit dependency (dependsOn). */
  dependsOn: string[];
  aliases: number;
}

export interface RecordedResource {
  type: string;
  name: string;
  custom: boolean;
  /** Inputs as the engine receives them: outputs resolved, secrets unwrapped. */
  inputs: Record<string, any>;
  /** Inputs before resolution, to ask which ones are secret. */
  props: Record<string, unknown>;
  options: RecordedOptions;
}

export interface StackRun {
  stack: string;
  resources: RecordedResource[];
  /** Existing objects the program reads (`.get`), as `type::id`; the engine neither creates nor analyzes them. */
  reads: string[];
  outputs: Record<string, unknown>;
  /** Names of stack outputs that are secret. */
  secretOutputs: string[];
}

/** Outputs the mock cluster-only stack exports, for class stacks that reference one. */
export const MOCK_CLUSTER_STACK_OUTPUTS = {
  clusterName: "classhub-platform",
  // The cluster's identity: GKE's id for it, which class stacks give their Kubernetes provider.
  clusterId: "projects/ucb-classhub/locations/us-central1/clusters/classhub-platform",
  kubeconfig: "apiVersion: v1\nkind: Config\n# kubeconfig of the referenced cluster stack\n",
  project: "ucb-classhub",
  region: "us-central1",
  storageClasses: { home: "classhub-home", hubDb: "classhub-hub-db" },
  gpuAcceleratorType: "nvidia-tesla-t4",
};

/** The EndpointSlice default/kubernetes the mock cluster reports. */
export const MOCK_API_SERVER_SLICE = {
  addressType: "IPv4",
  endpoints: [{ addresses: ["172.16.0.2"] }],
  ports: [{ name: "https", port: 443, protocol: "TCP" }],
};

const hash = (text: string, length: number) => crypto.createHash("sha256").update(text).digest("hex").slice(0, length);

/** Plausible provider outputs for the few resources whose outputs the program reads. */
function mockState(
  type: string,
  name: string,
  inputs: Record<string, any>,
  clusterStack: Record<string, unknown>,
): Record<string, any> {
  if (type.startsWith("kubernetes:") && inputs.metadata !== undefined && inputs.metadata.name === undefined) {
    // The kubernetes provider auto-names objects <name>-<random suffix>; keep it deterministic here.
    return {
      ...inputs,
      metadata: { ...inputs.metadata, name: `${name}-${hash(name, 8)}` },
    };
  }
  switch (type) {
    case "pulumi:pulumi:StackReference":
      return {
        name: inputs.name,
        outputs: clusterStack,
        secretOutputNames: ["kubeconfig"],
      };
    case "random:index/randomPassword:RandomPassword":
      return {
        ...inputs,
        result: hash(`password:${name}`, inputs.length ?? 32).padEnd(inputs.length ?? 32, "0"),
      };
    case "random:index/randomId:RandomId":
      return { ...inputs, hex: hash(`id:${name}`, 2 * inputs.byteLength) };
    case "gcp:container/cluster:Cluster":
      return {
        ...inputs,
        name: inputs.name ?? name,
        endpoint: "203.0.113.1",
        // The DNS endpoint GKE gives every cluster, which classhub's kubeconfig uses: gke-<uid>-<project number>.
        controlPlaneEndpointsConfig: {
          ...inputs.controlPlaneEndpointsConfig,
          dnsEndpointConfig: {
            ...inputs.controlPlaneEndpointsConfig?.dnsEndpointConfig,
            endpoint: `gke-${hash(name, 32)}-123456789012.${inputs.location}.gke.goog`,
          },
        },
        masterAuth: {
          ...inputs.masterAuth,
          clusterCaCertificate: Buffer.from("mock CA").toString("base64"),
        },
      };
    case "gcp:serviceaccount/account:Account": {
      // GCP names a service account after its accountId; node pools refer to it by this email.
      const email = `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`;
      return { ...inputs, email, member: `serviceAccount:${email}` };
    }
    case "gcp:compute/address:Address":
      return { ...inputs, address: "203.0.113.10" };
    case "gcp:compute/globalAddress:GlobalAddress":
      return { ...inputs, address: "203.0.113.20" };
    case "gcp:filestore/instance:Instance":
      // Filestore gives the instance an address in the range it peers with the VPC.
      return { ...inputs, networks: inputs.networks.map((n: object) => ({ ...n, ipAddresses: ["10.200.0.2"] })) };
    case "kubernetes:discovery.k8s.io/v1:EndpointSlice":
      // The API server's own slice, default/kubernetes, as a GKE private cluster has it.
      return { ...inputs, ...MOCK_API_SERVER_SLICE };
    default:
      return inputs;
  }
}

const key = (type: string, name: string) => `${type}::${name}`;

/**
 * The SDK's own drain (runtime/settings.ts): every register, read, output registration and invoke holds an
 * rpcKeepAlive until the monitor answers, and this resolves once none is left. `runtime.disconnect()` is its
 * public wrapper, but it also drops the monitor, so a later registration under the same mocks would vanish.
 */
async function waitForRPCs(): Promise<void> {
  const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (wait === undefined)
    throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; mockrun needs a drain");
  await wait();
}

/** Mock inputs keep secrets in their wire form; the tests want the values, as a policy would see them. */
function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  if (value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(value.value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/**
 * Runs `program` (what index.ts runs) as stack `stack` with the given config. Each call resets the mocks,
 * so one process can run several stacks one after another.
 */
export async function runProgram(
  stack: string,
  config: Record<string, string>,
  secretKeys: string[],
  program: () => Record<string, unknown>,
  clusterStack: Record<string, unknown> = MOCK_CLUSTER_STACK_OUTPUTS,
): Promise<StackRun> {
  const resources = new Map<string, RecordedResource>();
  const reads: string[] = [];
  // An output that fails (an apply that throws) fails the registration that needs it. The SDK leaves that
  // rejection unhandled, and the language host fails the program on it; here the run does, holding the process's
  // unhandled rejections (a test runner's handler included) while it runs.
  const failed: unknown[] = [];
  const onRejection = (reason: unknown) => failed.push(reason);
  const others = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", onRejection);
  const options = new Map<string, RecordedOptions>();
  const props = new Map<string, Record<string, unknown>>();

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = unwrapSecrets(args.inputs);
        const state = mockState(args.type, args.name, inputs, clusterStack);
        if (args.id !== undefined && args.id !== "") {
          reads.push(`${args.type}::${args.id}`);
          return { id: args.id, state };
        }
        resources.set(key(args.type, args.name), {
          type: args.type,
          name: args.name,
          custom: args.custom ?? true,
          inputs,
          props: {},
          options: { aliases: 0, dependsOn: [] },
        });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "classhub",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config, secretKeys);

  let outputs: Record<string, unknown> = {};
  let failure: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const o = args.opts as pulumi.CustomResourceOptions;
      const ref = (r: pulumi.Resource | undefined) =>
        r === undefined ? undefined : key((r as any).__pulumiType, (r as any).__name);
      options.set(key(args.type, args.name), {
        protect: o.protect,
        retainOnDelete: o.retainOnDelete,
        deleteBeforeReplace: o.deleteBeforeReplace,
        ignoreChanges: o.ignoreChanges,
        additionalSecretOutputs: o.additionalSecretOutputs,
        parent: ref(o.parent),
        provider: ref(o.provider),
        aliases: o.aliases?.length ?? 0,
        dependsOn: ([] as pulumi.Resource[]).concat((o.dependsOn as any) ?? []).map((r) => ref(r)!),
      });
      props.set(key(args.type, args.name), args.props);
      return undefined;
    });
    // Kept as the program returned it: the engine's copy has secrets already unwrapped.
    try {
      outputs = program();
    } catch (e) {
      failure = e;
    }
    return outputs;
  });
  const resolved: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  try {
    // Whatever the program registered before a failure still answers; drained so it cannot reach the next run's mocks.
    await waitForRPCs();
    if (failure !== undefined) throw failure;
    for (const [name, value] of Object.entries(outputs)) {
      const output: pulumi.Output<unknown> = pulumi.output(value as any);
      resolved[name] = await new Promise((resolve) => output.apply(resolve));
      if (await (output as any).isSecret) secretOutputs.push(name);
    }
    // Registrations the outputs did not wait for (component outputs, resources nothing reads) finish here.
    await waitForRPCs();
  } finally {
    // Unhandled rejections are reported after the microtasks that could still handle them.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onRejection);
    for (const listener of others) process.on("unhandledRejection", listener);
  }
  if (failed.length > 0) throw failed[0];

  const recorded = [...resources.values()]
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => ({
      ...r,
      options: options.get(key(r.type, r.name)) ?? r.options,
      props: props.get(key(r.type, r.name)) ?? {},
    }));
  return { stack, resources: recorded, reads, outputs: resolved, secretOutputs };
}

/**
 * Runs the program with the config of Pulumi.<stack>.yaml, optionally overriding classhub:* keys; a class on a
 * cluster stack reads `clusterStack` as that stack's outputs.
 */
export async function runStack(
  stack: string,
  overrides: Record<string, unknown> = {},
  dir = ".",
  clusterStack: Record<string, unknown> = MOCK_CLUSTER_STACK_OUTPUTS,
): Promise<StackRun> {
  const file = readStackFile(stack, dir);
  const config = { ...file.config };
  for (const [k, v] of Object.entries(overrides)) {
    const full = k.includes(":") ? k : `classhub:${k}`;
    if (v === undefined) delete config[full];
    else config[full] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const [{ loadConfig }, { buildStack }] = await Promise.all([
    import("../../components/config"),
    import("../../components/stack"),
  ]);
  return runProgram(stack, config, file.secretKeys, () => buildStack(loadConfig()), clusterStack);
}
