import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ApiServer } from "../cluster/apiServer";
import type { PlaceholdersConfig } from "../config/schema";
import type { HubSettings } from "../hub/settingsSchema";
import {
  defaultServer,
  placeholderDeployment,
  placeholderPriorityClass,
  scaleCronJob,
  scalerNetworkPolicy,
  scalerRole,
  scalerRoleBinding,
  scalerServiceAccount,
} from "./manifests";
import { placeholderSchedule } from "./schedule";

type Meta = pulumi.Input<k8s.types.input.meta.v1.ObjectMeta>;

export interface PlaceholdersArgs {
  /** The class namespace. */
  namespace: string;
  /** classhub:class.placeholders. */
  placeholders: PlaceholdersConfig;
  /** Students plus admins: a lecture's count when it names none. */
  classSize: number;
  /** The hub settings: placeholders are sized and placed like a student's default server. */
  settings: pulumi.Input<HubSettings>;
  /** The API server as pods reach it, for the scaler's egress. */
  apiServer: pulumi.Input<ApiServer>;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/**
 * User placeholders (classhub:class.placeholders): their PriorityClass and Deployment, and with lectures, the
 * CronJobs that change their count, with the little RBAC and egress those need.
 */
export class Placeholders extends pulumi.ComponentResource {
  /** The count held outside lectures. */
  readonly standing: number;

  constructor(name: string, args: PlaceholdersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:capacity:Placeholders", name, {}, opts);
    const ns = args.namespace;
    const p = args.placeholders;
    const children = { parent: this, provider: args.provider };
    const settings = pulumi.output(args.settings);

    const priority = new k8s.scheduling.v1.PriorityClass(`${name}-priority`, placeholderPriorityClass(ns), children);
    const schedule = placeholderSchedule(p, args.classSize);
    const deployment = settings.apply((s) => placeholderDeployment(ns, p.count, defaultServer(s.spawner), p.image));
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      { metadata: deployment.metadata as Meta, spec: deployment.spec as k8s.types.input.apps.v1.DeploymentSpec },
      {
        ...children,
        dependsOn: [priority],
        // With lectures the CronJobs own the count: an `up` during a lecture must not take its room away.
        ignoreChanges: schedule.length > 0 ? ["spec.replicas"] : [],
      },
    );
    if (schedule.length > 0) {
      const account = new k8s.core.v1.ServiceAccount(`${name}-scaler`, scalerServiceAccount(ns), children);
      const role = new k8s.rbac.v1.Role(`${name}-scaler`, scalerRole(ns), children);
      const binding = new k8s.rbac.v1.RoleBinding(`${name}-scaler`, scalerRoleBinding(ns), {
        ...children,
        dependsOn: [account, role],
      });
      const policy = pulumi.output(args.apiServer).apply((api) => scalerNetworkPolicy(ns, api));
      const egress = new k8s.networking.v1.NetworkPolicy(
        `${name}-scaler`,
        { metadata: policy.metadata as Meta, spec: policy.spec as k8s.types.input.networking.v1.NetworkPolicySpec },
        children,
      );
      for (const at of schedule) {
        new k8s.batch.v1.CronJob(`${name}-${at.name}`, scaleCronJob(ns, at, p.scalerImage), {
          ...children,
          dependsOn: [binding, egress],
        });
      }
    }

    this.standing = p.count;
    this.registerOutputs({});
  }
}
