import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { serviceArgs } from "../cluster/apis";
import type { GkeConfig } from "../config/schema";
import { CERTIFICATE_MANAGER_API, certificateMapArgs, gatewayNames, globalAddressArgs } from "./gcp";
import * as m from "./manifests";

export interface SharedGatewayArgs {
  /** The cluster's settings: its project. */
  config: GkeConfig;
  /** The cluster component's name, which the address and the map are named after. */
  clusterName: string;
  /** The cluster's APIs, which the address waits for. */
  apis: pulumi.Resource[];
  /** Provider of the cluster. */
  provider: k8s.Provider;
}

/** What class stacks need to route through the Gateway: the `gateway` output of a cluster stack. */
export interface GatewayOutputs {
  namespace: string;
  name: string;
  /** The Certificate Manager map the classes add their entries to. */
  certificateMap: pulumi.Output<string>;
  /** The public address every class hostname's DNS record points at. */
  address: pulumi.Output<string>;
}

/** One Gateway for all classes of a GKE cluster: a global address, a certificate map, and the Gateway on them. */
export class SharedGateway extends pulumi.ComponentResource {
  readonly outputs: GatewayOutputs;
  /** What a class's certificate waits for in the same stack: the Certificate Manager API and the map. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: SharedGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:ingress:SharedGateway", name, {}, opts);
    const project = args.config.project;
    const names = gatewayNames(args.clusterName);
    const api = new gcp.projects.Service(
      `${name}-api-certificatemanager`,
      serviceArgs(args.config, CERTIFICATE_MANAGER_API),
      {
        parent: this,
      },
    );
    const address = new gcp.compute.GlobalAddress(`${name}-address`, globalAddressArgs(project, names.address), {
      parent: this,
      dependsOn: args.apis,
    });
    const map = new gcp.certificatemanager.CertificateMap(
      `${name}-certificate-map`,
      certificateMapArgs(project, names.certificateMap),
      {
        parent: this,
        dependsOn: [api],
      },
    );

    const children = { parent: this, provider: args.provider };
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, m.gatewayNamespace(), children);
    const after = { ...children, dependsOn: [namespace] };
    new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      m.gateway({ addressName: address.name, certificateMap: map.name }),
      after,
    );
    new k8s.apiextensions.CustomResource(`${name}-https-redirect`, m.httpsRedirect(), after);

    this.outputs = {
      namespace: m.GATEWAY_NAMESPACE,
      name: m.GATEWAY_NAME,
      certificateMap: map.name,
      address: address.address,
    };
    this.ready = [api, map];
    this.registerOutputs({ address: this.outputs.address, certificateMap: this.outputs.certificateMap });
  }
}
