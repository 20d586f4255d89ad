// What one stack deploys: a cluster-only stack builds the shared GKE cluster; a class stack finds its
// cluster (its own GKE cluster, a cluster stack, or the ambient kubeconfig) and builds the class on it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClassHub, type ClusterTarget } from "./classhub/ClassHub";
import { GkeCluster } from "./cluster/GkeCluster";
import { oauthClientSecret, type StackConfig } from "./config";
import { StorageClasses } from "./storage/StorageClasses";

interface Connected {
  target: ClusterTarget;
  /** What a cluster stack exports for class stacks to reference. */
  exports?: Record<string, pulumi.Input<unknown>>;
}

function connect(config: StackConfig): Connected {
  const cluster = config.cluster;
  switch (cluster.source) {
    case "gke": {
      const gke = new GkeCluster(`classhub-${config.stack}`, { config: cluster.gke });
      const storage = new StorageClasses("storage", { provider: gke.provider }, { parent: gke });
      const target: ClusterTarget = {
        provider: gke.provider,
        gke: true,
        storageClasses: { home: storage.home, hubDb: storage.hubDb },
        gpuAcceleratorType: gke.gpuAcceleratorType,
        gcp: { project: gke.project, region: gke.region },
      };
      return {
        target,
        exports: {
          clusterName: gke.clusterName,
          kubeconfig: gke.kubeconfig,
          project: gke.project,
          region: gke.region,
          storageClasses: { home: storage.home, hubDb: storage.hubDb },
          ...(gke.gpuAcceleratorType === undefined ? {} : { gpuAcceleratorType: gke.gpuAcceleratorType }),
        },
      };
    }
    case "stack": {
      const ref = new pulumi.StackReference(cluster.stack);
      const output = (name: string) => ref.requireOutput(name) as pulumi.Output<any>;
      const storage = output("storageClasses");
      return {
        target: {
          provider: new k8s.Provider("cluster", { kubeconfig: output("kubeconfig") }),
          gke: true,
          storageClasses: { home: storage.apply((s) => s.home), hubDb: storage.apply((s) => s.hubDb) },
          gpuAcceleratorType: ref.getOutput("gpuAcceleratorType") as pulumi.Output<string | undefined>,
          gcp: { project: output("project"), region: output("region") },
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
    ...(exports === undefined ? {} : { kubeconfig: exports.kubeconfig }),
  };
}
