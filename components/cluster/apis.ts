// The Google APIs a GKE cluster stack calls. A fresh project has most of them off, and the first call would fail
// with 403 SERVICE_DISABLED, so the stack enables them and every GCP resource waits for them.
import type * as gcp from "@pulumi/gcp";
import type { GkeConfig } from "../config/schema";

/**
 * What the program calls, and for what. Not here: serviceusage.googleapis.com, which enabling the others goes
 * through and so cannot enable itself (it is on in every project created by the console or gcloud), and
 * artifactregistry.googleapis.com, which nothing classhub creates or pulls needs (images come from quay.io; the nodes
 * may read Artifact Registry once a team turns it on for its own images).
 */
export const REQUIRED_APIS = [
  // The VPC, subnetwork, router, NAT and the classes' reserved addresses.
  "compute.googleapis.com",
  // The cluster and its node pools.
  "container.googleapis.com",
  // The node service account.
  "iam.googleapis.com",
  // The node account's project role bindings (getIamPolicy/setIamPolicy on the project).
  "cloudresourcemanager.googleapis.com",
] as const;

/** The resource name suffix for an API: `compute` for compute.googleapis.com. */
export const apiName = (api: string) => api.split(".")[0];

/** Enables one API and never disables it: other stacks and people in the project may rely on it. */
export function serviceArgs(config: GkeConfig, api: string) {
  return {
    project: config.project,
    service: api,
    // Destroying the stack leaves the API on; turning it off would break whatever else uses it.
    disableOnDestroy: false,
    disableDependentServices: false,
  } satisfies gcp.projects.ServiceArgs;
}
