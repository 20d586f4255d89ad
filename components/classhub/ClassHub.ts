import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readApiServer } from "../cluster/apiServer";
import type { ClassConfig, ClusterConfig } from "../config";
import type { ServiceType } from "../config/schema";
import { classSize, hubSettings } from "../hub/settings";
import { JupyterHub } from "../jupyterhub/JupyterHub";
import type { GcpPlace } from "../proxy/Proxy";
import { platformContainers } from "../jupyterhub/manifests";
import { hubContainer, proxyContainer } from "../jupyterhub/sizing";
import { hubSharedStorage } from "../hub/sharedStorage";
import { ClassRoute, type ClassGateway } from "../ingress/ClassRoute";
import { classEntry, publicServiceType } from "../ingress/entry";
import { Placeholders } from "../capacity/Placeholders";
import { ClassNamespace } from "../namespace/ClassNamespace";
import { classImages } from "../prepull/manifests";
import { PrePuller } from "../prepull/PrePuller";
import { userSchedulerName } from "../scheduling/manifests";
import { UserScheduler } from "../scheduling/UserScheduler";
import { SharedHomes } from "../storage/SharedHomes";
import { type NfsExport, sharedCapacity } from "../storage/sharedManifests";
import { CORE_NODES, type Taint } from "../placement";

/** The cluster a class runs on, however it was found. */
export interface ClusterTarget {
  /** Provider for the cluster. */
  provider: k8s.Provider;
  /** GKE clusters have classhub's core and tainted user node pools, and reserve addresses for hostnames. */
  gke: boolean;
  /** Storage classes for homes and the hub database. Undefined uses the cluster default. */
  storageClasses: { home?: pulumi.Input<string>; hubDb?: pulumi.Input<string> };
  /** GKE accelerator type of the GPU pool, if any. */
  gpuAcceleratorType?: pulumi.Input<string | undefined>;
  /** The user pool runs GKE Sandbox (gVisor): student servers must ask for its runtime class. */
  sandboxedUserPool?: pulumi.Input<boolean>;
  /** Project and region, for the reserved public address on GKE. */
  gcp?: GcpPlace;
  /** The cluster's extra user pools and their taints, by name; undefined on a cluster classhub did not create. */
  extraUserPools?: pulumi.Input<Record<string, Taint>>;
  /** The cluster's Filestore share, for classes with classhub:class.storage.shared.filestore. */
  filestore?: NfsExport;
  /** The cluster's shared Gateway (classhub:cluster.gke.gateway), which classes with a hostname route through. */
  gateway?: ClassGateway;
}

export interface ClassHubArgs {
  /** The validated class. */
  class: ClassConfig;
  /** Where it came from, for defaults that depend on the cluster source. */
  clusterConfig: ClusterConfig;
  /** The cluster to deploy to. */
  cluster: ClusterTarget;
  /** The OAuth client secret, for OAuth authenticators. */
  oauthClientSecret?: pulumi.Input<string>;
}

/** Everything one class needs: its namespace and its JupyterHub. */
export class ClassHub extends pulumi.ComponentResource {
  /** The class namespace. */
  readonly namespace: pulumi.Output<string>;
  /** Where students log in. */
  readonly hubUrl: pulumi.Output<string>;
  /** The hub's admin page, for course staff. */
  readonly adminUrl: pulumi.Output<string>;

  constructor(name: string, args: ClassHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:classhub:ClassHub", name, {}, opts);
    const cls = args.class;
    const cluster = args.cluster;

    const ns = new ClassNamespace(
      `${name}-namespace`,
      { class: cls, platform: platformContainers(cls), provider: cluster.provider },
      { parent: this },
    );
    const homes = sharedExport(cls, cluster, this);
    const shared =
      homes === undefined
        ? []
        : [
            new SharedHomes(
              `${name}-shared`,
              { namespace: cls.namespace, nfs: homes, capacity: sharedCapacity(cls), provider: cluster.provider },
              { parent: this, dependsOn: [ns] },
            ),
          ];
    const settings = pulumi
      .all([cluster.storageClasses.home, cluster.gpuAcceleratorType, cluster.sandboxedUserPool, cluster.extraUserPools])
      .apply(([home, gpu, sandboxed, pools]) =>
        hubSettings(cls, {
          userPool: cluster.gke,
          homeStorageClass: home,
          gpuAcceleratorType: gpu,
          sandboxedUserPool: sandboxed ?? false,
          extraUserPools: pools,
        }),
      );
    const entry = classEntry(cls, args.clusterConfig);
    const type = publicServiceType(cls, args.clusterConfig);
    const apiServer = readApiServer(`${name}-api-server`, { parent: this, provider: cluster.provider });
    const schedulerName = userSchedulerName(cls);
    // Before the hub: student servers that name a scheduler wait for it.
    const packing =
      schedulerName === undefined
        ? []
        : [
            new UserScheduler(
              `${name}-user-scheduler`,
              {
                namespace: cls.namespace,
                schedulerName,
                image: cls.packing.image,
                apiServer,
                provider: cluster.provider,
              },
              { parent: this, dependsOn: [ns] },
            ),
          ];
    const hub = new JupyterHub(
      `${name}-jupyterhub`,
      {
        namespace: cls.namespace,
        settings,
        oauthClientSecret: args.oauthClientSecret,
        dbStorageClass: cluster.storageClasses.hubDb,
        coreNodeSelector: cluster.gke ? CORE_NODES : undefined,
        hub: {
          image: cls.hub.image,
          shared: hubSharedStorage(cls),
          resources: hubContainer(cls),
          databaseSize: cls.hub.databaseSize,
          branding: cls.branding,
        },
        proxy: {
          image: cls.proxy.image,
          serviceType: type,
          nodePort: cls.nodePort,
          // Behind a shared entry point TLS ends there: the proxy serves plain HTTP inside the cluster.
          hostname: entry.kind === "own" ? cls.hostname : undefined,
          tls: cls.tls,
          gcp: cluster.gcp,
          resources: proxyContainer(cls),
        },
        egress: cls.egress,
        files: cls.files,
        apiServer,
        provider: cluster.provider,
      },
      { parent: this, dependsOn: [ns, ...shared, ...packing] },
    );

    if (entry.kind !== "own") {
      new ClassRoute(
        `${name}-entry`,
        { namespace: cls.namespace, entry, tls: cls.tls, gateway: cluster.gateway, provider: cluster.provider },
        { parent: this, dependsOn: [ns] },
      );
    }

    if (cls.placeholders.count > 0 || cls.placeholders.lectures.length > 0) {
      new Placeholders(
        `${name}-placeholders`,
        {
          namespace: cls.namespace,
          placeholders: cls.placeholders,
          classSize: classSize(cls),
          settings,
          apiServer,
          provider: cluster.provider,
        },
        { parent: this, dependsOn: [ns] },
      );
    }

    if (cls.prePull.enabled) {
      new PrePuller(
        `${name}-prepull`,
        {
          namespace: cls.namespace,
          images: classImages(cls),
          pauseImage: cls.prePull.pauseImage,
          settings,
          provider: cluster.provider,
        },
        { parent: this, dependsOn: [ns] },
      );
    }

    this.namespace = ns.name;
    this.hubUrl = hubUrl(cls, type, hub.proxy.nodePort, hub.proxy.loadBalancerIngress);
    this.adminUrl = this.hubUrl.apply((url) => `${url}hub/admin`);
    this.registerOutputs({ namespace: this.namespace, hubUrl: this.hubUrl, adminUrl: this.adminUrl });
  }
}

/**
 * The URL students use: the hostname when there is one; else the load balancer's address, a node port on
 * this machine (kind and minikube map it, see the README), or a port-forward to localhost:8000.
 */
function hubUrl(
  cls: ClassConfig,
  type: ServiceType,
  nodePort: pulumi.Output<number | undefined>,
  ingress: pulumi.Output<string | undefined>,
): pulumi.Output<string> {
  if (cls.hostname !== undefined) return pulumi.output(`https://${cls.hostname}/`);
  if (type === "NodePort") return nodePort.apply((port) => `http://localhost:${port ?? cls.nodePort}/`);
  if (type === "LoadBalancer") return ingress.apply((address) => `http://${address ?? "<pending load balancer>"}/`);
  return pulumi.output("http://localhost:8000/");
}

/** The NFS export classhub makes the class's shared volume of; undefined for per-student disks or a given claim. */
function sharedExport(cls: ClassConfig, cluster: ClusterTarget, parent: pulumi.Resource): NfsExport | undefined {
  const shared = cls.storage.shared;
  if (shared === undefined || "claim" in shared) return undefined;
  if ("nfs" in shared) return { server: shared.nfs.server, path: shared.nfs.path };
  if (cluster.filestore === undefined) {
    throw new pulumi.ResourceError(
      "classhub:class.storage.shared.filestore: this class's cluster has no Filestore instance; set " +
        "classhub:cluster.gke.filestore on the stack that creates the cluster, or use shared.nfs or shared.claim",
      parent,
    );
  }
  return cluster.filestore;
}
