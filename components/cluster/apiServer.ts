// The Kubernetes API server as pods reach it. Pods call https://kubernetes.default, a Service address that
// is translated to the API server's own address and port before any NetworkPolicy sees the packet, so an egress
// rule must name those: they differ per cluster (GKE serves on 443, kind on 6443, minikube on 8443).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ApiServer {
  /** IPv4 addresses of the API server endpoints. */
  addresses: string[];
  /** TCP ports they serve on. */
  ports: number[];
}

/** The endpoints listed in the API server's own EndpointSlice, default/kubernetes. */
export function apiServerFromSlice(slice: {
  endpoints?: { addresses?: string[] }[];
  ports?: { port?: number }[];
}): ApiServer {
  const addresses = [...new Set((slice.endpoints ?? []).flatMap((e) => e.addresses ?? []))].sort();
  const ports = [...new Set((slice.ports ?? []).flatMap((p) => (p.port === undefined ? [] : [p.port])))];
  if (addresses.length === 0 || ports.length === 0) {
    // An egress rule with no peers or no ports would allow everything; refuse instead.
    throw new Error(
      "the EndpointSlice default/kubernetes lists no API server address and port; " +
        "the hub's NetworkPolicy needs them so that KubeSpawner can reach the API server",
    );
  }
  return { addresses, ports: ports.sort((a, b) => a - b) };
}

/**
 * Reads the API server's endpoints at each `up`. They are stable for a cluster's life; if the control plane
 * moves, the next `up` follows it. Reading needs `get` on endpointslices in the default namespace.
 */
export function readApiServer(name: string, opts: pulumi.CustomResourceOptions): pulumi.Output<ApiServer> {
  const slice = k8s.discovery.v1.EndpointSlice.get(name, "default/kubernetes", opts);
  return pulumi
    .all([slice.endpoints, slice.ports])
    .apply(([endpoints, ports]) => apiServerFromSlice({ endpoints, ports: ports ?? [] }));
}
