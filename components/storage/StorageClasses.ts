import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HOME_STORAGE_CLASS, HUB_DB_STORAGE_CLASS, storageClass } from "./manifests";

export interface StorageClassesArgs {
  /** Provider of the GKE cluster. Other clusters use their default storage class and need none of these. */
  provider: k8s.Provider;
}

/** The cluster-wide storage classes for student homes and hub databases. */
export class StorageClasses extends pulumi.ComponentResource {
  /** Storage class for students' home volumes. */
  readonly home: pulumi.Output<string>;
  /** Storage class for hub databases. */
  readonly hubDb: pulumi.Output<string>;

  constructor(name: string, args: StorageClassesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:storage:StorageClasses", name, {}, opts);
    const children = { parent: this, provider: args.provider };
    const home = new k8s.storage.v1.StorageClass(
      `${name}-home`,
      storageClass(HOME_STORAGE_CLASS, "pd-balanced"),
      children,
    );
    const hubDb = new k8s.storage.v1.StorageClass(
      `${name}-hub-db`,
      storageClass(HUB_DB_STORAGE_CLASS, "pd-ssd"),
      children,
    );

    this.home = home.metadata.name;
    this.hubDb = hubDb.metadata.name;
    this.registerOutputs({ home: this.home, hubDb: this.hubDb });
  }
}
