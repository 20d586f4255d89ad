// The hub settings: everything jupyterhub_config.py applies, decided here so that Python only sets traits.
// Secrets never enter this object; they reach the hub as env vars from the hub Secret.
import type { ClassConfig } from "../config/schema";
import { selectorLabels } from "../labels";
import { GPU_TOLERATION, SANDBOX_RUNTIME_CLASS, toleration, USER_NODES, USER_TAINT } from "../placement";
import { bytes } from "../quantity";
import { HUB_PORT, HUB_SERVICE, PROXY_API_PORT, PROXY_API_SERVICE } from "../services";
import type { HubSettings, ProfileSettings } from "./settingsSchema";

export type { HubSettings, ProfileSettings } from "./settingsSchema";

/** Where the hub ConfigMap is mounted, and the file names in it. */
export const CONFIG_DIR = "/usr/local/etc/jupyterhub";
export const SETTINGS_FILE = "hub-settings.json";
export const HUB_DB_DIR = "/srv/jupyterhub";

/**
 * Seconds between the hub's checks of the proxy's routing table (JupyterHub.last_activity_interval). Each check
 * also restores missing routes, so this bounds how long students see 404s after a proxy restart, which loses the
 * routes it keeps in memory. JupyterHub's default of 300 s would leave a class locked out for five minutes.
 */
export const ROUTE_CHECK_SECONDS = 30;

/** Lecture start: everyone may start at once, within a floor and a ceiling the hub and API server can take. */
export const SPAWN_LIMIT_FLOOR = 32;
export const SPAWN_LIMIT_CEILING = 500;

/** What the cluster tells the hub settings. */
export interface ClusterFacts {
  /** The cluster has classhub's tainted user node pool (GKE); locally, servers run on any node. */
  userPool: boolean;
  /** GKE accelerator type of the GPU pool, for GPU profiles' node selector. */
  gpuAcceleratorType?: string;
  /** Storage class for homes; undefined uses the cluster default. */
  homeStorageClass?: string;
  /** The user pool runs GKE Sandbox; the GPU pool never does. Defaults to false. */
  sandboxedUserPool?: boolean;
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
        // GPU servers run on the GPU pool, which is never sandboxed.
        runtimeClassName: facts.sandboxedUserPool && !gpu ? SANDBOX_RUNTIME_CLASS : null,
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
      nodeSelector: facts.userPool ? USER_NODES : {},
      tolerations: facts.userPool ? [toleration(USER_TAINT)] : [],
      runtimeClassName: facts.sandboxedUserPool ? SANDBOX_RUNTIME_CLASS : null,
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
