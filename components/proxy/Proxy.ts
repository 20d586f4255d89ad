import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { addressModule } from "../cluster/gcpModules";
import { reservedAddressName } from "../cluster/names";
import { secretDigest } from "../digest";
import type { ServiceType } from "../config/schema";
import type { ContainerResources } from "../quantity";
import * as m from "./manifests";

/** Where a class's GCP resources go. */
export interface GcpPlace {
  project: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** What they wait for: the APIs that a cluster of the same stack enables. Defaults to nothing. */
  after?: pulumi.Resource[];
}

export interface ProxyArgs {
  /** The class namespace. */
  namespace: string;
  /** The proxy's image, pinned: classhub:class.proxy.image, whose default is PROXY_IMAGE. */
  image: string;
  /** The proxy's API token; the hub reads it from the proxy's Secret. */
  token: pulumi.Input<string>;
  /** The proxy container's requests and limits (jupyterhub/sizing.ts). */
  resources: ContainerResources;
  /** How proxy-public is exposed. */
  serviceType: ServiceType;
  /** Fixed node port for NodePort. Defaults to one Kubernetes picks. */
  nodePort?: number;
  /** Public DNS name. Turns on HTTPS with a certificate from `tls`. */
  hostname?: string;
  /** Where the certificate comes from: a cert-manager ClusterIssuer, or an existing TLS Secret. */
  tls?: { clusterIssuer: string } | { secretName: string };
  /** GCP project and region for a reserved address, when the LoadBalancer has a hostname on GKE. */
  gcp?: GcpPlace;
  /** Where the proxy pod may run. Defaults to anywhere. */
  nodeSelector?: Record<string, string>;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/** configurable-http-proxy with its API and public Services, its NetworkPolicy and, with a hostname, HTTPS. */
export class Proxy extends pulumi.ComponentResource {
  /** The public Service's name. */
  readonly publicServiceName: pulumi.Output<string>;
  /** The Secret and key holding the API token. */
  readonly tokenSecret: { name: pulumi.Output<string>; key: string };
  /** What the hub waits for before it starts: the API Service to call and a proxy that answers. */
  readonly ready: pulumi.Resource[];
  /** The reserved public address, when one was reserved. */
  readonly address?: pulumi.Output<string>;
  /** The node port, for NodePort. */
  readonly nodePort: pulumi.Output<number | undefined>;
  /** The LoadBalancer's address once the cloud assigns it. */
  readonly loadBalancerIngress: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:proxy:Proxy", name, {}, opts);
    const ns = args.namespace;
    const children = { parent: this, provider: args.provider };
    const https = args.hostname !== undefined;

    let tlsSecretName: string | undefined;
    const startAfter: pulumi.Resource[] = [];
    if (https) {
      const tls = args.tls ?? { clusterIssuer: "letsencrypt" };
      if ("secretName" in tls) {
        tlsSecretName = tls.secretName;
      } else {
        // cert-manager keeps the certificate in TLS_SECRET and renews it; the platform installs cert-manager.
        startAfter.push(
          new k8s.apiextensions.CustomResource(
            `${name}-certificate`,
            m.certificate(ns, args.hostname!, tls.clusterIssuer),
            children,
          ),
        );
        tlsSecretName = m.TLS_SECRET;
      }
    }

    const token = new k8s.core.v1.Secret(`${name}-token`, m.tokenSecret(ns, args.token), children);
    const apiService = new k8s.core.v1.Service(`${name}-api`, m.apiService(ns), children);
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      m.deployment({
        namespace: ns,
        image: args.image,
        tokenChecksum: secretDigest([args.token], args.token),
        tlsSecretName,
        resources: args.resources,
        nodeSelector: args.nodeSelector ?? {},
      }),
      // The pod reads the token Secret and the certificate's Secret by name.
      { ...children, dependsOn: [token, ...startAfter] },
    );

    // A reserved address keeps the DNS record valid when the Service is recreated.
    if (https && args.serviceType === "LoadBalancer" && args.gcp !== undefined) {
      const addressName = reservedAddressName(`${name}-address`, pulumi.getStack());
      const { Address } = addressModule();
      const address = new Address(
        `${name}-address`,
        {
          // GCE names hold 63 characters; a long namespace gets a shortened, hashed one (cluster/names.ts).
          ...(addressName === undefined ? {} : { name: addressName }),
          project: args.gcp.project,
          region: args.gcp.region,
          addressType: "EXTERNAL",
          description: `classhub ${ns} proxy-public`,
        },
        { parent: this, dependsOn: args.gcp.after ?? [] },
      );
      this.address = address.address;
    }
    const publicService = new k8s.core.v1.Service(
      `${name}-public`,
      m.publicService(ns, {
        type: args.serviceType,
        tls: https,
        nodePort: args.nodePort,
        loadBalancerIP: this.address,
      }),
      { ...children, dependsOn: [deployment] },
    );
    new k8s.networking.v1.NetworkPolicy(`${name}-network-policy`, m.networkPolicy(ns, https), children);

    this.publicServiceName = publicService.metadata.name;
    this.tokenSecret = { name: token.metadata.name, key: m.TOKEN_SECRET.key };
    this.ready = [apiService, deployment];
    this.nodePort = publicService.spec.ports.apply((ports) => ports?.[0]?.nodePort);
    this.loadBalancerIngress = publicService.status.apply(
      (s) => s?.loadBalancer?.ingress?.[0]?.ip ?? s?.loadBalancer?.ingress?.[0]?.hostname,
    );
    this.registerOutputs({
      publicServiceName: this.publicServiceName,
      tokenSecretName: this.tokenSecret.name,
      address: this.address,
      nodePort: this.nodePort,
    });
  }
}
