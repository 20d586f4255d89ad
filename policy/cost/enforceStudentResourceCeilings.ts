import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { hubSettingsValidation, profileKey } from "../lib/hubSettings";
import { formatBytes, quantity } from "../lib/quantity";

interface Config {
  maxCpuLimit: number;
  maxMemoryLimit: string;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    maxCpuLimit: {
      type: "number",
      exclusiveMinimum: 0,
      default: 8,
      description: "Most CPU cores one student's server may use (classhub:class.resources.cpuLimit and profiles').",
    },
    maxMemoryLimit: {
      type: "string",
      pattern: "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$",
      default: "32Gi",
      description:
        "Most memory one student's server may use, as a Kubernetes quantity (classhub:class.resources.memoryLimit and profiles').",
    },
  },
};

/**
 * The class's bill is students times per-student limits: a typo (cpuLimit 40 for 4) multiplies the nodes the
 * autoscaler adds at lecture start. Each student's limits, the profiles' included, stay under the platform's ceilings.
 */
export const enforceStudentResourceCeilings: ResourceValidationPolicy = {
  name: "classhub-enforce-student-resource-ceilings",
  description: "Each student's CPU and memory limits, in every profile, stay under the ceilings in the pack config.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema,
  validateResource: hubSettingsValidation(({ settings, where }, args, reportViolation) => {
    const config = configWithDefaults<Config>(configSchema, args);
    const maxMemory = quantity(config.maxMemoryLimit) ?? Infinity;
    const options: [string, string, number | null, number | null][] = [
      ["spawner", "classhub:class.resources", settings.spawner.cpuLimit, settings.spawner.memLimit],
      ...settings.spawner.profiles.map((p, i): [string, string, number | null, number | null] => [
        `profile ${p.slug}`,
        profileKey(i, "resources"),
        p.overrides.cpuLimit ?? settings.spawner.cpuLimit,
        p.overrides.memLimit ?? settings.spawner.memLimit,
      ]),
      // A choice within a profile (an older settings file has no options).
      ...settings.spawner.profiles.flatMap((p, i) =>
        (p.options ?? []).flatMap((o, j) =>
          o.choices.map((c, k): [string, string, number | null, number | null] => [
            `choice ${o.name}=${c.slug} of profile ${p.slug}`,
            profileKey(i, `options[${j}].choices[${k}].resources`),
            c.overrides.cpuLimit ?? p.overrides.cpuLimit ?? settings.spawner.cpuLimit,
            c.overrides.memLimit ?? p.overrides.memLimit ?? settings.spawner.memLimit,
          ]),
        ),
      ),
    ];
    for (const [what, key, cpu, memory] of options) {
      if (typeof cpu === "number" && cpu > config.maxCpuLimit) {
        reportViolation(
          `Expected a CPU limit of at most ${config.maxCpuLimit} cores but found ${cpu} in ${what} of ${where}; ` +
            `set ${key}.cpuLimit to ${config.maxCpuLimit} or less`,
        );
      }
      if (typeof memory === "number" && memory > maxMemory) {
        reportViolation(
          `Expected a memory limit of at most ${config.maxMemoryLimit} but found ${formatBytes(memory)} in ${what} of ` +
            `${where}; set ${key}.memoryLimit to ${config.maxMemoryLimit} or less`,
        );
      }
    }
  }),
};
