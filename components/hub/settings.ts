// The hub settings: everything jupyterhub_config.py applies, decided here so that Python only sets traits.
// Secrets never enter this object; they reach the hub as env vars from the hub Secret.
import type { ClassConfig } from "../config/schema";
import { selectorLabels } from "../labels";
import { GPU_TOLERATION, SANDBOX_RUNTIME_CLASS, type Taint, toleration, USER_NODES, USER_TAINT } from "../placement";
import { bytes } from "../quantity";
import { userSchedulerName } from "../scheduling/manifests";
import { HUB_PORT, HUB_SERVICE, PROXY_API_PORT, PROXY_API_SERVICE } from "../services";
import { brandingSettings, filesSettings } from "./operatorSettings";
import { sharedSettings } from "./sharedStorage";
import { authSettings } from "./authSettings";
import { nonEmpty, optionSettings, placed, profileServer, requireKnownPools } from "./servers";
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

/**
 * Lecture start: everyone may start at once, within a floor and a ceiling the hub and API server can take. With
 * z2jh's fixed 64, a burst of 100 students on the local node (`make bench-lecture`, docs/bench-lecture.md) got 12
 * HTTP 429s and 2 failed starts; with the class size, 101, none. The hub's CPU for that burst was 17 s, so 500 at
 * once stays within its one core; beyond that a class sets spawn.concurrentLimit.
 */
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
  /** The cluster's extra user pools and their taints, for `placement.nodePool`; none unless set. */
  extraUserPools?: Record<string, Taint>;
}

/** Students the class plans for: the roster, or the declared size when students come from an org or domain. */
export function classSize(cls: ClassConfig): number {
  return Math.max(cls.roster.length, cls.expectedStudents ?? 0) + cls.admins.length;
}

export function concurrentSpawnLimit(cls: ClassConfig): number {
  return cls.spawn.concurrentLimit ?? Math.min(SPAWN_LIMIT_CEILING, Math.max(SPAWN_LIMIT_FLOOR, classSize(cls)));
}

/**
 * The start timeout bounds a pod's start: scheduling, a node scale-up, the home volume, the image. Its base is
 * z2jh's 300 s when the class's images are pre-pulled, and 600 s when not, since a large image can take 5-10 minutes
 * to pull. On top, each server that may be starting at once (the spawn limit) adds 5 s. In bursts on the local node,
 * where one node starts every server and creates every new home, the slowest pod start was 32 s at 26 students,
 * 126 s at 52 and 373 s at 104 in one series, and 511 s at 100 in a later run on a busier machine: up to 5.1 s a
 * server (docs/bench-lecture.md). A server that has not started in 30 minutes will not, and its student is better
 * told.
 */
export const START_TIMEOUT = { pulled: 300, unpulled: 600, perServer: 5, ceiling: 1800 } as const;

/**
 * The HTTP timeout bounds a started server's own start until it answers the hub: Python's imports and
 * jupyter-server's set-up, CPU-bound when many start on one node at once. z2jh leaves KubeSpawner's 30 s. In bursts
 * on the local node the slowest server start was 32 s at 26 students, 37 s at 52 and 59 s at 104 in one series, and
 * 92 s at 100 in a later run on a busier machine. The floor and 1 s for each server starting at once keep more than
 * half as much again in hand (92 s for a spawn limit of 32, 161 s for 101); the ceiling is the schema's.
 */
export const HTTP_TIMEOUT = { floor: 60, perServer: 1, ceiling: 600 } as const;

export function startTimeout(cls: ClassConfig): number {
  const base = cls.prePull.enabled ? START_TIMEOUT.pulled : START_TIMEOUT.unpulled;
  return (
    cls.spawn.startTimeoutSeconds ??
    Math.min(START_TIMEOUT.ceiling, base + START_TIMEOUT.perServer * concurrentSpawnLimit(cls))
  );
}

export function httpTimeout(cls: ClassConfig): number {
  return (
    cls.spawn.httpTimeoutSeconds ??
    Math.min(HTTP_TIMEOUT.ceiling, HTTP_TIMEOUT.floor + HTTP_TIMEOUT.perServer * concurrentSpawnLimit(cls))
  );
}

function profileSettings(cls: ClassConfig, facts: ClusterFacts): ProfileSettings[] {
  const pools = facts.extraUserPools ?? {};
  return cls.profiles.map((p) => {
    const gpu = p.gpus > 0;
    const where = placed(p.placement, pools);
    const accelerator: Record<string, string> =
      gpu && facts.gpuAcceleratorType !== undefined
        ? { "cloud.google.com/gke-accelerator": facts.gpuAcceleratorType }
        : {};
    const tolerations = [...(gpu ? [GPU_TOLERATION] : []), ...where.tolerations];
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
        // Added to the class's: the GPU pool's accelerator, then the profile's placement.
        nodeSelector: nonEmpty({ ...accelerator, ...where.nodeSelector }),
        tolerations: nonEmpty(tolerations),
        // GPU servers run on the GPU pool, which is never sandboxed.
        runtimeClassName: facts.sandboxedUserPool && !gpu ? SANDBOX_RUNTIME_CLASS : null,
        ...profileServer(p),
      },
      options: p.options.map((option) => optionSettings(option, pools)),
    };
  });
}

/** The complete hub settings for one class. Pure: the same class and cluster always give the same JSON. */
export function hubSettings(cls: ClassConfig, facts: ClusterFacts): HubSettings {
  // A cluster stack's pools are known only now; a cluster this stack creates was checked with the stack file.
  if (facts.extraUserPools !== undefined) requireKnownPools(cls, facts.extraUserPools);
  const classPlacement = placed(cls.placement, facts.extraUserPools ?? {});
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
      namedServers: cls.namedServers.enabled,
      namedServerLimitPerUser: cls.namedServers.enabled ? cls.namedServers.limitPerStudent : 0,
      adminAccess: cls.adminAccess,
      logLevel: "INFO",
    },
    proxy: { apiUrl: `http://${PROXY_API_SERVICE}:${PROXY_API_PORT}` },
    auth: authSettings(cls),
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
      startTimeout: startTimeout(cls),
      httpTimeout: httpTimeout(cls),
      defaultUrl: cls.defaultUrl,
      environment: cls.environment,
      cmd: cls.cmd ?? null,
      args: cls.args ?? [],
      workingDir: cls.workingDir ?? null,
      extraLabels: { ...selectorLabels(cls.namespace, "singleuser-server"), "app.kubernetes.io/part-of": "classhub" },
      nodeSelector: { ...(facts.userPool ? USER_NODES : {}), ...classPlacement.nodeSelector },
      tolerations: [...(facts.userPool ? [toleration(USER_TAINT)] : []), ...classPlacement.tolerations],
      runtimeClassName: facts.sandboxedUserPool ? SANDBOX_RUNTIME_CLASS : null,
      schedulerName: userSchedulerName(cls) ?? null,
      profiles: profileSettings(cls, facts),
    },
    storage: {
      storageClass: facts.homeStorageClass ?? null,
      capacity: cls.storage.homeSize,
      mountPath: cls.storage.mountPath,
      // KubeSpawner's default name; keeping it means homes survive a move to or from z2jh.
      pvcNameTemplate: "claim-{user_server}",
      volumeName: "home",
      shared: sharedSettings(cls, "home"),
      files: filesSettings(cls),
    },
    branding: brandingSettings(cls),
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
