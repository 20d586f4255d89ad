// Rules for the student's server that span keys or need the cluster: the command, named node pools, GPU profiles'
// placement and the choices within profiles. classRules.ts runs them with the stack file; hub/servers.ts runs the
// pool rule again once a cluster stack's pools are known.
import { bytes } from "../quantity";
import { problem } from "./errors";
import type { ClassConfig, ClusterConfig } from "./schema";
import { CHOICE_SETTINGS } from "./schema/servers";

/**
 * The extra user pools a class may name: those of a GKE cluster it creates, or of a cluster stack once its outputs
 * are read; none on an ambient cluster; not yet known while a cluster stack is only named.
 */
export type PoolsKnown = { source: "pools"; pools: string[] } | { source: "ambient" } | { source: "later" };

export function poolsOf(cluster: ClusterConfig): PoolsKnown {
  if (cluster.source === "gke") return { source: "pools", pools: cluster.gke.extraUserPools.map((p) => p.name) };
  return cluster.source === "ambient" ? { source: "ambient" } : { source: "later" };
}

type Report = (key: string, value: unknown, message: string) => void;
type Placement = ClassConfig["placement"] | undefined;

function poolProblem(key: string, placement: Placement, known: PoolsKnown, report: Report) {
  const pool = placement?.nodePool;
  if (pool === undefined || known.source === "later") return;
  if (known.source === "ambient") {
    report(
      `${key}.nodePool`,
      pool,
      "names a GKE node pool, but classhub:cluster is an ambient cluster whose pools classhub does not know; " +
        "use nodeSelector and tolerations",
    );
  } else if (!known.pools.includes(pool)) {
    const have = known.pools.length === 0 ? "none" : known.pools.join(", ");
    report(
      `${key}.nodePool`,
      pool,
      `is not one of the cluster's extra user pools (${have}); add it to classhub:cluster.gke.extraUserPools`,
    );
  }
}

/** Options: distinct names and choice slugs, one default, each setting decided by one option, guarantees within limits. */
function optionProblems(cls: ClassConfig, known: PoolsKnown, report: Report) {
  cls.profiles.forEach((p, i) => {
    const names = p.options.map((o) => o.name);
    const setters = new Map<string, string>();
    p.options.forEach((option, j) => {
      const at = `profiles[${i}].options[${j}]`;
      if (names.indexOf(option.name) !== j) report(`${at}.name`, option.name, "is used twice in this profile");
      const slugs = option.choices.map((c) => c.slug);
      option.choices.forEach((c, k) => {
        const key = `${at}.choices[${k}]`;
        if (slugs.indexOf(c.slug) !== k) report(`${key}.slug`, c.slug, "is used twice in this option");
        for (const setting of CHOICE_SETTINGS) {
          const owner = setters.get(setting);
          if (c[setting] === undefined) continue;
          if (owner !== undefined && owner !== option.name) {
            report(
              `${key}.${setting}`,
              c[setting],
              `is also set by option '${owner}'; let the choices of one option decide ${setting}`,
            );
          }
          setters.set(setting, owner ?? option.name);
        }
        const merged = { ...cls.resources, ...p.resources, ...c.resources };
        if (c.resources !== undefined && merged.cpuGuarantee > merged.cpuLimit) {
          report(
            `${key}.resources.cpuGuarantee`,
            merged.cpuGuarantee,
            `exceeds cpuLimit ${merged.cpuLimit} in this choice; a guarantee must be at most its limit`,
          );
        }
        if (c.resources !== undefined && bytes(merged.memoryGuarantee) > bytes(merged.memoryLimit)) {
          report(
            `${key}.resources.memoryGuarantee`,
            merged.memoryGuarantee,
            `exceeds memoryLimit ${merged.memoryLimit} in this choice; a guarantee must be at most its limit`,
          );
        }
        poolProblem(`${key}.placement`, c.placement, known, report);
        if (p.gpus > 0 && c.placement?.nodePool !== undefined) {
          report(`${key}.placement.nodePool`, c.placement.nodePool, "a GPU profile runs on the GPU pool; drop it");
        }
      });
      const defaults = option.choices.filter((c) => c.default).map((c) => c.slug);
      if (defaults.length > 1) report(`${at}.choices`, defaults, "more than one choice is marked default; mark one");
    });
  });
}

/** Every problem of the class's servers, each naming its stack-file key (`classhub:class.<key>`). */
export function serverProblems(cls: ClassConfig, known: PoolsKnown): string[] {
  const out: string[] = [];
  const report: Report = (key, value, message) => out.push(problem(`classhub:class.${key}`, [], value, message));
  if (cls.args !== undefined && cls.cmd === undefined) {
    report("args", cls.args, "needs cmd: KubeSpawner drops arguments when the image's own command runs");
  }
  poolProblem("placement", cls.placement, known, report);
  cls.profiles.forEach((p, i) => {
    if (p.args !== undefined && (p.cmd ?? cls.cmd) === undefined) {
      report(
        `profiles[${i}].args`,
        p.args,
        "needs cmd (the profile's or the class's): KubeSpawner drops arguments when the image's own command runs",
      );
    }
    poolProblem(`profiles[${i}].placement`, p.placement, known, report);
    const pool = p.placement?.nodePool ?? cls.placement.nodePool;
    if (p.gpus > 0 && pool !== undefined) {
      const key = p.placement?.nodePool === undefined ? "placement.nodePool" : `profiles[${i}].placement.nodePool`;
      report(key, pool, `keeps GPU profile ${p.slug} off the GPU pool; a GPU profile runs on the GPU pool`);
    }
  });
  optionProblems(cls, known, report);
  return out;
}
