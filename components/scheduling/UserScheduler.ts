import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ApiServer } from "../cluster/apiServer";
import * as m from "./manifests";

export interface UserSchedulerArgs {
  /** The class namespace. */
  namespace: string;
  /** The name student pods ask for in spec.schedulerName: userSchedulerName(cls). */
  schedulerName: string;
  /** kube-scheduler's image, pinned: classhub:class.packing.image. Defaults to USER_SCHEDULER_IMAGE. */
  image?: string;
  /** The API server as pods reach it, for the scheduler's egress. */
  apiServer: pulumi.Input<ApiServer>;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/**
 * The class's packing scheduler: its config, its identity and rights (a Lease in the namespace, a scheduler's
 * cluster-wide roles), the kube-scheduler Deployment and its NetworkPolicy.
 */
export class UserScheduler extends pulumi.ComponentResource {
  /** The name student pods ask for. */
  readonly schedulerName: pulumi.Output<string>;

  constructor(name: string, args: UserSchedulerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:scheduling:UserScheduler", name, {}, opts);
    const ns = args.namespace;
    const children = { parent: this, provider: args.provider };

    const account = new k8s.core.v1.ServiceAccount(`${name}-account`, m.serviceAccount(ns), children);
    const role = new k8s.rbac.v1.Role(`${name}-lease-role`, m.leaseRole(ns), children);
    const rights: pulumi.Resource[] = [
      new k8s.rbac.v1.RoleBinding(`${name}-lease-binding`, m.leaseRoleBinding(ns, role.metadata.name), children),
      ...m
        .clusterRoleBindings(ns)
        .map(
          (binding, i) =>
            new k8s.rbac.v1.ClusterRoleBinding(
              `${name}-${m.USER_SCHEDULER_CLUSTER_ROLES[i].replace("system:", "")}`,
              binding,
              children,
            ),
        ),
    ];
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, m.configMap(ns, args.schedulerName), children);
    const policy = pulumi.output(args.apiServer).apply((api) => m.networkPolicy(ns, api));
    new k8s.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      {
        metadata: m.networkPolicyMetadata(ns),
        spec: policy.apply((p) => p.spec as k8s.types.input.networking.v1.NetworkPolicySpec),
      },
      children,
    );
    // Started once it may read the cluster and hold its Lease, so its first attempts are not refused.
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      m.deployment({
        namespace: ns,
        image: args.image ?? m.USER_SCHEDULER_IMAGE,
        configMapName: config.metadata.name,
        serviceAccountName: account.metadata.name,
      }),
      { ...children, dependsOn: rights },
    );

    this.schedulerName = pulumi.output(args.schedulerName);
    this.registerOutputs({ schedulerName: this.schedulerName });
  }
}
