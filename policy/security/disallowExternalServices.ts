import * as k8s from "@pulumi/kubernetes";
import { type PolicyConfigSchema, type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { describe } from "../lib/describe";
import { skipUnknown } from "../lib/unknown";

interface Config {
  allowedServices: string[];
  externalTypes: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedServices: {
      type: "array",
      items: { type: "string" },
      default: ["proxy-public"],
      description: "Names of the Services that may be reached from outside the cluster.",
    },
    externalTypes: {
      type: "array",
      items: { type: "string", enum: ["LoadBalancer", "NodePort"] },
      default: ["LoadBalancer", "NodePort"],
      description: "Service types that expose a Service outside the cluster.",
    },
  },
};

/**
 * Only configurable-http-proxy faces the internet: it authenticates nothing itself but routes every request
 * through the hub's login. Anything else exposed (the hub's API, the proxy's API) bypasses the login.
 */
export const disallowExternalServices: ResourceValidationPolicy = {
  name: "classhub-disallow-external-services",
  description: "Only the public proxy Service (proxy-public) may be a LoadBalancer or NodePort.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: validateResourceOfType(
    k8s.core.v1.Service,
    skipUnknown((service, args, reportViolation) => {
      const config = configWithDefaults<Config>(configSchema, args);
      const type = service.spec?.type ?? "ClusterIP";
      if (!config.externalTypes.includes(type)) return;
      const name = service.metadata?.name;
      const component = service.spec?.selector?.["app.kubernetes.io/component"];
      if (name !== undefined && config.allowedServices.includes(name) && component === "proxy") return;
      const what =
        name !== undefined && config.allowedServices.includes(name)
          ? `${type} selecting component ${JSON.stringify(component ?? null)}, not the proxy,`
          : type;
      reportViolation(
        `Expected type ClusterIP for a Service other than ${config.allowedServices.join(", ")} but found ${what} in ` +
          `${describe(args)}; set spec.type to ClusterIP (classhub:class.serviceType exposes proxy-public only)`,
      );
    }),
  ),
};
