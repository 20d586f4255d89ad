// Pure builders for the shared entry point: the Gateway a GKE cluster stack creates once, and what each class adds
// to it (an HTTPRoute and the GKE policies of its backend), or its Ingress on an existing ingress class.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { labels, NO_AWAIT_ANNOTATION } from "../labels";
import { POD_SECURITY_LABELS } from "../namespace/manifests";
import { PROXY_PUBLIC_SERVICE } from "../services";
import type { SharedIngress } from "./entry";

/** The Gateway's own namespace: class stacks route to it by name, and nothing runs there. */
export const GATEWAY_NAMESPACE = "classhub-gateway";
/** The Gateway's name, which class routes name in their parentRefs. */
export const GATEWAY_NAME = "classhub";
/** GKE's GatewayClass for the global external Application Load Balancer, which Certificate Manager maps serve. */
export const GATEWAY_CLASS = "gke-l7-global-external-managed";
/** The listener class routes attach to; the HTTP listener only redirects. */
export const HTTPS_LISTENER = "https";
/** The path configurable-http-proxy answers 200 on; its `/` redirects, which a load balancer counts as unhealthy. */
export const PROXY_HEALTH_PATH = "/_chp_healthz";
/**
 * Seconds a connection through Google's load balancer may last: for a websocket, the backend timeout is its whole
 * life, not an idle limit, and the default 30 s would cut every notebook's kernel connection twice a minute.
 */
export const BACKEND_TIMEOUT_SECONDS = 86400;
/** The label cert-manager puts on its HTTP-01 solver pods, and the port they answer on. */
export const HTTP01_SOLVER = { label: "acme.cert-manager.io/http01-solver", port: 8089 };
/** The Secret cert-manager issues a class's certificate into, as for a proxy that serves HTTPS itself. */
export const INGRESS_TLS_SECRET = "proxy-public-tls";

const GATEWAY_API = "gateway.networking.k8s.io/v1";
const GKE_POLICY_API = "networking.gke.io/v1";
/** Namespaces of classes: ClassNamespace labels every one this way. */
const CLASS_NAMESPACES = { "app.kubernetes.io/part-of": "classhub", "app.kubernetes.io/component": "namespace" };

/** The Gateway's namespace, under Pod Security "restricted" like every namespace classhub creates. */
export function gatewayNamespace(): k8s.types.input.core.v1.Namespace {
  return {
    metadata: {
      name: GATEWAY_NAMESPACE,
      labels: { ...labels(GATEWAY_NAMESPACE, "namespace"), ...POD_SECURITY_LABELS },
    },
  };
}

export interface GatewayOptions {
  /** The reserved global address, by name: the address DNS records of every class point at. */
  addressName: pulumi.Input<string>;
  /** The Certificate Manager map whose entries give each class's hostname its certificate. */
  certificateMap: pulumi.Input<string>;
}

/**
 * One Gateway for every class on the cluster. HTTPS routes come from class namespaces only; TLS ends at Google's
 * load balancer with the certificate the map holds for the requested name (certmap excludes `tls` on listeners).
 */
export function gateway(o: GatewayOptions) {
  return {
    apiVersion: GATEWAY_API,
    kind: "Gateway",
    metadata: {
      // Named: class routes' parentRefs name it.
      name: GATEWAY_NAME,
      namespace: GATEWAY_NAMESPACE,
      labels: labels(GATEWAY_NAMESPACE, "proxy"),
      annotations: { "networking.gke.io/certmap": o.certificateMap },
    },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      addresses: [{ type: "NamedAddress", value: o.addressName }],
      listeners: [
        { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } },
        {
          name: HTTPS_LISTENER,
          protocol: "HTTPS",
          port: 443,
          allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: CLASS_NAMESPACES } } },
        },
      ],
    },
  };
}

/** Plain HTTP on the Gateway, for any hostname, answers with a redirect to HTTPS. */
export function httpsRedirect() {
  return {
    apiVersion: GATEWAY_API,
    kind: "HTTPRoute",
    metadata: { name: "https-redirect", namespace: GATEWAY_NAMESPACE, labels: labels(GATEWAY_NAMESPACE, "proxy") },
    spec: {
      parentRefs: [{ name: GATEWAY_NAME, sectionName: "http" }],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    },
  };
}

/** Where a class route attaches: the cluster's Gateway, as the cluster stack exports it. */
export interface GatewayRef {
  namespace: pulumi.Input<string>;
  name: pulumi.Input<string>;
}

/** The class's route: its hostname, over HTTPS, to proxy-public's HTTP port. */
export function classRoute(ns: string, hostname: string, parent: GatewayRef) {
  return {
    apiVersion: GATEWAY_API,
    kind: "HTTPRoute",
    metadata: { name: PROXY_PUBLIC_SERVICE, namespace: ns, labels: labels(ns, "proxy") },
    spec: {
      parentRefs: [{ kind: "Gateway", name: parent.name, namespace: parent.namespace, sectionName: HTTPS_LISTENER }],
      hostnames: [hostname],
      rules: [{ backendRefs: [{ name: PROXY_PUBLIC_SERVICE, port: 80 }] }],
    },
  };
}

const proxyPublicRef = { group: "", kind: "Service", name: PROXY_PUBLIC_SERVICE };

/** The load balancer's health check asks the proxy's health path, not `/`, which redirects to the hub. */
export function healthCheckPolicy(ns: string) {
  return {
    apiVersion: GKE_POLICY_API,
    kind: "HealthCheckPolicy",
    metadata: { name: PROXY_PUBLIC_SERVICE, namespace: ns, labels: labels(ns, "proxy") },
    spec: {
      default: { config: { type: "HTTP", httpHealthCheck: { requestPath: PROXY_HEALTH_PATH } } },
      targetRef: proxyPublicRef,
    },
  };
}

/** Connections to the proxy last up to BACKEND_TIMEOUT_SECONDS, so notebooks keep their websockets. */
export function backendPolicy(ns: string) {
  return {
    apiVersion: GKE_POLICY_API,
    kind: "GCPBackendPolicy",
    metadata: { name: PROXY_PUBLIC_SERVICE, namespace: ns, labels: labels(ns, "proxy") },
    spec: { default: { timeoutSec: BACKEND_TIMEOUT_SECONDS }, targetRef: proxyPublicRef },
  };
}

/** Where the Ingress's certificate comes from: the class's own Secret, else cert-manager with the cluster's issuer. */
export type IngressTls = { secretName: string } | { clusterIssuer: string };

/** The class's Ingress on the cluster's ingress class: its hostname, over TLS, to proxy-public's HTTP port. */
export function ingress(
  ns: string,
  hostname: string,
  className: string,
  tls: IngressTls,
): k8s.types.input.networking.v1.Ingress {
  const issued = "clusterIssuer" in tls;
  return {
    metadata: {
      name: PROXY_PUBLIC_SERVICE,
      namespace: ns,
      labels: labels(ns, "proxy"),
      annotations: {
        // Not waited for: Pulumi would wait for the controller to publish an address, which many never do (Traefik
        // without an ingressEndpoint), and fail the `up` after ten minutes; the hub does not need it to start.
        ...NO_AWAIT_ANNOTATION,
        // cert-manager's ingress-shim creates the Certificate for the tls section and solves HTTP-01 through this
        // class.
        ...(issued ? { "cert-manager.io/cluster-issuer": tls.clusterIssuer } : {}),
      },
    },
    spec: {
      ingressClassName: className,
      tls: [{ hosts: [hostname], secretName: issued ? INGRESS_TLS_SECRET : tls.secretName }],
      rules: [
        {
          host: hostname,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: PROXY_PUBLIC_SERVICE, port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** The Ingress's certificate: the class's `tls.secretName` when it names one, else the cluster's ClusterIssuer. */
export function ingressTls(
  classTls: { secretName: string } | { clusterIssuer: string },
  shared: SharedIngress,
): IngressTls {
  return "secretName" in classTls ? { secretName: classTls.secretName } : { clusterIssuer: shared.clusterIssuer };
}

/**
 * cert-manager answers HTTP-01 from a solver pod in the class namespace, behind the ingress controller; the
 * namespace's default deny would drop the challenge. Only the solver's port, only on solver pods.
 */
export function solverPolicy(ns: string): k8s.types.input.networking.v1.NetworkPolicy {
  return {
    metadata: { name: "acme-http01-solver", namespace: ns, labels: labels(ns, "proxy") },
    spec: {
      podSelector: { matchLabels: { [HTTP01_SOLVER.label]: "true" } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port: HTTP01_SOLVER.port }] }],
    },
  };
}
