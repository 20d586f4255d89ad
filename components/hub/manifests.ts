// Pure builders for the hub's Kubernetes objects.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ApiServer } from "../cluster/apiServer";
import { ADOPT_ANNOTATION, labels, NO_AWAIT_ANNOTATION, podsOf, selectorLabels } from "../labels";
import { sha256 } from "../digest";
import { type ContainerResources, formatBytes } from "../quantity";
import { DNS_EGRESS, restrictedContainerSecurity, restrictedPodSecurity } from "../security";
import { HUB_PORT, HUB_SERVICE, PROXY_API_PORT, SINGLEUSER_PORT } from "../services";
import { CONFIG_DIR, HUB_DB_DIR, type HubSettings, SETTINGS_FILE } from "./settings";
import { brandingVolume } from "./branding";
import { type HubSharedStorage, hubSharedPod } from "./sharedStorage";

/**
 * The default of classhub:class.hub.image. quay.io/jupyterhub/k8s-hub 4.4.0 ships JupyterHub 5.5.0 and
 * KubeSpawner 7.0.0; requirements-hub.txt pins the same.
 */
export const HUB_IMAGE = "quay.io/jupyterhub/k8s-hub:4.4.0";
/** The hub image runs as jovyan (1000). */
const HUB_UID = 1000;
/**
 * The hub sized for the class, unless classhub:class.hub.resources says otherwise. From `make bench-lecture` on the
 * local node (docs/bench-lecture.md): a burst of 100 students cost the hub 17 s of CPU, 0.17 s a student, and its
 * memory grew from 164 MiB (32 students) to 184 MiB (100), 0.3 MiB a student. So a class whose students all start
 * within a minute needs about 3m of CPU a student, up to the one core a Python event loop can use, and the memory
 * request is 160Mi plus 0.5Mi a student, at least 512Mi. Sizes go in doubling steps, as the proxy's do.
 */
export function hubResources(students: number): ContainerResources {
  let step = 64;
  while (step < students) step *= 2;
  const memoryMi = Math.max(512, 160 + step / 2);
  return {
    requests: { cpu: `${Math.min(1000, Math.max(200, 3 * step))}m`, memory: formatBytes(memoryMi * 2 ** 20) },
    limits: { cpu: "2", memory: formatBytes(Math.max(2048, 2 * memoryMi) * 2 ** 20) },
  };
}
/** The init container that creates the shared volume's folders: mkdir, nothing more. */
export const PREPARE_RESOURCES: ContainerResources = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "200m", memory: "64Mi" },
};
/** The cloud metadata server, which hands out node credentials: the hub has no business there. */
const METADATA_SERVER = "169.254.169.254/32";

/** Keys of the hub Secret and the env vars jupyterhub_config.py and JupyterHub read them from. */
export const SECRET_ENV = {
  "cookie-secret": "JPY_COOKIE_SECRET",
  "crypt-key": "JUPYTERHUB_CRYPT_KEY",
  "culler-token": "CLASSHUB_CULLER_API_TOKEN",
  "check-token": "CLASSHUB_CHECK_API_TOKEN",
  "oauth-client-secret": "CLASSHUB_OAUTH_CLIENT_SECRET",
} as const;
export type SecretKey = keyof typeof SECRET_ENV;

/** Exactly what KubeSpawner needs, in the class namespace only: student pods and their home PVCs, and events for spawn progress. */
export const HUB_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["pods", "persistentvolumeclaims"],
    verbs: ["get", "list", "watch", "create", "delete"],
  },
  { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
];

function meta(ns: string, name?: pulumi.Input<string>): k8s.types.input.meta.v1.ObjectMeta {
  return { namespace: ns, ...(name === undefined ? {} : { name }), labels: labels(ns, "hub") };
}

export function serviceAccount(ns: string): k8s.types.input.core.v1.ServiceAccount {
  // Named: the Deployment refers to it by name.
  return { metadata: meta(ns, "hub") };
}

export function role(ns: string): k8s.types.input.rbac.v1.Role {
  return { metadata: meta(ns, "hub"), rules: HUB_RULES };
}

export function roleBinding(
  ns: string,
  roleName: pulumi.Input<string>,
  serviceAccountName: pulumi.Input<string>,
): k8s.types.input.rbac.v1.RoleBinding {
  return {
    metadata: meta(ns, "hub"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
    subjects: [{ kind: "ServiceAccount", name: serviceAccountName, namespace: ns }],
  };
}

/**
 * The hub's files: classhub's Python config, its helper modules and the settings JSON. The name carries a digest of
 * the content: a changed config is a new ConfigMap, so the hub rolls onto it at once, and a hub pod that restarts
 * before the rollout still reads the config it was started with.
 */
export function configMap(
  ns: string,
  files: pulumi.Input<Record<string, string>>,
  name: pulumi.Input<string>,
): k8s.types.input.core.v1.ConfigMap {
  return { metadata: meta(ns, name), data: files };
}

export function configMapName(files: Record<string, string>): string {
  return `hub-config-${sha256(JSON.stringify(files)).slice(0, 10)}`;
}

export function secret(
  ns: string,
  values: Partial<Record<SecretKey, pulumi.Input<string>>>,
): k8s.types.input.core.v1.Secret {
  return { metadata: meta(ns, "hub"), type: "Opaque", stringData: values };
}

export function databaseClaim(
  ns: string,
  storageClass: pulumi.Input<string> | undefined,
  /** classhub:class.hub.databaseSize. */
  size: string,
): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    // Named: a later `up` after a destroy adopts the retained claim by this name. Not awaited: adopting a claim
    // that is already bound, the provider waited for a change that never came, and the hub's Deployment is
    // awaited anyway, which it can only pass with the claim bound and mounted.
    metadata: { ...meta(ns, "hub-db"), annotations: { ...ADOPT_ANNOTATION, ...NO_AWAIT_ANNOTATION } },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
      resources: { requests: { storage: size } },
    },
  };
}

export interface HubDeploymentInputs {
  namespace: string;
  /** The hub's image: classhub:class.hub.image. */
  image: string;
  configMapName: pulumi.Input<string>;
  secretName: pulumi.Input<string>;
  secretKeys: SecretKey[];
  /** The proxy's Secret with its API token (CONFIGPROXY_AUTH_TOKEN), and its key. */
  proxyToken: { name: pulumi.Input<string>; key: string };
  serviceAccountName: pulumi.Input<string>;
  claimName: pulumi.Input<string>;
  /** The hub's requests and limits, as the class sizes them (jupyterhub/sizing.ts). */
  resources: ContainerResources;
  /** A digest of the secrets: a change rolls the hub. (A config change does, by the ConfigMap's new name.) */
  secretChecksum: pulumi.Input<string>;
  nodeSelector: Record<string, string>;
  /** Homes on a shared volume, which the hub mounts to create them. Defaults to none. */
  shared?: HubSharedStorage;
  /** The branding ConfigMap (login template, logo), with classhub:class.branding. Defaults to none. */
  brandingConfigMapName?: pulumi.Input<string>;
}

const probe = (periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe => ({
  httpGet: { path: "/hub/health", port: "http" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 3,
});

/**
 * - startup: five minutes for database upgrades before the other probes start.
 * - readiness: ready at the first answer, then kept in the hub Service through a stall of half an hour. A
 *   lecture-start burst can keep the hub too busy to answer /hub/health in time; an unready hub would empty the
 *   Service and fail every student's API call, and there is no other replica to take over.
 * - liveness: restarts only a hub that has not answered for five minutes, longer than a burst lasts.
 */
export const HUB_PROBES = {
  startupProbe: probe(5, 60),
  readinessProbe: probe(2, 900),
  livenessProbe: probe(10, 30),
};

export function deployment(d: HubDeploymentInputs): k8s.types.input.apps.v1.Deployment {
  const ns = d.namespace;
  const branding = d.brandingConfigMapName === undefined ? undefined : brandingVolume(d.brandingConfigMapName);
  const shared =
    d.shared === undefined
      ? undefined
      : hubSharedPod(d.image, d.shared, {
          resources: PREPARE_RESOURCES,
          securityContext: restrictedContainerSecurity(),
        });
  return {
    // Named: the hub Service selects its pods, and staff find it as deployment/hub.
    metadata: meta(ns, "hub"),
    spec: {
      replicas: 1,
      // sqlite allows one writer: the old hub must stop before the new one opens the database.
      strategy: { type: "Recreate" },
      selector: { matchLabels: selectorLabels(ns, "hub") },
      template: {
        metadata: {
          labels: labels(ns, "hub"),
          annotations: {
            "classhub.io/secret-checksum": d.secretChecksum,
            // The cluster autoscaler must not move the only hub to empty a node: every student would be logged out.
            "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
          },
        },
        spec: {
          serviceAccountName: d.serviceAccountName,
          securityContext: { ...restrictedPodSecurity(HUB_UID, HUB_UID), ...shared?.securityContext },
          nodeSelector: d.nodeSelector,
          ...(shared === undefined ? {} : { initContainers: shared.initContainers }),
          containers: [
            {
              name: "hub",
              image: d.image,
              args: ["jupyterhub", "--config", `${CONFIG_DIR}/jupyterhub_config.py`, "--upgrade-db"],
              ports: [{ name: "http", containerPort: HUB_PORT }],
              env: [
                { name: "CLASSHUB_SETTINGS", value: `${CONFIG_DIR}/${SETTINGS_FILE}` },
                { name: "PYTHONUNBUFFERED", value: "1" },
                { name: "CONFIGPROXY_AUTH_TOKEN", valueFrom: { secretKeyRef: d.proxyToken } },
                ...d.secretKeys.map((key) => ({
                  name: SECRET_ENV[key],
                  valueFrom: { secretKeyRef: { name: d.secretName, key } },
                })),
              ],
              volumeMounts: [
                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                { name: "db", mountPath: HUB_DB_DIR },
                ...(shared?.volumeMounts ?? []),
                ...(branding === undefined ? [] : [branding.mount]),
              ],
              resources: d.resources,
              securityContext: restrictedContainerSecurity(),
              ...HUB_PROBES,
            },
          ],
          volumes: [
            { name: "config", configMap: { name: d.configMapName } },
            { name: "db", persistentVolumeClaim: { claimName: d.claimName } },
            ...(shared?.volumes ?? []),
            ...(branding === undefined ? [] : [branding.volume]),
          ],
        },
      },
    },
  };
}

export function service(ns: string): k8s.types.input.core.v1.Service {
  return {
    // Named: the proxy and every student server reach the hub at http://hub:8081.
    metadata: { ...meta(ns, HUB_SERVICE), annotations: NO_AWAIT_ANNOTATION },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ns, "hub"),
      ports: [{ name: "http", port: HUB_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}

export const networkPolicyMetadata = (ns: string) => meta(ns, "hub");

/** Ports of the identity provider's endpoints that the hub itself calls: the token and user-info URLs. */
export function identityProviderPorts(auth: HubSettings["auth"]): number[] {
  if (auth.type === "dummy") return [];
  if (auth.genericOAuth === null) return [443];
  const ports = [auth.genericOAuth.tokenUrl, auth.genericOAuth.userdataUrl].map((url) =>
    Number(new URL(url).port || 443),
  );
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** Where the hub's own outbound calls go, besides the proxy, the student servers and DNS. */
export interface HubEgress {
  /** The API server as pods reach it, for KubeSpawner. */
  apiServer: ApiServer;
  /** Ports of the identity provider, from {@link identityProviderPorts}. */
  identityProviderPorts: number[];
}

/**
 * The hub takes API calls from the proxy and from student servers, and calls the proxy's API, student servers,
 * the Kubernetes API server (at the addresses and ports pods reach it on, which differ per cluster: 443 on GKE,
 * 6443 on kind, 8443 on minikube) and the identity provider (on the ports of its URLs, wherever it lives, but
 * never the metadata server). Its own managed services, such as the idle culler, call it on loopback, which no
 * NetworkPolicy sees.
 */
export function networkPolicy(ns: string, egress: HubEgress): k8s.types.input.networking.v1.NetworkPolicy {
  const tcp = (ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
  return {
    metadata: networkPolicyMetadata(ns),
    spec: {
      podSelector: podsOf(ns, "hub").podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [podsOf(ns, "proxy"), podsOf(ns, "singleuser-server")], ports: [{ protocol: "TCP", port: HUB_PORT }] },
      ],
      egress: [
        { to: [podsOf(ns, "proxy")], ports: [{ protocol: "TCP", port: PROXY_API_PORT }] },
        { to: [podsOf(ns, "singleuser-server")], ports: [{ protocol: "TCP", port: SINGLEUSER_PORT }] },
        DNS_EGRESS,
        {
          to: egress.apiServer.addresses.map((address) => ({ ipBlock: { cidr: `${address}/32` } })),
          ports: tcp(egress.apiServer.ports),
        },
        ...(egress.identityProviderPorts.length === 0
          ? []
          : [
              {
                to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_SERVER] } }],
                ports: tcp(egress.identityProviderPorts),
              },
            ]),
      ],
    },
  };
}
