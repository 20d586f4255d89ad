// Homes on one shared filesystem: what student and staff servers mount, and how the hub pod prepares the folders.
// The hub creates every folder as uid 1000 before kubelet would (as root, which Pod Security "restricted" forbids
// the class to fix later).
import { z } from "zod";
import type { ClassConfig } from "../config/schema";

/** The claim classhub creates for `nfs` and `filestore`; named: the hub settings and the hub pod refer to it. */
export const SHARED_CLAIM = "classhub-shared";
/** Where the hub pod mounts the whole shared volume, to create folders in it. */
export const HUB_SHARED_DIR = "/srv/classhub-shared";
/** KubeSpawner's field for the user in a subPath: the same slug it names the user's pod with. */
export const USER_FIELD = "{username}";

const path = z.string().regex(/^\//);
/** A relative path inside the shared volume: no leading slash, no `..`. */
const subPath = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/);
const mount = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
  mountPath: path,
  subPath,
  readOnly: z.boolean(),
});

export const sharedSettingsSchema = z.strictObject({
  /** The ReadWriteMany claim in the class namespace that holds every home. */
  claimName: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/),
  /** Where the hub pod mounts the whole volume. */
  hubMountPath: path,
  /** The student's server's mounts of that volume, KubeSpawner templates: the home first. */
  studentMounts: z.array(mount).min(1),
  /** The same for staff: the course folder writable, and every home if the class allows it. */
  staffMounts: z.array(mount).min(1),
});
export type SharedSettings = z.output<typeof sharedSettingsSchema>;
export type SharedMount = SharedSettings["studentMounts"][number];

/** The folder of the shared volume that holds this class: the whole volume, or on Filestore `<namespace>/`. */
export function classRoot(cls: ClassConfig): string {
  return cls.storage.shared !== undefined && "filestore" in cls.storage.shared ? `${cls.namespace}/` : "";
}

/** The claim that holds the class's homes: the platform team's, or the one classhub binds to its volume. */
export function sharedClaimName(cls: ClassConfig): string | undefined {
  const shared = cls.storage.shared;
  if (shared === undefined) return undefined;
  return "claim" in shared ? shared.claim : SHARED_CLAIM;
}

/** What the hub settings say about shared homes; null with one disk per student. */
export function sharedSettings(cls: ClassConfig, volumeName: string): SharedSettings | null {
  const claimName = sharedClaimName(cls);
  if (claimName === undefined) return null;
  const { mountPath, courseFolder, staffHomes } = cls.storage;
  const root = classRoot(cls);
  const at = (sub: string, where: string, readOnly: boolean): SharedMount => ({
    name: volumeName,
    mountPath: where,
    subPath: `${root}${sub}`,
    readOnly,
  });
  const home = at(`home/${USER_FIELD}`, mountPath, false);
  const course = (readOnly: boolean) =>
    courseFolder === undefined ? [] : [at("course", courseFolder.mountPath ?? `${mountPath}/course`, readOnly)];
  const homes =
    staffHomes === undefined ? [] : [at("home", staffHomes.mountPath ?? `${mountPath}/homes`, staffHomes.readOnly)];
  return {
    claimName,
    hubMountPath: HUB_SHARED_DIR,
    studentMounts: [home, ...course(true)],
    staffMounts: [home, ...course(false), ...homes],
  };
}

/** The folders the hub pod creates at start, under the volume's root: every home's parent, and the course folder. */
export function sharedFolders(cls: ClassConfig): string[] {
  const root = classRoot(cls);
  return [`${root}home`, ...(cls.storage.courseFolder === undefined ? [] : [`${root}course`])];
}

/** The gid of the students' files (users, in the Jupyter images); kubelet gives a block or local volume's root to it. */
export const SHARED_GID = 100;

/** What the hub pod needs of the shared volume: its claim and the folders to create at start. */
export interface HubSharedStorage {
  claimName: string;
  folders: string[];
}

export function hubSharedStorage(cls: ClassConfig): HubSharedStorage | undefined {
  const claimName = sharedClaimName(cls);
  return claimName === undefined ? undefined : { claimName, folders: sharedFolders(cls) };
}

const PREPARE_SCRIPT = [
  'cd "$0"',
  'for d in "$@"; do',
  '  mkdir -p "$d" || { echo "classhub: storage.shared: uid $(id -u) cannot create $d on the shared volume;' +
    ' make its root writable by uid 1000 or gid 100 (docs/platform.md)" >&2; exit 1; }',
  "done",
].join("\n");

/**
 * The hub pod's share of the shared volume: the whole volume, mounted where the hub creates homes, and an init
 * container that creates the class's folders, so a root the hub cannot write stops the hub at start, with a
 * message, instead of a student's first spawn. kubelet hands the root of a volume it can own (block, local) to
 * gid 100 once (OnRootMismatch); servers do the same, so the two never chown the whole volume back and forth.
 */
export function hubSharedPod(image: string, shared: HubSharedStorage, container: Record<string, unknown>) {
  const mount = { name: "shared", mountPath: HUB_SHARED_DIR };
  return {
    securityContext: { fsGroup: SHARED_GID, fsGroupChangePolicy: "OnRootMismatch" },
    initContainers: [
      {
        name: "prepare-shared",
        image,
        command: ["sh", "-c", PREPARE_SCRIPT, HUB_SHARED_DIR, ...shared.folders],
        volumeMounts: [mount],
        ...container,
      },
    ],
    volumes: [{ name: "shared", persistentVolumeClaim: { claimName: shared.claimName } }],
    volumeMounts: [mount],
  };
}
