// GCP names for a GkeCluster's resources, derived from the component's name within GCP's limits.
import { createHash } from "node:crypto";

/**
 * A GCP resource name from a free-form name: lowercase letters, digits and '-', starting with a letter,
 * at most maxLength characters including suffix. A name that must be shortened keeps a hash of the
 * original so that two long names that share a prefix still differ.
 */
export function gcpName(name: string, maxLength: number, suffix = ""): string {
  let base = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-$/, "");
  if (base === "") base = "classhub";
  const room = maxLength - suffix.length;
  if (base.length > room) {
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
    base = `${base.slice(0, room - hash.length - 1).replace(/-+$/, "")}-${hash}`;
  }
  return base + suffix;
}

export interface GkeNames {
  /** GKE cluster: at most 40 characters. */
  cluster: string;
  network: string;
  subnetwork: string;
  router: string;
  nat: string;
  /** Service account id: 6 to 30 characters. */
  serviceAccount: string;
}

/** GCP names for a GkeCluster component called `name`. Other names (63 characters) share the cluster's. */
export function resourceNames(name: string): GkeNames {
  const cluster = gcpName(name, 40);
  return {
    cluster,
    network: `${cluster}-vpc`,
    subnetwork: `${cluster}-nodes`,
    router: `${cluster}-router`,
    nat: `${cluster}-nat`,
    serviceAccount: gcpName(name, 30, "-nodes"),
  };
}

/** What Compute Engine accepts as a resource name: RFC 1035, at most 63 characters. */
export const GCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Pulumi's auto-name for a resource without a `name`: the resource name, '-' and 7 random hex characters. */
export const AUTO_NAME_SUFFIX = 8;

/** Whether Pulumi's auto-name for this resource name is a valid Compute Engine name, whatever its suffix. */
export function autoNameFits(resourceName: string): boolean {
  return GCE_NAME.test(`${resourceName}-${"0".repeat(AUTO_NAME_SUFFIX - 1)}`);
}

/**
 * The GCE name of a class's reserved address, whose Pulumi resource name grows with the class namespace.
 * Undefined while Pulumi's auto-name fits, which keeps the addresses of existing classes (a new name would replace
 * the address and break its DNS record). Otherwise an explicit name within 63 characters, with a hash of the stack
 * and resource name so that classes with one namespace in two stacks of a project still differ.
 */
export function reservedAddressName(resourceName: string, stack: string): string | undefined {
  if (autoNameFits(resourceName)) return undefined;
  const hash = createHash("sha256").update(`${stack}/${resourceName}`).digest("hex").slice(0, 8);
  return gcpName(resourceName, 63, `-${hash}`);
}
