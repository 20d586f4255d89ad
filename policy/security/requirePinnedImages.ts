import type { PolicyConfigSchema, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { hubSettingsValidation, profileKey } from "../lib/hubSettings";
import { unpinned } from "../lib/images";
import { type ContainerAt, eachContainer, type PodSpecAt, podSpecValidations } from "../lib/pods";
import { known } from "../lib/unknown";

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

/** The stack-file keys that set the image of classhub's own Deployments, by their component label. */
export const IMAGE_KEYS: Readonly<Record<string, string>> = {
  hub: "classhub:class.hub.image",
  proxy: "classhub:class.proxy.image",
};

/** Where to fix a container's image: the stack-file key for classhub's hub and proxy, else the manifest path. */
function fixAt(pod: PodSpecAt, c: ContainerAt, args: ResourceValidationArgs): string {
  const component = known(() => {
    const labels = args.props.metadata?.labels ?? {};
    return labels["app.kubernetes.io/part-of"] === "classhub" ? (labels["app.kubernetes.io/component"] as string) : "";
  });
  const own =
    args.type === "kubernetes:apps/v1:Deployment" &&
    c.path === `${pod.path}.containers[0]` &&
    component !== undefined &&
    Object.hasOwn(IMAGE_KEYS, component);
  return own ? IMAGE_KEYS[component!] : `${c.path}.image`;
}

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
              `${JSON.stringify(image)} (${why}) in ${c.label} of ${pod.resource}; set ${fixAt(pod, c, args)} to an exact ` +
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
