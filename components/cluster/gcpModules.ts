// GKE's modules, loaded on first use. @pulumi/gcp is the biggest package the program can load: its index loads all
// 190 of its service modules (about 50 ms and 11 MiB, docs/bench.md), and only stacks on GKE create GCP resources.
// So nothing imports these statically, and a class on an ambient cluster loads no GCP code
// (test/stacks/loading.test.ts).
/* eslint-disable @typescript-eslint/no-require-imports -- a static import would load them for every stack */

/** GkeCluster, which loads all of @pulumi/gcp: for a stack that creates its cluster. */
export const gkeClusterModule = (): typeof import("./GkeCluster") => require("./GkeCluster");

/** The one module of @pulumi/gcp a class on a cluster stack may need: the reserved address of its proxy. */
export const addressModule = (): typeof import("@pulumi/gcp/compute/address") => require("@pulumi/gcp/compute/address");
