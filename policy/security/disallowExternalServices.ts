import * as k8s from "@pulumi/kubernetes";
import {
  type PolicyConfigSchema,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
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
      description: "Names of the Services that may be reached from outside the cluster, directly or through a route.",
    },
    externalTypes: {
      type: "array",
      items: { type: "string", enum: ["LoadBalancer", "NodePort"] },
      default: ["LoadBalancer", "NodePort"],
      description: "Service types that expose a Service outside the cluster.",
    },
  },
};

/** The Services an Ingress or an HTTPRoute sends traffic to. */
function backends(type: string, props: any): string[] {
  if (type === "kubernetes:networking.k8s.io/v1:Ingress") {
    const paths = (props.spec?.rules ?? []).flatMap((r: any) => r.http?.paths ?? []);
    return [props.spec?.defaultBackend, ...paths.map((p: any) => p.backend)]
      .map((b: any) => b?.service?.name)
      .filter((n: unknown): n is string => typeof n === "string");
  }
  return (props.spec?.rules ?? [])
    .flatMap((r: any) => r.backendRefs ?? [])
    .filter((b: any) => (b.kind ?? "Service") === "Service")
    .map((b: any) => b.name as string);
}

const ROUTES = ["kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"];

/**
 * Only configurable-http-proxy faces the internet: it authenticates nothing itself but routes every request
 * through the hub's login. Anything else exposed (the hub's API, the proxy's API) bypasses the login, whether as a
 * Service of its own or as the backend of an Ingress or a Gateway route.
 */
export const disallowExternalServices: ResourceValidationPolicy = {
  name: "classhub-disallow-external-services",
  description:
    "Only the public proxy Service (proxy-public) may be a LoadBalancer or NodePort, or the backend of an Ingress or HTTPRoute.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema,
  validateResource: [
    validateResourceOfType(
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
    skipUnknown((args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!ROUTES.includes(args.type)) return;
      const config = configWithDefaults<Config>(configSchema, args);
      for (const name of backends(args.type, args.props)) {
        if (config.allowedServices.includes(name)) continue;
        reportViolation(
          `Expected a route only to ${config.allowedServices.join(", ")} but found one to Service ${name} in ` +
            `${describe(args)}; route to proxy-public (classhub:cluster.sharedIngress and gke.gateway route there)`,
        );
      }
    }),
  ],
};
