// The shared Gateway's Google Cloud modules, loaded on first use like cluster/gcpModules.ts: a class on an ambient
// cluster, or one with a Service of its own, loads none of them.
/* eslint-disable @typescript-eslint/no-require-imports -- a static import would load them for every stack */

/** The cluster stack's Gateway: its address, certificate map and Kubernetes objects. */
export const sharedGatewayModule = (): typeof import("./SharedGateway") => require("./SharedGateway");

/** The two Certificate Manager modules a class on the Gateway needs. */
export const certificateModules = () => ({
  ...(require("@pulumi/gcp/certificatemanager/certificate") as typeof import("@pulumi/gcp/certificatemanager/certificate")),
  ...(require("@pulumi/gcp/certificatemanager/certificateMapEntry") as typeof import("@pulumi/gcp/certificatemanager/certificateMapEntry")),
});
