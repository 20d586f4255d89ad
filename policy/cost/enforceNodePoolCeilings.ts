import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { nodePoolValidation, poolKey } from "../lib/gke";

interface Config {
  maxUserNodes: number;
  maxGpuNodes: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    maxUserNodes: {
      type: "integer",
      minimum: 1,
      default: 100,
      description: "Most nodes the autoscaler may run in a node pool for students' servers.",
    },
    maxGpuNodes: {
      type: "integer",
      minimum: 0,
      default: 8,
      description: "Most nodes the autoscaler may run in a GPU node pool.",
    },
  },
};

/** The node label classhub puts on its pools (components/placement.ts; test/policy/contract.test.ts). */
export const USER_LABEL = "hub.jupyter.org/node-purpose";

/** The autoscaler adds nodes for every pending student's server; maxNodes is what caps the bill when something spins. */
export const enforceNodePoolCeilings: ResourceValidationPolicy = {
  name: "classhub-enforce-node-pool-ceilings",
  description: "User and GPU node pools autoscale to at most the pack config's ceilings.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema,
  validateResource: nodePoolValidation((pool, resource, args, reportViolation) => {
    const config = configWithDefaults<Config>(configSchema, args);
    const gpu = (pool.nodeConfig?.guestAccelerators ?? []).length > 0;
    const user = pool.nodeConfig?.labels?.[USER_LABEL] === "user";
    if (!gpu && !user) return;
    const autoscaling = pool.autoscaling ?? {};
    // Per-zone limits apply in every zone of the pool (a regional pool spans three unless nodeLocations says otherwise).
    const zones = (pool.nodeLocations ?? []).length || 3;
    const max: number | undefined =
      autoscaling.totalMaxNodeCount ??
      (autoscaling.maxNodeCount === undefined ? undefined : autoscaling.maxNodeCount * zones);
    const ceiling = gpu ? config.maxGpuNodes : config.maxUserNodes;
    const kind = gpu ? "GPU" : "user";
    const key = `${poolKey(pool.name ?? args.name)}.maxNodes`;
    if (max === undefined) {
      reportViolation(
        `Expected autoscaling to at most ${ceiling} nodes in a ${kind} node pool but found no autoscaling limit in ${resource}; ` +
          `set ${key} to ${ceiling} or less`,
      );
    } else if (max > ceiling) {
      reportViolation(
        `Expected at most ${ceiling} nodes in a ${kind} node pool but found ${max} in ${resource}; set ${key} to ${ceiling} or less`,
      );
    }
  }),
};
