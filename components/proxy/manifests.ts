// Pure builders for configurable-http-proxy: the public entry point of a class.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceType } from "../config/schema";
import { labels, NO_AWAIT_ANNOTATION, podsOf, selectorLabels } from "../labels";
import type { ContainerResources } from "../quantity";
import { DNS_EGRESS, restrictedContainerSecurity, restrictedPodSecurity } from "../security";
import {
  HTTP_PORT,
  HTTPS_PORT,
  HUB_PORT,
  HUB_SERVICE,
  PROXY_API_PORT,
  PROXY_API_SERVICE,
  PROXY_PUBLIC_SERVICE,
  SINGLEUSER_PORT,
} from "../services";
import { CERT_CHECK_SCRIPT } from "./certCheck";

/** The default of classhub:class.proxy.image: the tag z2jh 4.4.0 pairs with k8s-hub 4.4.0. */
export const PROXY_IMAGE = "quay.io/jupyterhub/configurable-http-proxy:5.2.0";
/** Where the TLS Secret is mounted when the class has a hostname. */
export const TLS_DIR = "/etc/classhub/tls";
/** nobody: the proxy needs no identity of its own. */
const PROXY_UID = 65534;

/**
 * The proxy sized for the class, unless classhub:class.proxy.resources says otherwise. configurable-http-proxy is
 * one Node.js event loop, so a core is all it can use; what grows with the class is its routing table and the open
 * connections (each notebook keeps a few websockets), about 256Ki per student on top of a 128Mi base. The limit
 * leaves room for a lecture-start burst. Sizes go in steps that double (64, 128, 256, ... students): a new size
 * restarts the proxy, which a roster edit of a few students should not do.
 */
export function proxyResources(students: number): ContainerResources {
  let step = 64;
  while (step < students) step *= 2;
  const memoryMi = 128 + step / 4;
  return {
    requests: { cpu: `${Math.min(1000, Math.max(100, step))}m`, memory: `${memoryMi}Mi` },
    limits: { cpu: "1", memory: `${2 * memoryMi}Mi` },
  };
}

/** Where the proxy's API token lives: the proxy owns it, the hub reads it to call the API. */
export const TOKEN_SECRET = { name: "proxy-api-token", key: "token" };

export interface ProxyOptions {
  namespace: string;
  /** The proxy's image: classhub:class.proxy.image. */
  image: string;
  /** Digest of the API token: a new token rolls the proxy, which reads it only at start. */
  tokenChecksum: pulumi.Input<string>;
  /** TLS Secret (tls.crt, tls.key); set when the class has a hostname. */
  tlsSecretName?: string;
  /** The proxy container's requests and limits (jupyterhub/sizing.ts, from {@link proxyResources}). */
  resources: ContainerResources;
  nodeSelector: Record<string, string>;
}

function meta(ns: string, name?: string): k8s.types.input.meta.v1.ObjectMeta {
  return { namespace: ns, ...(name === undefined ? {} : { name }), labels: labels(ns, "proxy") };
}

/** configurable-http-proxy's flags: routes default to the hub; with TLS it serves HTTPS and redirects HTTP. */
export function proxyCommand(tls: boolean): string[] {
  const common = [
    "configurable-http-proxy",
    "--ip=",
    "--api-ip=",
    `--api-port=${PROXY_API_PORT}`,
    `--default-target=http://${HUB_SERVICE}:${HUB_PORT}`,
    `--error-target=http://${HUB_SERVICE}:${HUB_PORT}/hub/error`,
  ];
  return tls
    ? [
        ...common,
        `--port=${HTTPS_PORT}`,
        `--redirect-port=${HTTP_PORT}`,
        "--redirect-to=443",
        `--ssl-key=${TLS_DIR}/tls.key`,
        `--ssl-cert=${TLS_DIR}/tls.crt`,
      ]
    : [...common, `--port=${HTTP_PORT}`];
}

/**
 * Ready as soon as it answers, and kept in its Service through a stall: with one replica an unready proxy is an
 * outage either way. Liveness restarts a proxy that has not answered for a minute, and, with TLS, one that
 * serves another certificate than the mounted one (see certCheck.ts). The hub restores its routes within
 * hub.lastActivityInterval of a restart.
 */
export function proxyProbes(tls: boolean): Pick<k8s.types.input.core.v1.Container, "readinessProbe" | "livenessProbe"> {
  const health = { path: "/_chp_healthz", port: tls ? "https" : "http", scheme: tls ? "HTTPS" : "HTTP" };
  return {
    readinessProbe: { httpGet: health, periodSeconds: 2, failureThreshold: 1000, timeoutSeconds: 3 },
    livenessProbe: {
      ...(tls
        ? { exec: { command: ["node", "-e", CERT_CHECK_SCRIPT, String(HTTPS_PORT), `${TLS_DIR}/tls.crt`] } }
        : { httpGet: health }),
      initialDelaySeconds: 10,
      periodSeconds: 10,
      failureThreshold: 6,
      timeoutSeconds: 5,
    },
  };
}

export function deployment(o: ProxyOptions): k8s.types.input.apps.v1.Deployment {
  const ns = o.namespace;
  const tls = o.tlsSecretName !== undefined;
  return {
    // Named: staff find it as deployment/proxy.
    metadata: meta(ns, "proxy"),
    spec: {
      replicas: 1,
      // The routing table lives in memory and the hub re-adds routes on its own schedule: one proxy at a time.
      strategy: { type: "Recreate" },
      selector: { matchLabels: selectorLabels(ns, "proxy") },
      template: {
        metadata: {
          labels: labels(ns, "proxy"),
          annotations: {
            "classhub.io/token-checksum": o.tokenChecksum,
            // The cluster autoscaler must not move the only proxy to empty a node: it holds every route in memory.
            "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
          },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurity(PROXY_UID, PROXY_UID),
          nodeSelector: o.nodeSelector,
          containers: [
            {
              name: "chp",
              image: o.image,
              command: proxyCommand(tls),
              ports: [
                { name: "http", containerPort: HTTP_PORT },
                ...(tls ? [{ name: "https", containerPort: HTTPS_PORT }] : []),
                { name: "api", containerPort: PROXY_API_PORT },
              ],
              env: [
                {
                  name: "CONFIGPROXY_AUTH_TOKEN",
                  valueFrom: { secretKeyRef: TOKEN_SECRET },
                },
              ],
              volumeMounts: tls ? [{ name: "tls", mountPath: TLS_DIR, readOnly: true }] : [],
              resources: o.resources,
              securityContext: { ...restrictedContainerSecurity(), readOnlyRootFilesystem: true },
              ...proxyProbes(tls),
            },
          ],
          volumes: tls ? [{ name: "tls", secret: { secretName: o.tlsSecretName } }] : [],
        },
      },
    },
  };
}

/** The proxy's API token, which the proxy and the hub both read. */
export function tokenSecret(ns: string, token: pulumi.Input<string>): k8s.types.input.core.v1.Secret {
  // Named: the proxy's and the hub's pods refer to it by name.
  return { metadata: meta(ns, TOKEN_SECRET.name), type: "Opaque", stringData: { [TOKEN_SECRET.key]: token } };
}

export function apiService(ns: string): k8s.types.input.core.v1.Service {
  return {
    // Named: the hub reaches the proxy's API at http://proxy-api:8001.
    metadata: { ...meta(ns, PROXY_API_SERVICE), annotations: NO_AWAIT_ANNOTATION },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ns, "proxy"),
      ports: [{ name: "api", port: PROXY_API_PORT, targetPort: "api", protocol: "TCP" }],
    },
  };
}

export interface PublicServiceOptions {
  type: ServiceType;
  tls: boolean;
  nodePort?: number;
  /** Reserved static address for a LoadBalancer. */
  loadBalancerIP?: pulumi.Input<string>;
}

export function publicService(ns: string, o: PublicServiceOptions): k8s.types.input.core.v1.Service {
  const http = {
    name: "http",
    port: 80,
    targetPort: "http",
    protocol: "TCP",
    ...(o.nodePort === undefined ? {} : { nodePort: o.nodePort }),
  };
  return {
    // Named: staff and DNS records find the class's address on service/proxy-public.
    metadata: meta(ns, PROXY_PUBLIC_SERVICE),
    spec: {
      type: o.type,
      selector: selectorLabels(ns, "proxy"),
      ports: o.tls ? [http, { name: "https", port: 443, targetPort: "https", protocol: "TCP" }] : [http],
      ...(o.loadBalancerIP === undefined ? {} : { loadBalancerIP: o.loadBalancerIP }),
      ...(o.type === "LoadBalancer" ? { externalTrafficPolicy: "Local" } : {}),
    },
  };
}

/** Anyone may reach the public ports; only the hub may reach the API. The proxy talks only to the hub and servers. */
export function networkPolicy(ns: string, tls: boolean): k8s.types.input.networking.v1.NetworkPolicy {
  return {
    metadata: meta(ns, "proxy"),
    spec: {
      podSelector: podsOf(ns, "proxy").podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { ports: [HTTP_PORT, ...(tls ? [HTTPS_PORT] : [])].map((port) => ({ protocol: "TCP", port })) },
        { from: [podsOf(ns, "hub")], ports: [{ protocol: "TCP", port: PROXY_API_PORT }] },
      ],
      egress: [
        { to: [podsOf(ns, "hub")], ports: [{ protocol: "TCP", port: HUB_PORT }] },
        { to: [podsOf(ns, "singleuser-server")], ports: [{ protocol: "TCP", port: SINGLEUSER_PORT }] },
        DNS_EGRESS,
      ],
    },
  };
}

export const TLS_SECRET = "proxy-public-tls";

/** A cert-manager Certificate for the class hostname, issued into the Secret the proxy mounts. */
export function certificate(ns: string, hostname: string, clusterIssuer: string) {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: meta(ns, PROXY_PUBLIC_SERVICE),
    spec: {
      secretName: TLS_SECRET,
      dnsNames: [hostname],
      issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: clusterIssuer },
    },
  };
}
