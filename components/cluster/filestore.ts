// Pure builder for the cluster's Filestore instance: one NFS share in the cluster's VPC that classes keep their
// shared homes on, each class in a folder of its own.
import type * as gcp from "@pulumi/gcp";
import type { GkeConfig } from "../config/schema";
import type { GkeNames } from "./names";

/** The share's name; classes mount `/<share>`. */
export const FILESTORE_SHARE = "classhub";
export const FILESTORE_API = "file.googleapis.com";

type Filestore = NonNullable<GkeConfig["filestore"]>;

/** Where the instance lives: a zone for the zonal tiers, the region for REGIONAL. */
export function filestoreLocation(config: GkeConfig, filestore: Filestore): string {
  if (filestore.tier === "REGIONAL") return config.region;
  return filestore.zone ?? config.nodeLocations?.[0] ?? `${config.region}-b`;
}

/**
 * Only the nodes may mount it (kubelet mounts NFS from the node's address), read-write, without root squash:
 * root squash would also keep the platform team from giving the share's root to uid 1000 (docs/gke.md).
 */
export function filestoreArgs(config: GkeConfig, filestore: Filestore, names: GkeNames) {
  return {
    project: config.project,
    name: `${names.cluster}-files`,
    location: filestoreLocation(config, filestore),
    tier: filestore.tier,
    description: "classhub shared homes",
    fileShares: {
      name: FILESTORE_SHARE,
      capacityGb: filestore.capacityGb,
      nfsExportOptions: [
        { ipRanges: [config.network.nodesCidr], accessMode: "READ_WRITE", squashMode: "NO_ROOT_SQUASH" },
      ],
    },
    networks: [{ network: names.network, modes: ["MODE_IPV4"], connectMode: "DIRECT_PEERING" }],
    deletionProtectionEnabled: config.deletionProtection,
  } satisfies gcp.filestore.InstanceArgs;
}
