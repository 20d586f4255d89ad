import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClassConfig } from "../config/schema";
import type { ContainerResources } from "../quantity";
import { defaultDeny, limitRange, namespace, resourceQuota } from "./manifests";

export interface ClassNamespaceArgs {
  /** The validated class; its namespace name, size and per-student limits shape the quota. */
  class: ClassConfig;
  /** The containers classhub runs in the namespace (hub, proxy): the quota counts them, the LimitRange admits them. */
  platform: ContainerResources[];
  /** Provider of the cluster the class runs on. */
  provider: k8s.Provider;
}

/**
 * The class's namespace, labelled for Pod Security "restricted", with a quota, default container limits and
 * a default-deny NetworkPolicy.
 */
export class ClassNamespace extends pulumi.ComponentResource {
  /** The namespace name. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: ClassNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:namespace:ClassNamespace", name, {}, opts);
    const ns = args.class.namespace;
    const children = { parent: this, provider: args.provider };

    // Students' home PVCs live in this namespace and are created by KubeSpawner, not by Pulumi:
    // deleting the namespace would delete every home. A destroy leaves it behind; a later up adopts it.
    const namespaceObject = new k8s.core.v1.Namespace(name, namespace(ns), { ...children, retainOnDelete: true });
    const inNamespace = { ...children, dependsOn: [namespaceObject] };
    new k8s.core.v1.ResourceQuota(`${name}-quota`, resourceQuota(ns, args.class, args.platform), inNamespace);
    new k8s.core.v1.LimitRange(`${name}-limits`, limitRange(ns, args.class, args.platform), inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, defaultDeny(ns), inNamespace);

    this.name = namespaceObject.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
