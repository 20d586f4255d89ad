import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClassConfig } from "../config";
import type { Entry } from "./entry";
import { certificateArgs, certificateMapEntryArgs, classCertificateNames } from "./gcp";
import { certificateModules } from "./gcpModules";
import * as m from "./manifests";

/** The cluster's Gateway as a class sees it: in the same stack, or from its cluster stack's `gateway` output. */
export interface ClassGateway extends m.GatewayRef {
  /** The Certificate Manager map, and the project it lives in. */
  certificateMap: pulumi.Input<string>;
  project: pulumi.Input<string>;
  /** What the class's certificate waits for in the same stack: the API and the map. Defaults to nothing. */
  after?: pulumi.Resource[];
}

export interface ClassRouteArgs {
  /** The class namespace. */
  namespace: string;
  /** The shared entry point the class takes (entry.ts classEntry). */
  entry: Exclude<Entry, { kind: "own" }>;
  /** classhub:class.tls: a Secret named there serves an Ingress instead of cert-manager. */
  tls: ClassConfig["tls"];
  /** The cluster's Gateway, for a `gateway` entry. */
  gateway?: ClassGateway;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/** What one class adds to its cluster's shared entry point: a route to proxy-public and its certificate. */
export class ClassRoute extends pulumi.ComponentResource {
  constructor(name: string, args: ClassRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:ingress:ClassRoute", name, {}, opts);
    const ns = args.namespace;
    const children = { parent: this, provider: args.provider };
    const entry = args.entry;

    if (entry.kind === "ingress") {
      const tls = m.ingressTls(args.tls, entry.ingress);
      new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        m.ingress(ns, entry.hostname, entry.ingress.ingressClassName, tls),
        children,
      );
      if ("clusterIssuer" in tls) {
        new k8s.networking.v1.NetworkPolicy(`${name}-acme-solver`, m.solverPolicy(ns), children);
      }
    } else {
      const gateway = args.gateway;
      if (gateway === undefined) {
        throw new pulumi.ResourceError("a gateway entry needs the cluster's Gateway (ClassRouteArgs.gateway)", this);
      }
      // Google's side first: the map serves the certificate for the hostname once DNS points at the Gateway.
      const { Certificate, CertificateMapEntry } = certificateModules();
      const names = classCertificateNames(name, pulumi.getStack());
      const certificate = new Certificate(
        `${name}-certificate`,
        certificateArgs(gateway.project, entry.hostname, names.certificate),
        { parent: this, dependsOn: gateway.after ?? [] },
      );
      new CertificateMapEntry(
        `${name}-certificate-entry`,
        certificateMapEntryArgs(gateway.project, gateway.certificateMap, entry.hostname, certificate.id, names.entry),
        { parent: this },
      );
      new k8s.apiextensions.CustomResource(`${name}-route`, m.classRoute(ns, entry.hostname, gateway), children);
      new k8s.apiextensions.CustomResource(`${name}-health-check`, m.healthCheckPolicy(ns), children);
      new k8s.apiextensions.CustomResource(`${name}-backend-policy`, m.backendPolicy(ns), children);
    }
    this.registerOutputs({});
  }
}
