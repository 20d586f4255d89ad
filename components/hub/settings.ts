// The hub settings: everything jupyterhub_config.py applies, decided here so that Python only sets traits.
// Secrets never enter this object; they reach the hub as env vars from the hub Secret.
import type { ClassConfig } from "../config";
import { selectorLabels } from "../labels";
import { bytes } from "../quantity";

export const HUB_PORT = 8081;
export const PROXY_API_PORT = 8001;
export const SINGLEUSER_PORT = 8888;
/** Service names the hub settings address by DNS inside the class namespace. */
export const HUB_SERVICE = "hub";
export const PROXY_API_SERVICE = "proxy-api";
/** Where the hub ConfigMap is mounted, and the file names in it. */
export const CONFIG_DIR = "/usr/local/etc/jupyterhub";
export const SETTINGS_FILE = "hub-settings.json";
export const HUB_DB_DIR = "/srv/jupyterhub";

/** The user node pool's label and taint (see the GKE node pools); spawned servers must select and tolerate them. */
export const USER_NODE_LABEL = { "hub.jupyter.org/node-purpose": "user" };
export const USER_NODE_TOLERATION = {
  key: "hub.jupyter.org/dedicated",
  operator: "Equal",
  value: "user",
  effect: "NoSchedule",
};
const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

/**
 * Seconds between the hub's checks of the proxy's routing table (JupyterHub.last_activity_interval). Each check
 * also restores missing routes, so this bounds how long students see 404s after a proxy restart, which loses the
 * routes it keeps in memory. JupyterHub's default of 300 s would leave a class locked out for five minutes.
 */
export const ROUTE_CHECK_SECONDS = 30;

/** Lecture start: everyone may start at once, within a floor and a ceiling the hub and API server can take. */
export const SPAWN_LIMIT_FLOOR = 32;
export const SPAWN_LIMIT_CEILING = 500;

type Toleration = typeof USER_NODE_TOLERATION | typeof GPU_TOLERATION;

export interface ProfileSettings {
  slug: string;
  displayName: string;
  description: string;
  default: boolean;
  overrides: {
    image: string | null;
    cpuGuarantee: number | null;
    cpuLimit: number | null;
    memGuarantee: number | null;
    memLimit: number | null;
    gpus: number;
    nodeSelector: Record<string, string> | null;
    tolerations: Toleration[] | null;
  };
}

export interface HubSettings {
  version: 1;
  class: { name: string; term: string; namespace: string };
  hub: {
    baseUrl: string;
    bindUrl: string;
    connectUrl: string;
    dbUrl: string;
    publicUrl: string | null;
    concurrentSpawnLimit: number;
    activeServerLimit: number;
    lastActivityInterval: number;
    namedServers: boolean;
    adminAccess: boolean;
    logLevel: "INFO";
  };
  proxy: { apiUrl: string };
  auth: {
    type: ClassConfig["auth"]["type"];
    admins: string[];
    allowedUsers: string[];
    callbackUrl: string | null;
    clientId: string | null;
    github: { allowedOrganizations: string[] } | null;
    google: { hostedDomain: string[] } | null;
    genericOAuth: {
      loginService: string;
      authorizeUrl: string;
      tokenUrl: string;
      userdataUrl: string;
      usernameClaim: string;
      scope: string[];
      allowedGroups: string[];
      claimGroupsKey: string | null;
    } | null;
  };
  spawner: {
    namespace: string;
    image: string;
    imagePullPolicy: string;
    cpuGuarantee: number;
    cpuLimit: number;
    memGuarantee: number;
    memLimit: number;
    uid: number;
    gid: number;
    fsGid: number;
    startTimeout: number;
    httpTimeout: number;
    defaultUrl: string;
    environment: Record<string, string>;
    extraLabels: Record<string, string>;
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    profiles: ProfileSettings[];
  };
  storage: {
    storageClass: string | null;
    capacity: string;
    mountPath: string;
    pvcNameTemplate: string;
    volumeName: string;
  };
  culler: {
    enabled: boolean;
    apiUrl: string;
    timeoutSeconds: number;
    everySeconds: number;
    maxAgeSeconds: number;
    concurrency: number;
  };
}

/** What the cluster tells the hub settings. */
export interface ClusterFacts {
  /** The cluster has classhub's tainted user node pool (GKE); locally, servers run on any node. */
  userPool: boolean;
  /** GKE accelerator type of the GPU pool, for GPU profiles' node selector. */
  gpuAcceleratorType?: string;
  /** Storage class for homes; undefined uses the cluster default. */
  homeStorageClass?: string;
}

/** Students the class plans for: the roster, or the declared size when students come from an org or domain. */
export function classSize(cls: ClassConfig): number {
  return Math.max(cls.roster.length, cls.expectedStudents ?? 0) + cls.admins.length;
}

export function concurrentSpawnLimit(cls: ClassConfig): number {
  return cls.spawn.concurrentLimit ?? Math.min(SPAWN_LIMIT_CEILING, Math.max(SPAWN_LIMIT_FLOOR, classSize(cls)));
}

function callbackUrl(cls: ClassConfig): string | null {
  return cls.auth.type === "dummy" || cls.hostname === undefined ? null : `https://${cls.hostname}/hub/oauth_callback`;
}

function profileSettings(cls: ClassConfig, facts: ClusterFacts): ProfileSettings[] {
  return cls.profiles.map((p) => {
    const gpu = p.gpus > 0;
    return {
      slug: p.slug,
      displayName: p.displayName,
      description: p.description,
      default: p.default,
      overrides: {
        image: p.image ?? null,
        cpuGuarantee: p.resources.cpuGuarantee ?? null,
        cpuLimit: p.resources.cpuLimit ?? null,
        memGuarantee: p.resources.memoryGuarantee === undefined ? null : bytes(p.resources.memoryGuarantee),
        memLimit: p.resources.memoryLimit === undefined ? null : bytes(p.resources.memoryLimit),
        gpus: p.gpus,
        nodeSelector:
          gpu && facts.gpuAcceleratorType !== undefined
            ? { "cloud.google.com/gke-accelerator": facts.gpuAcceleratorType }
            : null,
        tolerations: gpu ? [GPU_TOLERATION] : null,
      },
    };
  });
}

/** The complete hub settings for one class. Pure: the same class and cluster always give the same JSON. */
export function hubSettings(cls: ClassConfig, facts: ClusterFacts): HubSettings {
  const auth = cls.auth;
  const publicUrl = cls.hostname === undefined ? null : `https://${cls.hostname}`;
  return {
    version: 1,
    class: { name: cls.name, term: cls.term, namespace: cls.namespace },
    hub: {
      baseUrl: "/",
      bindUrl: `http://:${HUB_PORT}`,
      connectUrl: `http://${HUB_SERVICE}:${HUB_PORT}`,
      dbUrl: `sqlite:///${HUB_DB_DIR}/jupyterhub.sqlite`,
      publicUrl,
      concurrentSpawnLimit: concurrentSpawnLimit(cls),
      activeServerLimit: cls.spawn.activeServerLimit ?? classSize(cls),
      lastActivityInterval: ROUTE_CHECK_SECONDS,
      namedServers: false,
      adminAccess: cls.adminAccess,
      logLevel: "INFO",
    },
    proxy: { apiUrl: `http://${PROXY_API_SERVICE}:${PROXY_API_PORT}` },
    auth: {
      type: auth.type,
      admins: cls.admins,
      allowedUsers: cls.roster,
      callbackUrl: callbackUrl(cls),
      clientId: auth.type === "dummy" ? null : auth.clientId,
      github: auth.type === "github" ? { allowedOrganizations: auth.allowedOrganizations } : null,
      google: auth.type === "google" ? { hostedDomain: auth.hostedDomain } : null,
      genericOAuth:
        auth.type === "generic-oauth"
          ? {
              loginService: auth.loginService,
              authorizeUrl: auth.authorizeUrl,
              tokenUrl: auth.tokenUrl,
              userdataUrl: auth.userdataUrl,
              usernameClaim: auth.usernameClaim,
              scope: auth.scope,
              allowedGroups: auth.allowedGroups,
              claimGroupsKey: auth.claimGroupsKey ?? null,
            }
          : null,
    },
    spawner: {
      namespace: cls.namespace,
      image: cls.image,
      imagePullPolicy: cls.imagePullPolicy,
      cpuGuarantee: cls.resources.cpuGuarantee,
      cpuLimit: cls.resources.cpuLimit,
      memGuarantee: bytes(cls.resources.memoryGuarantee),
      memLimit: bytes(cls.resources.memoryLimit),
      // jovyan in the Jupyter Docker Stacks images; group 100 (users) owns the home volume.
      uid: 1000,
      gid: 100,
      fsGid: 100,
      startTimeout: cls.spawn.startTimeoutSeconds,
      httpTimeout: cls.spawn.httpTimeoutSeconds,
      defaultUrl: cls.defaultUrl,
      environment: cls.environment,
      extraLabels: { ...selectorLabels(cls.namespace, "singleuser-server"), "app.kubernetes.io/part-of": "classhub" },
      nodeSelector: facts.userPool ? USER_NODE_LABEL : {},
      tolerations: facts.userPool ? [USER_NODE_TOLERATION] : [],
      profiles: profileSettings(cls, facts),
    },
    storage: {
      storageClass: facts.homeStorageClass ?? null,
      capacity: cls.storage.homeSize,
      mountPath: cls.storage.mountPath,
      // KubeSpawner's default name; keeping it means homes survive a move to or from z2jh.
      pvcNameTemplate: "claim-{user_server}",
      volumeName: "home",
    },
    culler: {
      enabled: cls.culling.enabled,
      // The culler runs inside the hub pod. JupyterHub would hand it http://hub:8081, a trip out through the
      // hub Service and back in that the hub's own NetworkPolicy does not allow; loopback never leaves the pod.
      apiUrl: `http://127.0.0.1:${HUB_PORT}/hub/api`,
      timeoutSeconds: cls.culling.timeoutMinutes * 60,
      everySeconds: cls.culling.everyMinutes * 60,
      maxAgeSeconds: cls.culling.maxAgeHours * 3600,
      concurrency: 10,
    },
  };
}
