import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, stackMatches } from "../lib/config";
import { hubSettingsValidation, profileKey } from "../lib/hubSettings";
import { nodePoolValidation } from "../lib/gke";
import { stackName } from "../lib/stack";

interface Config {
  allowedStacks: string[];
  maxGpusPerServer: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedStacks: {
      type: "array",
      items: { type: "string" },
      default: ["*"],
      description: "Stacks (names, * matches any run of characters) that may offer GPU profiles or run GPU node pools.",
    },
    maxGpusPerServer: {
      type: "integer",
      minimum: 0,
      default: 1,
      description: "Most GPUs one student's server may attach.",
    },
  },
};

/** A GPU node costs ten times a CPU node; GPUs go only to the classes the platform team approved, a few per server. */
export const disallowUnapprovedGpus: ResourceValidationPolicy = {
  name: "classhub-disallow-unapproved-gpus",
  description:
    "GPU profiles and GPU node pools only in the stacks the pack config allows, with at most maxGpusPerServer GPUs each.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema,
  validateResource: [
    hubSettingsValidation(({ settings, where }, args, reportViolation) => {
      const config = configWithDefaults<Config>(configSchema, args);
      const stack = stackName();
      const allowed = stackMatches(stack, config.allowedStacks);
      settings.spawner.profiles.forEach((p, i) => {
        const gpus = p.overrides.gpus ?? 0;
        if (gpus > 0 && !allowed) {
          reportViolation(
            `Expected no GPU profile in stack ${JSON.stringify(stack)} but found profile ${p.slug} with ${gpus} GPU${gpus === 1 ? "" : "s"} ` +
              `in ${where}; set ${profileKey(i, "gpus")} to 0, or ask the platform team to add the stack to allowedStacks`,
          );
        } else if (gpus > config.maxGpusPerServer) {
          reportViolation(
            `Expected at most ${config.maxGpusPerServer} GPU${config.maxGpusPerServer === 1 ? "" : "s"} per server but found ${gpus} ` +
              `in profile ${p.slug} of ${where}; set ${profileKey(i, "gpus")} to ${config.maxGpusPerServer} or less`,
          );
        }
      });
    }),
    nodePoolValidation((pool, resource, args, reportViolation) => {
      const config = configWithDefaults<Config>(configSchema, args);
      const stack = stackName();
      if ((pool.nodeConfig?.guestAccelerators ?? []).length > 0 && !stackMatches(stack, config.allowedStacks)) {
        reportViolation(
          `Expected no GPU node pool in stack ${JSON.stringify(stack)} but found guestAccelerators in ${resource}; ` +
            "remove classhub:cluster.gke.gpuPool, or ask the platform team to add the stack to allowedStacks",
        );
      }
    }),
  ],
};
