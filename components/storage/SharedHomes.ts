import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type NfsExport, sharedClaim, sharedVolume } from "./sharedManifests";

export interface SharedHomesArgs {
  /** The class namespace. */
  namespace: string;
  /** The NFS export that holds the class's homes. */
  nfs: NfsExport;
  /** The volume's recorded capacity, a quantity; NFS enforces none of it. */
  capacity: string;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/** A class's shared home volume on NFS and its claim, both kept on destroy: they hold every student's files. */
export class SharedHomes extends pulumi.ComponentResource {
  /** The claim servers and the hub mount. */
  readonly claimName: pulumi.Output<string>;

  constructor(name: string, args: SharedHomesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:storage:SharedHomes", name, {}, opts);
    const kept = { parent: this, provider: args.provider, retainOnDelete: true };
    const volume = new k8s.core.v1.PersistentVolume(
      `${name}-volume`,
      sharedVolume(args.namespace, args.nfs, args.capacity),
      kept,
    );
    const claim = new k8s.core.v1.PersistentVolumeClaim(`${name}-claim`, sharedClaim(args.namespace, args.capacity), {
      ...kept,
      dependsOn: [volume],
    });
    this.claimName = claim.metadata.name;
    this.registerOutputs({ claimName: this.claimName });
  }
}
