import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { hubSettingsValidation, profileKey } from "../lib/hubSettings";
import { unpinned } from "../lib/images";
import { eachContainer, podSpecValidations } from "../lib/pods";

interface Config {
  requireDigest: boolean;
  disallowedTags: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    requireDigest: {
      type: "boolean",
      default: false,
      description: "Require every image to name a digest (@sha256:...), not only a tag.",
    },
    disallowedTags: {
      type: "array",
      items: { type: "string" },
      default: ["latest"],
      description: "Tags that move and so pin nothing.",
    },
  },
};

const EXAMPLE = "e.g. quay.io/jupyter/scipy-notebook:2025-10-06";

/**
 * An unpinned image changes under a class mid-term: a rebuilt `latest` can break every notebook the night before
 * an exam, and two students' servers may run different software. Covers classhub's pods and students' servers.
 */
export const requirePinnedImages: ResourceValidationPolicy = {
  name: "classhub-require-pinned-images",
  description: "Every image, students' included, is pinned to an exact tag or a digest, never latest or untagged.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema,
  validateResource: [
    ...podSpecValidations((pod, args, reportViolation) => {
      const config = configWithDefaults<Config>(configSchema, args);
      eachContainer(pod, (c) => {
        const image: string = c.container.image ?? "";
        const why = unpinned(image, config.requireDigest, config.disallowedTags);
        if (why !== undefined) {
          reportViolation(
            `Expected an image pinned to ${config.requireDigest ? "a digest" : "a tag or digest"} but found ` +
              `${JSON.stringify(image)} (${why}) in ${c.label} of ${pod.resource}; set ${c.path}.image to an exact ` +
              `${config.requireDigest ? "digest" : "tag"}`,
          );
        }
      });
    }),
    hubSettingsValidation(({ settings, where }, args, reportViolation) => {
      const config = configWithDefaults<Config>(configSchema, args);
      const images: [string, string | null, string][] = [
        ["spawner.image", settings.spawner.image, "classhub:class.image"],
        ...settings.spawner.profiles.map((p, i): [string, string | null, string] => [
          `spawner.profiles[${i}].overrides.image (profile ${p.slug})`,
          p.overrides.image,
          profileKey(i, "image"),
        ]),
      ];
      for (const [field, image, key] of images) {
        if (image === null || image === undefined) continue;
        const why = unpinned(image, config.requireDigest, config.disallowedTags);
        if (why !== undefined) {
          reportViolation(
            `Expected an image pinned to ${config.requireDigest ? "a digest" : "a tag or digest"} but found ` +
              `${JSON.stringify(image)} (${why}) in ${field} of ${where}; set ${key} to an exact ` +
              `${config.requireDigest ? "digest, e.g. quay.io/jupyter/scipy-notebook@sha256:<digest>" : `tag, ${EXAMPLE}`}`,
          );
        }
      }
    }),
  ],
};
