// Pure builders for the hub's Kubernetes objects.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { ADOPT_ANNOTATION, labels, podsOf, selectorLabels } from "../labels";
import { bytes } from "../quantity";
import { DNS_EGRESS, restrictedContainerSecurity, restrictedPodSecurity } from "../security";
import {
  CONFIG_DIR,
  HUB_DB_DIR,
  HUB_PORT,
  HUB_SERVICE,
  PROXY_API_PORT,
  SETTINGS_FILE,
  SINGLEUSER_PORT,
} from "./settings";

/** quay.io/jupyterhub/k8s-hub 4.4.0 ships JupyterHub 5.5.0 and KubeSpawner 7.0.0; requirements-hub.txt pins the same. */
export const HUB_IMAGE = "quay.io/jupyterhub/k8s-hub:4.4.0";
/** The hub image runs as jovyan (1000). */
const HUB_UID = 1000;
export const HUB_RESOURCES = {
  requests: { cpu: "200m", memory: "512Mi" },
  limits: { cpu: "2", memory: "2Gi" },
};
/** The hub container's limits as numbers, for the namespace LimitRange. */
export const HUB_MAX = { cpu: 2, memory: bytes(HUB_RESOURCES.limits.memory) };
export const HUB_DB_SIZE = "1Gi";

/** Keys of the hub Secret and the env vars jupyterhub_config.py and JupyterHub read them from. */
export const SECRET_ENV = {
  "proxy-token": "CONFIGPROXY_AUTH_TOKEN",
  "cookie-secret": "JPY_COOKIE_SECRET",
  "crypt-key": "JUPYTERHUB_CRYPT_KEY",
  "culler-token": "CLASSHUB_CULLER_API_TOKEN",
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

function meta(ns: string, name?: string): k8s.types.input.meta.v1.ObjectMeta {
  return { namespace: ns, ...(name === undefined ? {} : { name }), labels: labels(ns, "hub") };
}

export function serviceAccount(ns: string): k8s.types.input.core.v1.ServiceAccount {
  // Named: the Deployment refers to it by name.
  return { metadata: meta(ns, "hub") };
}

export function role(ns: string): k8s.types.input.rbac.v1.Role {
  return { metadata: meta(ns), rules: HUB_RULES };
}

export function roleBinding(
  ns: string,
  roleName: pulumi.Input<string>,
  serviceAccountName: pulumi.Input<string>,
): k8s.types.input.rbac.v1.RoleBinding {
  return {
    metadata: meta(ns),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
    subjects: [{ kind: "ServiceAccount", name: serviceAccountName, namespace: ns }],
  };
}

/** The hub's files: classhub's Python config, its helper module and the settings JSON. */
export function configMap(ns: string, files: Record<string, string>): k8s.types.input.core.v1.ConfigMap {
  return { metadata: meta(ns), data: files };
}

export function secret(
  ns: string,
  values: Partial<Record<SecretKey, pulumi.Input<string>>>,
): k8s.types.input.core.v1.Secret {
  return { metadata: meta(ns), type: "Opaque", stringData: values };
}

export function databaseClaim(
  ns: string,
  storageClass: pulumi.Input<string> | undefined,
): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    // Named: a later `up` after a destroy adopts the retained claim by this name.
    metadata: { ...meta(ns, "hub-db"), annotations: ADOPT_ANNOTATION },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
      resources: { requests: { storage: HUB_DB_SIZE } },
    },
  };
}

export interface HubDeploymentInputs {
  namespace: string;
  configMapName: pulumi.Input<string>;
  secretName: pulumi.Input<string>;
  secretKeys: SecretKey[];
  serviceAccountName: pulumi.Input<string>;
  claimName: pulumi.Input<string>;
  /** Hashes of the config and the secret: a change to either rolls the hub. */
  configChecksum: pulumi.Input<string>;
  secretChecksum: pulumi.Input<string>;
  nodeSelector: Record<string, string>;
}

const probe = (periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe => ({
  httpGet: { path: "/hub/health", port: "http" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 3,
});

export function deployment(d: HubDeploymentInputs): k8s.types.input.apps.v1.Deployment {
  const ns = d.namespace;
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
            "classhub.io/config-checksum": d.configChecksum,
            "classhub.io/secret-checksum": d.secretChecksum,
          },
        },
        spec: {
          serviceAccountName: d.serviceAccountName,
          securityContext: restrictedPodSecurity(HUB_UID, HUB_UID),
          nodeSelector: d.nodeSelector,
          containers: [
            {
              name: "hub",
              image: HUB_IMAGE,
              args: ["jupyterhub", "--config", `${CONFIG_DIR}/jupyterhub_config.py`, "--upgrade-db"],
              ports: [{ name: "http", containerPort: HUB_PORT }],
              env: [
                { name: "CLASSHUB_SETTINGS", value: `${CONFIG_DIR}/${SETTINGS_FILE}` },
                { name: "PYTHONUNBUFFERED", value: "1" },
                ...d.secretKeys.map((key) => ({
                  name: SECRET_ENV[key],
                  valueFrom: { secretKeyRef: { name: d.secretName, key } },
                })),
              ],
              volumeMounts: [
                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                { name: "db", mountPath: HUB_DB_DIR },
              ],
              resources: HUB_RESOURCES,
              securityContext: restrictedContainerSecurity(),
              // Startup allows five minutes for database upgrades before liveness may restart the hub.
              startupProbe: probe(5, 60),
              readinessProbe: probe(5, 3),
              livenessProbe: probe(10, 6),
            },
          ],
          volumes: [
            { name: "config", configMap: { name: d.configMapName } },
            { name: "db", persistentVolumeClaim: { claimName: d.claimName } },
          ],
        },
      },
    },
  };
}

export function service(ns: string): k8s.types.input.core.v1.Service {
  return {
    // Named: the proxy and every student server reach the hub at http://hub:8081.
    metadata: meta(ns, HUB_SERVICE),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ns, "hub"),
      ports: [{ name: "http", port: HUB_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}

/**
 * The hub takes API calls from the proxy and from student servers, and calls the proxy's API, student
 * servers, the Kubernetes API and the OAuth provider (both HTTPS, at addresses that differ per cluster).
 */
export function networkPolicy(ns: string): k8s.types.input.networking.v1.NetworkPolicy {
  return {
    metadata: meta(ns),
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
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }],
          ports: [
            { protocol: "TCP", port: 443 },
            { protocol: "TCP", port: 6443 },
          ],
        },
      ],
    },
  };
}
