import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { show } from "../lib/describe";
import { clusterValidation } from "../lib/gke";

interface Config {
  allowedChannels: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedChannels: {
      type: "array",
      items: { type: "string", enum: ["RAPID", "REGULAR", "STABLE", "EXTENDED"] },
      default: ["RAPID", "REGULAR", "STABLE"],
      description: "Release channels a classhub cluster may follow.",
    },
  },
};

/** A cluster on a release channel gets security patches and upgrades on a schedule; one without falls behind. */
export const requireReleaseChannel: ResourceValidationPolicy = {
  name: "classhub-require-release-channel",
  description: "The cluster is enrolled in a GKE release channel the pack config allows.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateResource: clusterValidation((cluster, resource, args, reportViolation) => {
    const { allowedChannels } = configWithDefaults<Config>(configSchema, args);
    const channel = cluster.releaseChannel?.channel;
    if (channel === undefined || !allowedChannels.includes(channel)) {
      reportViolation(
        `Expected release channel ${allowedChannels.join(", ")} but found ${show(channel)} in ${resource}; ` +
          `set classhub:cluster.gke.releaseChannel to ${allowedChannels.includes("REGULAR") ? "REGULAR" : allowedChannels[0]}`,
      );
    }
  }),
};
