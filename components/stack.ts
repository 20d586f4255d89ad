// What one stack deploys: a cluster-only stack builds the shared GKE cluster; a class stack finds its
// cluster (its own GKE cluster, a cluster stack, or the ambient kubeconfig) and builds the class on it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClassHub, type ClusterTarget } from "./classhub/ClassHub";
import { gkeClusterModule } from "./cluster/gcpModules";
import { oauthClientSecret, type StackConfig } from "./config";
import type { ClassGateway } from "./ingress/ClassRoute";
import { sharedGatewayModule } from "./ingress/gcpModules";
import { poolTaints } from "./hub/servers";
import type { Taint } from "./placement";
import { HOME_STORAGE_OUTPUT, homeStorage } from "./storage/homeStorage";
import { StorageClasses } from "./storage/StorageClasses";

interface Connected {
  target: ClusterTarget;
  /** What a cluster stack exports for class stacks to reference. */
  exports?: Record<string, pulumi.Input<unknown>>;
}

/**
 * The identity of a cluster stack's cluster, for the class's Kubernetes provider. Its `clusterId` output, or for a
 * cluster stack from before that output the same string, which GKE's id is made of. With an identity a new endpoint
 * or certificate updates the provider in place; without one it would replace every object of the class.
 */
export function clusterIdentity(outputs: {
  clusterId?: string;
  project: string;
  region: string;
  clusterName: string;
}): string {
  return outputs.clusterId ?? `projects/${outputs.project}/locations/${outputs.region}/clusters/${outputs.clusterName}`;
}

const usesFilestore = (config: StackConfig) =>
  config.class?.storage.shared !== undefined && "filestore" in config.class.storage.shared;

/** A cluster stack's Filestore share as an NFS export; a class using it on a cluster stack without one fails. */
function filestoreOf(output: pulumi.Output<{ address: string; share: string } | undefined>) {
  const share = output.apply((f) => {
    if (f === undefined) {
      throw new Error(
        "classhub:class.storage.shared.filestore: the cluster stack exports no filestore; set " +
          "classhub:cluster.gke.filestore there and run its `pulumi up` first",
      );
    }
    return f;
  });
  return { server: share.apply((f) => f.address), path: share.apply((f) => `/${f.share}`) };
}

/** A cluster stack's `gateway` output, for a class with classhub:cluster.gateway; a stack without one fails. */
function gatewayOf(output: pulumi.Output<{ namespace: string; name: string; certificateMap: string } | undefined>) {
  const gateway = output.apply((g) => {
    if (g === undefined) {
      throw new Error(
        "classhub:cluster.gateway: the cluster stack exports no gateway; set classhub:cluster.gke.gateway there " +
          "and run its `pulumi up` first, or remove classhub:cluster.gateway here",
      );
    }
    return g;
  });
  return {
    namespace: gateway.apply((g) => g.namespace),
    name: gateway.apply((g) => g.name),
    certificateMap: gateway.apply((g) => g.certificateMap),
  };
}

function connect(config: StackConfig): Connected {
  const cluster = config.cluster;
  switch (cluster.source) {
    case "gke": {
      const { GkeCluster } = gkeClusterModule();
      const name = `classhub-${config.stack}`;
      const gke = new GkeCluster(name, { config: cluster.gke });
      const storage = new StorageClasses("storage", { provider: gke.provider }, { parent: gke });
      const gateway = cluster.gke.gateway
        ? new (sharedGatewayModule().SharedGateway)(
            "gateway",
            { config: cluster.gke, clusterName: name, apis: gke.apis, provider: gke.provider },
            { parent: gke },
          )
        : undefined;
      const target: ClusterTarget = {
        provider: gke.provider,
        gke: true,
        storageClasses: { home: storage.home, hubDb: storage.hubDb },
        gpuAcceleratorType: gke.gpuAcceleratorType,
        sandboxedUserPool: cluster.gke.userPool.sandbox,
        extraUserPools: poolTaints(cluster.gke.extraUserPools),
        ...(gke.filestore === undefined
          ? {}
          : { filestore: { server: gke.filestore.address, path: `/${gke.filestore.share}` } }),
        // The class's reserved address calls the Compute Engine API that this stack's cluster enables.
        gcp: { project: gke.project, region: gke.region, after: gke.apis },
        ...(gateway === undefined
          ? {}
          : { gateway: { ...gateway.outputs, project: gke.project, after: gateway.ready } satisfies ClassGateway }),
      };
      return {
        target,
        exports: {
          clusterName: gke.clusterName,
          clusterId: gke.clusterId,
          kubeconfig: gke.kubeconfig,
          project: gke.project,
          region: gke.region,
          storageClasses: { home: storage.home, hubDb: storage.hubDb },
          ...(gke.gpuAcceleratorType === undefined ? {} : { gpuAcceleratorType: gke.gpuAcceleratorType }),
          sandboxedUserPool: cluster.gke.userPool.sandbox,
          ...(cluster.gke.extraUserPools.length === 0
            ? {}
            : { extraUserPools: poolTaints(cluster.gke.extraUserPools) }),
          ...(gke.filestore === undefined ? {} : { filestore: gke.filestore }),
          ...(gateway === undefined ? {} : { gateway: gateway.outputs }),
        },
      };
    }
    case "stack": {
      const ref = new pulumi.StackReference(cluster.stack);
      const output = (name: string) => ref.requireOutput(name) as pulumi.Output<any>;
      const storage = output("storageClasses");
      const clusterIdentifier = pulumi
        .all([ref.getOutput("clusterId"), output("project"), output("region"), output("clusterName")])
        .apply(([clusterId, project, region, clusterName]) =>
          clusterIdentity({ clusterId, project, region, clusterName }),
        );
      return {
        target: {
          provider: new k8s.Provider("cluster", { kubeconfig: output("kubeconfig"), clusterIdentifier }),
          gke: true,
          storageClasses: { home: storage.apply((s) => s.home), hubDb: storage.apply((s) => s.hubDb) },
          gpuAcceleratorType: ref.getOutput("gpuAcceleratorType") as pulumi.Output<string | undefined>,
          // A cluster stack from before this output has no sandboxed pool.
          sandboxedUserPool: ref.getOutput("sandboxedUserPool").apply((s) => s === true),
          // A cluster stack from before this output has no extra pools.
          extraUserPools: ref.getOutput("extraUserPools").apply((p) => (p ?? {}) as Record<string, Taint>),
          // Read only by a class that uses it: other classes need no Filestore on their cluster stack.
          ...(usesFilestore(config) ? { filestore: filestoreOf(ref.getOutput("filestore")) } : {}),
          gcp: { project: output("project"), region: output("region") },
          ...(cluster.gateway
            ? { gateway: { ...gatewayOf(ref.getOutput("gateway")), project: output("project") } }
            : {}),
        },
      };
    }
    case "ambient":
      return {
        target: {
          provider: new k8s.Provider("cluster", { context: cluster.context }),
          gke: false,
          storageClasses: cluster.storageClasses,
        },
      };
  }
}

/**
 * Marks a Kubernetes object so the provider does not wait for it to become ready. A control plane without
 * kubelet or scheduler (tools/controlplane) never rolls out a Deployment; real clusters never get this.
 */
export function skipAwait(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
  const metadata = args.props.metadata as Record<string, any> | undefined;
  if (!args.type.startsWith("kubernetes:") || metadata === undefined) return undefined;
  const annotations = { ...metadata.annotations, "pulumi.com/skipAwait": "true" };
  return { props: { ...args.props, metadata: { ...metadata, annotations } }, opts: args.opts };
}

/** Builds the stack's resources and returns its outputs. */
export function buildStack(config: StackConfig): Record<string, pulumi.Input<unknown>> {
  if (config.cluster.source === "ambient" && config.cluster.skipAwait) {
    pulumi.runtime.registerStackTransformation(skipAwait);
  }
  const { target, exports } = connect(config);
  if (config.class === undefined) return exports ?? {};
  const hub = new ClassHub(config.class.namespace, {
    class: config.class,
    clusterConfig: config.cluster,
    cluster: target,
    oauthClientSecret: config.class.auth.type === "dummy" ? undefined : oauthClientSecret(),
  });
  return {
    hubUrl: hub.hubUrl,
    adminUrl: hub.adminUrl,
    namespace: hub.namespace,
    // Read back by the next run (storage/homeStorage.ts), which refuses to move homes by accident.
    [HOME_STORAGE_OUTPUT]: homeStorage(config.class),
    ...(exports === undefined ? {} : { kubeconfig: exports.kubeconfig }),
  };
}
