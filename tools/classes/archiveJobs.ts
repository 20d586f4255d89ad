// Pure builders for the end-of-term archive: where archives go, which homes a class has, and the Jobs that
// archive, verify and restore them under Pod Security "restricted", as the students' own uid and gid.
import type * as k8s from "@pulumi/kubernetes";
import { SHARED_CLAIM, SHARED_GID } from "../../components/hub/sharedStorage";
import { DNS_EGRESS, restrictedContainerSecurity, restrictedPodSecurity } from "../../components/security";
import { PER_STUDENT } from "../../components/storage/homeStorage";
import { ARCHIVE_SCRIPT, RESTORE_SCRIPT, VERIFY_SCRIPT } from "./archiveScripts";
import { ToolError } from "./cli";

/** Pinned default images: a small one with tar, gzip and sha256sum, and for a bucket Google's CLI (Debian). */
export const IMAGES = {
  volume: "docker.io/library/busybox:1.37.0",
  gcs: "gcr.io/google.com/cloudsdktool/google-cloud-cli:548.0.0-slim",
} as const;
/** The uid students' servers run as (the hub settings' spawner.uid), which owns every file in a home. */
export const STUDENT_UID = 1000;
/** The claim a destination volume is lent to in the class namespace, and the account a bucket's Jobs run as. */
export const ARCHIVE_CLAIM = "classhub-archive";
export const ARCHIVE_ACCOUNT = "classhub-archive";
/** The claim of a lent volume asks for this little: binding needs no more, and it barely counts in the quota. */
const CLAIM_REQUEST = "1Mi";

/** A bucket on GKE, written through Workload Identity; or a PersistentVolume the platform team keeps. */
export type Destination = { kind: "gcs"; url: string } | { kind: "volume"; volume: string };

const BUCKET = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/[^\s]*)?$/;
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** `--to` or `--from` as a destination; `gke` says whether the class's cluster is GKE (stack or cluster stack). */
export function parseDestination(flag: string, value: string, gke: boolean): Destination {
  const allowed = gke ? "gs://<bucket>[/<path>] or pv:<volume>" : "pv:<volume> (gs:// needs a class on GKE)";
  if (BUCKET.test(value)) {
    if (!gke)
      throw new ToolError(`${flag} ${value}: a bucket is written through GKE's Workload Identity; use ${allowed}`, 2);
    return { kind: "gcs", url: value.replace(/\/+$/, "") };
  }
  const volume = /^pv:(.*)$/.exec(value)?.[1];
  if (volume !== undefined && NAME.test(volume)) return { kind: "volume", volume };
  const why = value.startsWith("pvc:")
    ? "a Job mounts only claims of its own namespace, and the class namespace is deleted at the end of term; give " +
      "the claim's volume as pv:<volume>, which the tool lends to the class namespace for the Job's run"
    : value.startsWith("/")
      ? 'a node directory needs hostPath, which Pod Security "restricted" refuses in a class namespace'
      : `expected ${allowed}`;
  throw new ToolError(`${flag} ${value}: ${why}`, 2);
}

/** A class's homes: one claim each (`claim-<home>`), or one folder each of the shared volume's `folder`. */
export type Homes = { kind: "claims"; claims: string[] } | { kind: "shared"; claim: string; folder: string };
export const HOME_CLAIM = "claim-";

/** Where the stack's `homeStorage` output says homes live; `claims` are the namespace's claim names. */
export function homesOf(homeStorage: unknown, ns: string, claims: string[]): Homes {
  const where = typeof homeStorage === "string" ? homeStorage : PER_STUDENT;
  if (where === PER_STUDENT) return { kind: "claims", claims: claims.filter((c) => c.startsWith(HOME_CLAIM)).sort() };
  if (where === "filestore") return { kind: "shared", claim: SHARED_CLAIM, folder: `${ns}/home` };
  const given = /^claim (.+)$/.exec(where)?.[1];
  return { kind: "shared", claim: given ?? SHARED_CLAIM, folder: "home" };
}

type Volume = k8s.types.input.core.v1.Volume;
type Mount = k8s.types.input.core.v1.VolumeMount;
interface Mounts {
  volumes: Volume[];
  mounts: Mount[];
}

/** Every home, read-only, as a folder of /homes named as the home (the claim without `claim-`). */
export function homeMounts(homes: Homes): Mounts {
  if (homes.kind === "shared") {
    return {
      volumes: [{ name: "homes", persistentVolumeClaim: { claimName: homes.claim, readOnly: true } }],
      mounts: [{ name: "homes", mountPath: "/homes", subPath: homes.folder, readOnly: true }],
    };
  }
  const each = homes.claims.map((claim, i) => ({ claim, name: `home-${i}` }));
  return {
    volumes: each.map(({ claim, name }) => ({ name, persistentVolumeClaim: { claimName: claim, readOnly: true } })),
    mounts: each.map(({ claim, name }) => ({
      name,
      mountPath: `/homes/${claim.slice(HOME_CLAIM.length)}`,
      readOnly: true,
    })),
  };
}

/** One home, writable, at /restore/<home>. */
function restoreMounts(homes: Homes, home: string): Mounts {
  const claimName = homes.kind === "shared" ? homes.claim : `${HOME_CLAIM}${home}`;
  return {
    volumes: [{ name: "home", persistentVolumeClaim: { claimName } }],
    mounts: [
      homes.kind === "shared"
        ? { name: "home", mountPath: "/restore", subPath: homes.folder }
        : { name: "home", mountPath: `/restore/${home}` },
    ],
  };
}

/** The destination at /archive: the lent claim, or scratch space and the bucket's URL. */
function destinationMounts(dest: Destination, readOnly: boolean) {
  const mount = { name: "archive", mountPath: "/archive", ...(readOnly && dest.kind === "volume" ? { readOnly } : {}) };
  if (dest.kind === "volume") {
    return {
      volumes: [{ name: "archive", persistentVolumeClaim: { claimName: ARCHIVE_CLAIM, readOnly } }],
      mounts: [mount],
      env: {},
    };
  }
  // gcloud keeps its config under $CLOUDSDK_CONFIG; the image's home is root's
  return {
    volumes: [{ name: "archive", emptyDir: {} }],
    mounts: [mount],
    env: { UPLOAD: dest.url, CLOUDSDK_CONFIG: "/archive/.gcloud" },
  };
}

export type Step = "archive" | "verify" | "restore";

/** Labels of the archive's Jobs and pods; the bucket's NetworkPolicy selects the pods by the first two. */
export function archiveLabels(ns: string, step?: Step): Record<string, string> {
  return {
    "app.kubernetes.io/name": "classhub-archive",
    "app.kubernetes.io/instance": ns,
    ...(step === undefined ? {} : { "app.kubernetes.io/component": step }),
    "app.kubernetes.io/part-of": "classhub",
  };
}

/** tar and gzip need little; gcloud is Python. Within any class's LimitRange maximum. */
export const RESOURCES = {
  volume: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
  gcs: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};

interface JobArgs {
  ns: string;
  name: string;
  step: Step;
  image: string;
  dest: Destination;
  script: string;
  args: string[];
  homes: Mounts;
  env: Record<string, string>;
}

function job(a: JobArgs) {
  const dest = destinationMounts(a.dest, a.step !== "archive");
  const env = { ...a.env, ...dest.env };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: a.name, namespace: a.ns, labels: archiveLabels(a.ns, a.step) },
    spec: {
      // one try: a failed archive is for a person to read, not to repeat over half-written files
      backoffLimit: 0,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels: archiveLabels(a.ns, a.step) },
        spec: {
          restartPolicy: "Never",
          ...(a.dest.kind === "gcs" ? { serviceAccountName: ARCHIVE_ACCOUNT } : {}),
          // Workload Identity finds the pod's account without a token; nothing here calls the API server
          automountServiceAccountToken: false,
          // the students' uid reads every file of theirs; the destination's root is given to their gid once
          securityContext: { ...restrictedPodSecurity(STUDENT_UID, SHARED_GID), fsGroupChangePolicy: "OnRootMismatch" },
          containers: [
            {
              name: a.step,
              image: a.image,
              command: ["sh", "-c", a.script, ...a.args],
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              volumeMounts: [...dest.mounts, ...a.homes.mounts],
              resources: RESOURCES[a.dest.kind],
              securityContext: restrictedContainerSecurity(),
            },
          ],
          volumes: [...dest.volumes, ...a.homes.volumes],
        },
      },
    },
  };
}

/** A run's id and folder name: the UTC time it started, e.g. 20261212-170405. */
export const runId = (at: Date) =>
  at
    .toISOString()
    .replace(/\.\d+Z$/, "")
    .replace(/[-:]/g, "")
    .replace("T", "-");

/** The Job that archives every home of the class into <namespace>/<run>/ of the destination. */
export function archiveJob(ns: string, run: string, homes: Homes, dest: Destination, image: string) {
  return job({
    ns,
    name: `archive-${run}`,
    step: "archive",
    image,
    dest,
    script: ARCHIVE_SCRIPT,
    args: [`${ns}/${run}`],
    homes: homeMounts(homes),
    env: { ARCHIVE: "/archive", HOMES: "/homes", SOURCE: homes.kind === "shared" ? `${homes.folder}/` : HOME_CLAIM },
  });
}

/** The Job that reads every archive of a run back from the destination, with nothing of the class mounted. */
export function verifyJob(ns: string, run: string, dest: Destination, image: string) {
  const none = { volumes: [], mounts: [] };
  return job({
    ns,
    name: `verify-${run}`,
    step: "verify",
    image,
    dest,
    script: VERIFY_SCRIPT,
    args: [`${ns}/${run}`],
    homes: none,
    env: { ARCHIVE: "/archive" },
  });
}

/** The Job started at `at` that writes one home back from run `run` (the latest when undefined) of the destination. */
export function restoreJob(
  ns: string,
  restore: { home: string; run?: string; at: string },
  homes: Homes,
  dest: Destination,
  image: string,
) {
  const { home, run, at } = restore;
  return job({
    ns,
    name: `restore-${at}`,
    step: "restore",
    image,
    dest,
    script: RESTORE_SCRIPT,
    args: [ns, home],
    homes: restoreMounts(homes, home),
    env: { ARCHIVE: "/archive", RESTORE: "/restore", RUN: run ?? "" },
  });
}

/** The claim in the class namespace that binds the platform team's volume for the Jobs' run, and only it. */
export function archiveClaim(ns: string, volume: { name: string; storageClassName?: string; accessModes: string[] }) {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: ARCHIVE_CLAIM, namespace: ns, labels: archiveLabels(ns) },
    spec: {
      accessModes: volume.accessModes,
      // the volume's own class, or none: a claim without one would get the cluster's default and not bind
      storageClassName: volume.storageClassName ?? "",
      volumeName: volume.name,
      resources: { requests: { storage: CLAIM_REQUEST } },
    },
  };
}

/** The account a bucket's Jobs run as: Workload Identity maps it to a Google service account, or IAM names it. */
export function archiveAccount(ns: string, gcpServiceAccount?: string) {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: ARCHIVE_ACCOUNT,
      namespace: ns,
      labels: archiveLabels(ns),
      ...(gcpServiceAccount === undefined
        ? {}
        : { annotations: { "iam.gke.io/gcp-service-account": gcpServiceAccount } }),
    },
    automountServiceAccountToken: false,
  };
}

/** Private ranges and the link-local range, which the Google APIs rule leaves out. */
const NOT_GOOGLE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"];

/**
 * The class's default-deny leaves the archive's pods no network, which a volume needs none of. A bucket needs DNS,
 * GKE's metadata server for the Workload Identity token (169.254.169.254:80, and 169.254.169.252:988 on Dataplane
 * V2), and Google's APIs over HTTPS: public addresses, or Private Google Access's, both outside private ranges.
 */
export function gcsEgressPolicy(ns: string) {
  const tcp = (cidr: string, port: number, except?: string[]) => ({
    to: [{ ipBlock: { cidr, ...(except === undefined ? {} : { except }) } }],
    ports: [{ protocol: "TCP", port }],
  });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "classhub-archive-egress", namespace: ns, labels: archiveLabels(ns) },
    spec: {
      podSelector: { matchLabels: archiveLabels(ns) },
      policyTypes: ["Egress"],
      egress: [
        DNS_EGRESS,
        tcp("169.254.169.254/32", 80),
        tcp("169.254.169.252/32", 988),
        tcp("0.0.0.0/0", 443, NOT_GOOGLE),
      ],
    },
  };
}
