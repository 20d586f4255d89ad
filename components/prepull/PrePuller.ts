import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HubSettings } from "../hub/settingsSchema";
import { daemonSet, daemonSetMetadata, prePullPlacement } from "./manifests";

export interface PrePullerArgs {
  /** The class namespace. */
  namespace: string;
  /** The images to pull onto each node: classImages() of the class. */
  images: string[];
  /** The long-running container's image: classhub:class.prePull.pauseImage. */
  pauseImage: string;
  /** The hub settings: the pre-puller runs where the spawner places servers, and pulls as it does. */
  settings: pulumi.Input<HubSettings>;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/** The image pre-puller (classhub:class.prePull): one DaemonSet whose pods pull every image of the class. */
export class PrePuller extends pulumi.ComponentResource {
  /** The DaemonSet's name. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: PrePullerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:prepull:PrePuller", name, {}, opts);
    const spec = pulumi
      .output(args.settings)
      .apply((s) => daemonSet(args.namespace, args.images, args.pauseImage, prePullPlacement(s.spawner)));
    const set = new k8s.apps.v1.DaemonSet(
      name,
      { metadata: daemonSetMetadata(args.namespace), spec: spec.spec as k8s.types.input.apps.v1.DaemonSetSpec },
      { parent: this, provider: args.provider },
    );
    this.name = set.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
