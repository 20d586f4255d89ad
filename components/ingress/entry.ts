// Which entry point a class's students arrive through: proxy-public itself (a LoadBalancer, NodePort or ClusterIP
// Service of the class), or a route on the one entry point its cluster shares among classes (issue 14).
import { type ClassConfig, type ClusterConfig, serviceType } from "../config";
import type { ServiceType } from "../config/schema";

/** An existing ingress class with cert-manager: classhub:cluster.sharedIngress on an ambient cluster. */
export type SharedIngress = NonNullable<Extract<ClusterConfig, { source: "ambient" }>["sharedIngress"]>;

export type Entry =
  /** proxy-public is the class's own entry point. */
  | { kind: "own" }
  /** A route on the cluster's GKE Gateway, with a Google-managed certificate. */
  | { kind: "gateway"; hostname: string }
  /** An Ingress of the cluster's ingress class, with a certificate from cert-manager or a Secret. */
  | { kind: "ingress"; hostname: string; ingress: SharedIngress };

/** The entry point the cluster shares among its classes, if any. */
export function sharedEntry(cluster: ClusterConfig): "gateway" | SharedIngress | undefined {
  switch (cluster.source) {
    case "gke":
      return cluster.gke.gateway ? "gateway" : undefined;
    case "stack":
      return cluster.gateway ? "gateway" : undefined;
    case "ambient":
      return cluster.sharedIngress;
  }
}

/**
 * A class takes the shared entry point when it has a hostname (routes are by host name, and the certificate is for
 * it) and leaves classhub:class.serviceType unset: setting it keeps a Service of its own, a LoadBalancer included.
 */
export function classEntry(cls: ClassConfig, cluster: ClusterConfig): Entry {
  const shared = sharedEntry(cluster);
  if (shared === undefined || cls.hostname === undefined || cls.serviceType !== undefined) return { kind: "own" };
  return shared === "gateway"
    ? { kind: "gateway", hostname: cls.hostname }
    : { kind: "ingress", hostname: cls.hostname, ingress: shared };
}

/** proxy-public's type: ClusterIP behind a shared entry point, which reaches it inside the cluster. */
export function publicServiceType(cls: ClassConfig, cluster: ClusterConfig): ServiceType {
  return classEntry(cls, cluster).kind === "own" ? serviceType(cls, cluster) : "ClusterIP";
}
