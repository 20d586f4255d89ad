// Runs the pack's policies the way the Pulumi CLI and @pulumi/policy's analyzer do, without either:
//  - pack config: schema defaults, then the config file (a level string or an object with enforcementLevel), then
//    validation against each policy's configSchema (the CLI's ReconcilePolicyPackConfig);
//  - resource props: marshalled to a protobuf Struct and back through the SDK's own deserializeProperties and
//    unknownCheckingProxy, as its analyze RPC does, so secrets are unwrapped and unknown values throw;
//  - enforcement: config level, else the policy's, else the pack's; disabled policies do not run; the SDK's
//    fast type check and validateResourceOfType's own isType check both apply.
// Everything from @pulumi/policy and its @pulumi/pulumi is loaded from policy/node_modules, the copies the
// policies themselves use.
import { createRequire } from "node:module";
import * as path from "node:path";
import type {
  EnforcementLevel,
  Policies,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "../../policy/node_modules/@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, policies as packPolicies } from "../../policy/policies";
import type { RecordedResource } from "../../tools/harness/mockrun";
import { schemaErrors } from "./schema";

export const POLICY_DIR = path.resolve(__dirname, "..", "..", "policy");
const fromPolicy = createRequire(path.join(POLICY_DIR, "package.json"));
/** The SDK's public API plus the helpers its analyzer uses (marked @internal, so absent from its typings). */
const policySdk = fromPolicy("@pulumi/policy") as typeof import("../../policy/node_modules/@pulumi/policy") & {
  isResourcePolicy(p: unknown): boolean;
  isStackPolicy(p: unknown): boolean;
  getPulumiType(o: unknown): string | undefined;
};
const { deserializeProperties } = fromPolicy("@pulumi/policy/deserialize");
const proxy = fromPolicy("@pulumi/policy/proxy");
const { Struct } = fromPolicy("google-protobuf/google/protobuf/struct_pb");
const settings = fromPolicy("@pulumi/pulumi/runtime/settings");

/** What the engine sends for a string it cannot know during preview. */
export const UNKNOWN: string = proxy.unknownStringValue;

/** A pack config file's content: per policy, a level or an object of properties with an optional level. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

interface PolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties?: Record<string, unknown>;
}

export interface Violation {
  policy: string;
  level: EnforcementLevel;
  message: string;
  /** The resource's Pulumi name; for stack policies, the resource of the urn they reported. */
  resource?: string;
}

/** A resource as the program registered it: RecordedResource from tools/harness/mockrun, or one a test builds. */
export interface Resource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  options?: Partial<Pick<RecordedResource["options"], "protect" | "ignoreChanges" | "deleteBeforeReplace" | "parent">>;
}

export interface RunOptions {
  /** The stack being previewed, as pulumi.getStack() reports it to the pack. */
  stack: string;
  /** The pack config, as given with --policy-pack-config. */
  config?: PackConfig;
  /** Defaults to the whole pack. */
  policies?: Policies;
  /** Collects "<policy> <type>" for each validation that applied (its type matched), to show what was checked. */
  applied?: Set<string>;
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

export class PackConfigError extends Error {}

/** The CLI's ReconcilePolicyPackConfig: defaults from each schema, then the file ("all" first), then validation. */
export function reconcileConfig(policies: Policies, file: PackConfig = {}): Map<string, PolicyConfig> {
  const result = new Map<string, PolicyConfig>();
  for (const p of policies) {
    const defaults = Object.entries(p.configSchema?.properties ?? {}).filter(([, s]) => s.default !== undefined);
    result.set(p.name, {
      enforcementLevel: p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL,
      properties:
        defaults.length === 0
          ? undefined
          : Object.fromEntries(defaults.map(([k, s]) => [k, structuredClone(s.default)])),
    });
  }
  const given = new Map<string, { level?: EnforcementLevel; properties: Record<string, unknown> }>();
  for (const [name, value] of Object.entries(file)) {
    const { enforcementLevel: level, ...properties } = typeof value === "string" ? { enforcementLevel: value } : value;
    if (level !== undefined && !LEVELS.includes(level)) {
      throw new PackConfigError(`parsing enforcement level for "${name}": "${level}" is not a valid enforcement level`);
    }
    given.set(name, { level, properties });
  }
  const all = given.get("all")?.level;
  if (all !== undefined) for (const c of result.values()) c.enforcementLevel = all;
  for (const [name, { level, properties }] of given) {
    const current = result.get(name) ?? { enforcementLevel: level ?? PACK_ENFORCEMENT_LEVEL };
    if (level !== undefined) current.enforcementLevel = level;
    if (Object.keys(properties).length > 0) current.properties = { ...current.properties, ...properties };
    result.set(name, current);
  }
  const errors = policies.flatMap((p) =>
    p.configSchema === undefined
      ? []
      : schemaErrors(schemaOf(p.configSchema), result.get(p.name)?.properties ?? {}).map((e) => `${p.name}: ${e}`),
  );
  if (errors.length > 0) throw new PackConfigError(`policy pack configuration is invalid: ${errors.join("; ")}`);
  return result;
}

function schemaOf(schema: PolicyConfigSchema) {
  return {
    type: "object",
    properties: schema.properties,
    ...(schema.required === undefined ? {} : { required: schema.required }),
  };
}

/** The level a policy runs at, as the SDK's analyzer decides it; remediate reports as mandatory. */
function levelOf(p: Policies[number], config: Map<string, PolicyConfig>): EnforcementLevel {
  const level = config.get(p.name)?.enforcementLevel || p.enforcementLevel || PACK_ENFORCEMENT_LEVEL;
  return level === "remediate" ? "mandatory" : level;
}

/** Props as a policy receives them: through a protobuf Struct, the SDK's deserializer and its unknown-checking proxy. */
export function policyProps(inputs: Record<string, unknown>): Record<string, any> {
  const wire = JSON.parse(JSON.stringify(inputs)) as Record<string, unknown>;
  return proxy.unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(wire), false));
}

const urnOf = (stack: string, r: Resource) => `urn:pulumi:${stack}::classhub::${r.type}::${r.name}`;

function optionsOf(r: Resource, stack: string, byKey: Map<string, Resource>) {
  const parent = r.options?.parent === undefined ? undefined : byKey.get(r.options.parent);
  return {
    protect: r.options?.protect ?? false,
    ignoreChanges: r.options?.ignoreChanges ?? [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.options?.deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace: r.options.deleteBeforeReplace }),
    ...(parent === undefined ? {} : { parent: urnOf(stack, parent) }),
  };
}

/** The SDK's isTypeOf: the class's __pulumiType, else its isInstance. */
function isTypeOf(type: string, resourceClass: any): boolean {
  const pulumiType = resourceClass?.__pulumiType;
  if (typeof pulumiType === "string" && pulumiType.length > 0) return type === pulumiType;
  return typeof resourceClass?.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function reporter(
  p: Policies[number],
  level: EnforcementLevel,
  out: Violation[],
  resource?: string,
  byUrn?: Map<string, Resource>,
): ReportViolation {
  return (message: string, urn?: string) => {
    out.push({
      policy: p.name,
      level,
      message,
      resource: urn === undefined ? resource : (byUrn?.get(urn)?.name ?? resource),
    });
  };
}

function unknownDiagnostic(p: Policies[number], e: Error): Violation {
  return { policy: p.name, level: "advisory", message: `can't run policy '${p.name}' during preview: ${e.message}` };
}

function withStack<T>(stack: string, run: () => Promise<T>): Promise<T> {
  settings._setStack(stack);
  return run();
}

const stackTags: ReadonlyMap<string, string> = new Map();

/** Runs every resource policy on every resource, as the analyzer's analyze RPC does for each registration. */
export function validateResources(resources: Resource[], o: RunOptions): Promise<Violation[]> {
  const policies = o.policies ?? packPolicies;
  const config = reconcileConfig(policies, o.config);
  const byKey = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
  return withStack(o.stack, async () => {
    const out: Violation[] = [];
    for (const r of resources) {
      for (const p of policies as ResourceValidationPolicy[]) {
        const level = levelOf(p, config);
        if (level === "disabled" || !policySdk.isResourcePolicy(p) || p.validateResource === undefined) continue;
        const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
        const fastType = Array.isArray(p.validateResource) ? undefined : policySdk.getPulumiType(p.validateResource);
        if (fastType !== undefined && fastType !== r.type) continue;
        for (const validation of validations) {
          const props = policyProps(r.inputs);
          const args = {
            type: r.type,
            props,
            urn: urnOf(o.stack, r),
            name: r.name,
            opts: optionsOf(r, o.stack, byKey),
            stackTags,
            isType: (resourceClass: any) => isTypeOf(r.type, resourceClass),
            asType: (resourceClass: any) => (isTypeOf(r.type, resourceClass) ? props : undefined),
            getConfig: () => ({ ...(config.get(p.name)?.properties ?? {}) }),
            notApplicable,
          };
          try {
            await validation(args as any, reporter(p, level, out, r.name));
            o.applied?.add(`${p.name} ${r.type}`);
          } catch (e) {
            if (e instanceof policySdk.UnknownValueError) out.push(unknownDiagnostic(p, e as Error));
            else if (!(e instanceof NotApplicable)) throw e;
          }
        }
      }
    }
    return out;
  });
}

/** Runs every stack policy once on all resources, as the analyzer's analyzeStack RPC does at the end of a preview. */
export function validateStack(resources: Resource[], o: RunOptions): Promise<Violation[]> {
  const policies = o.policies ?? packPolicies;
  const config = reconcileConfig(policies, o.config);
  const byKey = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
  const byUrn = new Map(resources.map((r) => [urnOf(o.stack, r), r]));
  return withStack(o.stack, async () => {
    const out: Violation[] = [];
    for (const p of policies as StackValidationPolicy[]) {
      const level = levelOf(p, config);
      if (level === "disabled" || !policySdk.isStackPolicy(p)) continue;
      const fastType = policySdk.getPulumiType(p.validateStack);
      if (fastType !== undefined && !resources.some((r) => r.type === fastType)) continue;
      const policyResources = resources.map((r): PolicyResource => {
        const props = policyProps(r.inputs);
        return {
          type: r.type,
          props,
          urn: urnOf(o.stack, r),
          name: r.name,
          opts: optionsOf(r, o.stack, byKey),
          dependencies: [],
          propertyDependencies: {},
          isType: (resourceClass: any) => isTypeOf(r.type, resourceClass),
          asType: ((resourceClass: any) =>
            isTypeOf(r.type, resourceClass) ? props : undefined) as PolicyResource["asType"],
        };
      });
      const byPolicyUrn = new Map(policyResources.map((r) => [r.urn, r]));
      for (const [i, r] of resources.entries()) {
        const parent = r.options?.parent === undefined ? undefined : byKey.get(r.options.parent);
        if (parent !== undefined) policyResources[i].parent = byPolicyUrn.get(urnOf(o.stack, parent));
      }
      const args = {
        resources: policyResources,
        stackTags,
        getConfig: () => ({ ...(config.get(p.name)?.properties ?? {}) }),
        notApplicable,
      };
      try {
        await p.validateStack(args as any, reporter(p, level, out, undefined, byUrn));
      } catch (e) {
        if (e instanceof policySdk.UnknownValueError) out.push(unknownDiagnostic(p, e as Error));
        else if (!(e instanceof NotApplicable)) throw e;
      }
    }
    return out;
  });
}

/** Both: what one `pulumi preview --policy-pack policy` reports for these resources. */
export async function validate(resources: Resource[], o: RunOptions): Promise<Violation[]> {
  return [...(await validateResources(resources, o)), ...(await validateStack(resources, o))];
}
