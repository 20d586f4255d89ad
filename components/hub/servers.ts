// The student's server in the hub settings: where it runs (class, profile and choice placement), what it runs, and
// the choices within a profile. Pure: settings.ts calls these with the validated class and the cluster's facts.
import { serverProblems } from "../config/serverRules";
import type { ClassConfig } from "../config/schema";
import { extraPoolTaint, GKE_POOL_LABEL, type Taint, toleration } from "../placement";
import { bytes } from "../quantity";
import type { ChoiceSettings, OptionSettings, Toleration } from "./settingsSchema";

type Profile = ClassConfig["profiles"][number];
type Option = Profile["options"][number];
type Placement = NonNullable<Profile["placement"]>;

/** A node selector and the tolerations a placement adds to what is placed before it. */
export interface Placed {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

/**
 * What a placement adds: its pool's GKE label and taint, then its own labels and tolerations. `pools` holds the
 * cluster's extra user pools and their taints; the config rules have checked that a named pool is there.
 */
export function placed(placement: Placement | undefined, pools: Record<string, Taint>): Placed {
  const pool = placement?.nodePool;
  const taint = pool === undefined ? undefined : pools[pool];
  return {
    nodeSelector: { ...(pool === undefined ? {} : { [GKE_POOL_LABEL]: pool }), ...placement?.nodeSelector },
    tolerations: [
      ...(taint === undefined ? [] : [toleration(taint)]),
      ...(placement?.tolerations ?? []).map((t) => ({ ...t })),
    ],
  };
}

/** The extra user pools of a cluster stack's config (or its outputs), by name. */
export function poolTaints(pools: { name: string; taint?: { key: string; value: string } }[]): Record<string, Taint> {
  return Object.fromEntries(pools.map((pool) => [pool.name, extraPoolTaint(pool)]));
}

/** Stops when a class names a pool its cluster stack lacks: only known once the stack reference resolves. */
export function requireKnownPools(cls: ClassConfig, pools: Record<string, Taint>): void {
  const problems = serverProblems(cls, { source: "pools", pools: Object.keys(pools) });
  if (problems.length > 0) throw new Error(`Invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

const orNull = <T>(value: T | undefined): T | null => value ?? null;
/** null for an empty map or list: nothing to add to the class value. */
export const nonEmpty = <T extends object>(value: T): T | null => (Object.keys(value).length === 0 ? null : value);

/** The choices of one profile option, each with exactly one default (the first unless one says so). */
export function optionSettings(option: Option, pools: Record<string, Taint>): OptionSettings {
  const marked = option.choices.findIndex((c) => c.default);
  return {
    name: option.name,
    displayName: option.displayName,
    choices: option.choices.map((c, i): ChoiceSettings => {
      const where = placed(c.placement, pools);
      return {
        slug: c.slug,
        displayName: c.displayName,
        default: i === (marked === -1 ? 0 : marked),
        overrides: {
          image: orNull(c.image),
          cpuGuarantee: orNull(c.resources?.cpuGuarantee),
          cpuLimit: orNull(c.resources?.cpuLimit),
          memGuarantee: c.resources?.memoryGuarantee === undefined ? null : bytes(c.resources.memoryGuarantee),
          memLimit: c.resources?.memoryLimit === undefined ? null : bytes(c.resources.memoryLimit),
          environment: orNull(c.environment),
          nodeSelector: nonEmpty(where.nodeSelector),
          tolerations: nonEmpty(where.tolerations),
        },
      };
    }),
  };
}

/** A profile's own server settings: each null keeps the class value. */
export function profileServer(p: Profile) {
  return {
    environment: orNull(p.environment),
    defaultUrl: orNull(p.defaultUrl),
    cmd: orNull(p.cmd),
    args: orNull(p.args),
    workingDir: orNull(p.workingDir),
  };
}

/** Home claims a student may have: one per server (claim-{user_server}), the default one and each named one. */
export function homesPerStudent(cls: ClassConfig): number {
  return 1 + (cls.namedServers.enabled ? cls.namedServers.limitPerStudent : 0);
}
