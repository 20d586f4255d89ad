// What `npm run status` reports, as plain data from what it read (hub users, claims, server pods, kubelet's stats
// summaries, du's output, the hub's log, a cost estimate): no I/O here, so tests check it with plain objects.
import { memoryBytes } from "../../components/quantity";
import { HOME_CLAIM } from "./archiveJobs";
import { USER_ANNOTATION, type UserModel } from "./hubApi";
import { DU_TAG } from "./measureJob";

/** How recent activity must be to count as "now". The hub updates last_activity from the proxy every few minutes. */
export const NOW_MINUTES = 15;
const DAY = 24 * 3600_000;

export interface Activity {
  /** Users active within NOW_MINUTES, within a day, within a week; sorted names. */
  now: string[];
  lastDay: string[];
  lastWeek: string[];
  /** Users the hub knows (roster students who logged in once, admins), and of them never active. */
  known: number;
  neverActive: number;
}

export interface ServerRow {
  user: string;
  /** "" for the default server. */
  server: string;
  ready: boolean;
  /** "spawn" or "stop" while starting or stopping. */
  pending: string | null;
  started: string | null;
  ageSeconds: number | null;
  lastActivity: string | null;
}

/** How much of a home is used, and who said so; a figure not known says why. */
export type Used =
  { bytes: number; from: "kubelet" | "du"; note: string | null } | { bytes: null; from: null; note: string };

export interface HomeRow {
  user: string;
  claim: string;
  /** With shared storage: the home's folder in the claim. */
  folder?: string;
  /** The claim's capacity (from its status once bound, else its request); "shared" for a folder. */
  capacity: string;
  phase: string;
  used: Used;
}

export interface Storage {
  kind: "claims" | "shared";
  homes: HomeRow[];
  /** With shared storage: the volume's use as kubelet reports it (every home together), when a server mounts it. */
  volume: VolumeStat | null;
  note: string;
}

export interface CullerRun {
  enabled: boolean;
  /** The hub log's last API call by the culler, as an ISO time; null if the log has none. */
  lastCall: string | null;
  /** Servers the culler stopped in the log's window. */
  culled: number;
  note: string;
}

export interface CostSoFar {
  /** null: no cloud prices apply (a class on an ambient cluster). */
  usd: number | null;
  perMonth: number | null;
  note: string;
}

export interface Status {
  stack: string;
  namespace: string;
  hubUrl: string;
  at: string;
  active: Activity;
  servers: ServerRow[];
  storage: Storage;
  culler: CullerRun;
  cost: CostSoFar;
}

const since = (iso: string | null, now: Date) => (iso === null ? Infinity : now.getTime() - Date.parse(iso));

/** Who was active when, from the hub's users; `skip` (the health check's user) is not a person. */
export function activity(users: UserModel[], now: Date, skip: string): Activity {
  const people = users.filter((u) => u.name !== skip);
  const within = (ms: number) =>
    people
      .filter((u) => since(u.last_activity, now) <= ms)
      .map((u) => u.name)
      .sort();
  return {
    now: within(NOW_MINUTES * 60_000),
    lastDay: within(DAY),
    lastWeek: within(7 * DAY),
    known: people.length,
    neverActive: people.filter((u) => u.last_activity === null).length,
  };
}

/** Every server the hub has, running or starting or stopping, oldest first. */
export function servers(users: UserModel[], now: Date): ServerRow[] {
  return users
    .flatMap((u) =>
      Object.values(u.servers ?? {}).map((s) => ({
        user: u.name,
        server: s.name,
        ready: s.ready,
        pending: s.pending,
        started: s.started,
        ageSeconds: s.started === null ? null : Math.max(0, Math.round(since(s.started, now) / 1000)),
        lastActivity: s.last_activity,
      })),
    )
    .sort((a, b) => (b.ageSeconds ?? -1) - (a.ageSeconds ?? -1));
}

/** A byte count as people read it: 812 B, 256 KiB, 1.5 MiB, 12 GiB. */
export function size(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (bytes >= 1024 ** (i + 1) && i < units.length - 1) i++;
  if (i === 0) return `${bytes} B`;
  const value = bytes / 1024 ** i;
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value)} ${units[i]}`;
}

/** A claim's volume as one node's kubelet measures it (its stats summary: `pods[].volume[]` with a `pvcRef`). */
export interface VolumeStat {
  claim: string;
  node: string;
  usedBytes: number;
  capacityBytes: number | null;
}

/** The claims of namespace `ns` that pods on `node` mount, with kubelet's figures, from its stats summary. */
export function kubeletVolumes(summary: any, ns: string, node: string): VolumeStat[] {
  const found = new Map<string, VolumeStat>();
  for (const pod of summary?.pods ?? []) {
    for (const v of pod.volume ?? []) {
      const ref = v.pvcRef;
      if (ref?.namespace !== ns || typeof v.usedBytes !== "number" || found.has(ref.name)) continue;
      const capacityBytes = typeof v.capacityBytes === "number" ? v.capacityBytes : null;
      found.set(ref.name, { claim: ref.name, node, usedBytes: v.usedBytes, capacityBytes });
    }
  }
  return [...found.values()];
}

/** Why a node's stats summary could not be read, from kubectl's message. */
export function statsProblem(message: string): string {
  if (/forbidden/i.test(message)) {
    return (
      "you may not get nodes/proxy (403 Forbidden), which kubelet's figures need: ask the platform team for it, " +
      "or stop the servers and use --measure"
    );
  }
  return message.split("\n")[0];
}

/** A claim a running server's pod mounts, and the node it runs on. */
export interface Mount {
  claim: string;
  pod: string;
  node: string;
}

/** The claims the class's server pods mount; a pod that has ended, or is not yet on a node, holds none. */
export function serverMounts(pods: any[]): Mount[] {
  return pods
    .filter((p) => !["Succeeded", "Failed"].includes(p.status?.phase) && typeof p.spec?.nodeName === "string")
    .flatMap((p) =>
      ((p.spec.volumes ?? []) as any[])
        .filter((v) => typeof v.persistentVolumeClaim?.claimName === "string")
        .map((v) => ({ claim: v.persistentVolumeClaim.claimName, pod: p.metadata.name, node: p.spec.nodeName })),
    );
}

/** The nodes whose kubelet is worth asking: the ones the class's servers run on. */
export const nodesOf = (mounts: Mount[]): string[] => [...new Set(mounts.map((m) => m.node))].sort();

/** du's figure for one home (a folder of /homes in the Job); at least `bytes` when not `complete`. */
export interface DuFigure {
  home: string;
  bytes: number;
  complete: boolean;
}

/** The measuring Job's figures, from its log (measureJob.ts, DU_SCRIPT: `used <home> <KiB> <yes|no>`). */
export function duFigures(log: string): DuFigure[] {
  return log
    .split("\n")
    .map((l) => l.split("\t"))
    .filter((f) => f.length === 4 && f[0] === DU_TAG && /^\d+$/.test(f[2]))
    .map(([, home, kib, complete]) => ({ home, bytes: Number(kib) * 1024, complete: complete === "yes" }));
}

/** Students' home claims: the ones KubeSpawner made, which carry the user's name. */
const homeClaims = (claims: any[]) => claims.filter((c) => c.metadata?.annotations?.[USER_ANNOTATION] !== undefined);

/**
 * The claims --measure's Job mounts: bound homes that no running server holds. A running server's home is left
 * out: a ReadWriteOnce disk is attached to that server's node, and a Job on another node would wait for it until
 * its deadline (a Multi-Attach error). Pinning the Job to that node instead would tie every other home to it, which
 * zonal disks and other nodes' local volumes cannot follow. kubelet on the server's node measures such a home when
 * its volume is a filesystem of its own; otherwise its figure waits for the server to stop. A claim never bound
 * (WaitForFirstConsumer, its server never started) is left out too: mounting it would create its volume.
 */
export function claimsToMeasure(claims: any[], mounts: Mount[]): string[] {
  return homeClaims(claims)
    .filter((c) => c.status?.phase === "Bound" && !mounts.some((m) => m.claim === c.metadata.name))
    .map((c) => c.metadata.name as string)
    .sort();
}

/** What the tool read about use: where servers mount claims, kubelet's figures, the nodes it could not ask, du's. */
export interface UseFacts {
  mounts: Mount[];
  kubelet: VolumeStat[];
  /** Nodes whose stats summary could not be read, and why (statsProblem). */
  unread: { node: string; why: string }[];
  /** du's figures; undefined without --measure. */
  du?: DuFigure[];
}

/** The filesystem kubelet measures may be bigger than the claim: the slack allows units rounded up (10G, 10Gi). */
const OWN_FILESYSTEM_SLACK = 1.1;

/**
 * kubelet reports the filesystem a volume lives on: a disk of the claim's own (a cloud disk, which is the claim),
 * or the whole filesystem beneath it (a local volume's disk, an NFS export). Its figure is the home's only when that
 * filesystem is no bigger than the claim.
 */
export function ownFilesystem(stat: VolumeStat, capacity: string): boolean {
  const claimBytes = memoryBytes(capacity);
  return (
    stat.capacityBytes !== null && claimBytes !== undefined && stat.capacityBytes <= claimBytes * OWN_FILESYSTEM_SLACK
  );
}

const unknown = (note: string): Used => ({ bytes: null, from: null, note });

function fromDu(d: DuFigure): Used {
  return { bytes: d.bytes, from: "du", note: d.complete ? null : "at least: du could not read everything" };
}

/** One home claim's use: kubelet's figure, du's, or why neither is known. */
function claimUse(claim: string, capacity: string, phase: string, facts: UseFacts): Used {
  const stat = facts.kubelet.find((v) => v.claim === claim);
  if (stat !== undefined) {
    if (ownFilesystem(stat, capacity)) return { bytes: stat.usedBytes, from: "kubelet", note: null };
    const of = stat.capacityBytes === null ? "" : ` of ${size(stat.capacityBytes)}`;
    return unknown(`kubelet measures the filesystem beneath the claim (${size(stat.usedBytes)}${of}), not the home`);
  }
  const measured = facts.du?.find((d) => `${HOME_CLAIM}${d.home}` === claim);
  if (measured !== undefined) return fromDu(measured);
  const mount = facts.mounts.find((m) => m.claim === claim);
  if (mount !== undefined) {
    return unknown(
      facts.unread.some((u) => u.node === mount.node)
        ? `${mount.pod} on ${mount.node} mounts it; that node's stats could not be read`
        : `${mount.pod} on ${mount.node} mounts it; kubelet has no figure for this kind of volume`,
    );
  }
  if (phase !== "Bound") return unknown("no volume yet: the server never started");
  return unknown(facts.du === undefined ? "no server mounts it: --measure runs du" : "du did not report it");
}

function unreadNote(facts: UseFacts): string {
  return facts.unread.map((u) => ` kubelet's stats of node ${u.node} could not be read: ${u.why}.`).join("");
}

/** Where shared homes are: the stack's storage.shared source, its claim, and the folder of homes in it. */
export interface SharedHomes {
  source: string;
  claim: string;
  folder: string;
}

/**
 * Students' homes and their use: their claims when each has one, with kubelet's or du's figures; with shared
 * storage, du's figure for each folder when measured, and kubelet's for the volume as a whole.
 */
export function storage(claims: any[], shared: SharedHomes | undefined, facts: UseFacts): Storage {
  if (shared !== undefined) {
    const phase = (claims.find((c) => c.metadata?.name === shared.claim)?.status?.phase ?? "?") as string;
    const volume = facts.kubelet.find((v) => v.claim === shared.claim) ?? null;
    const homes = (facts.du ?? [])
      .map((d) => ({
        user: d.home,
        claim: shared.claim,
        folder: `${shared.folder}/${d.home}`,
        capacity: "shared",
        phase,
        used: fromDu(d),
      }))
      .sort((a, b) => a.user.localeCompare(b.user));
    const whole =
      volume === null
        ? ""
        : ` kubelet: ${size(volume.usedBytes)}${volume.capacityBytes === null ? "" : ` of ${size(volume.capacityBytes)}`} ` +
          "used on the volume, every home together (and whatever else shares its filesystem).";
    return {
      kind: "shared",
      homes,
      volume,
      note:
        `Homes are folders of claim ${shared.claim} on shared storage (classhub:class.storage.shared: ` +
        `${shared.source}).${whole} ` +
        (facts.du === undefined
          ? "Each folder's use is known to neither the API nor kubelet: --measure runs du on each in a Job."
          : "Each folder's use: du in a Job, just now.") +
        unreadNote(facts),
    };
  }
  const homes = homeClaims(claims)
    .map((c) => {
      const claim = c.metadata.name as string;
      const capacity = (c.status?.capacity?.storage ?? c.spec?.resources?.requests?.storage ?? "?") as string;
      const phase = (c.status?.phase ?? "?") as string;
      return {
        user: c.metadata.annotations[USER_ANNOTATION] as string,
        claim,
        capacity,
        phase,
        used: claimUse(claim, capacity, phase, facts),
      };
    })
    .sort((a, b) => a.user.localeCompare(b.user));
  return {
    kind: "claims",
    homes,
    volume: null,
    note:
      "One claim per student. Used: kubelet's figure (its stats summary, through the API server) for a home a " +
      "running server mounts, when the claim is a filesystem of its own; " +
      (facts.du === undefined
        ? "--measure runs du in a Job on the homes no server mounts."
        : "du in a Job, just now, for the homes no server mounts.") +
      unreadNote(facts),
  };
}

/** A hub log line's time: `[I 2026-12-01 22:56:14.552 JupyterHub log:192] ...` (the hub logs in UTC). */
const LOG_TIME = /^\[\w (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? /;

/**
 * The culler's last run, from the hub's log: the culler is a hub-managed service whose API calls the hub logs
 * as `(idle-culler@...)`, and a server it stopped as its `DELETE /hub/api/users/<name>/server`.
 */
export function cullerRun(log: string, enabled: boolean, everyMinutes: number, logWindow: string): CullerRun {
  if (!enabled) return { enabled, lastCall: null, culled: 0, note: "Culling is off (classhub:class.culling.enabled)." };
  const calls = log.split("\n").filter((l) => l.includes("(idle-culler@"));
  const last = calls
    .map((l) => LOG_TIME.exec(l))
    .filter((m) => m !== null)
    .at(-1);
  const culled = calls.filter((l) => /\b20[24] DELETE \/hub\/api\/users\/[^ ]+\/server/.test(l)).length;
  return {
    enabled,
    lastCall: last === undefined ? null : new Date(`${last[1]}T${last[2]}${last[3] ?? ""}Z`).toISOString(),
    culled,
    note:
      `The culler checks every ${everyMinutes} min; read from the hub's log of the last ${logWindow}` +
      (last === undefined ? ": no culler call in it (has the hub just restarted?)." : "."),
  };
}

/** The month's share elapsed at `now`, in UTC. */
export function monthElapsed(now: Date): number {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return (now.getTime() - start) / (end - start);
}

/** The estimate's monthly cost (npm run cost) prorated to `now`; null when no prices apply. */
export function costSoFar(perMonth: number | null, now: Date): CostSoFar {
  if (perMonth === null) {
    return {
      usd: null,
      perMonth: null,
      note: "A class on an ambient cluster: no cloud prices apply (npm run cost shows what it requests).",
    };
  }
  const share = monthElapsed(now);
  return {
    usd: perMonth * share,
    perMonth,
    note:
      `On paper: npm run cost's monthly estimate at its default usage, × ${(share * 100).toFixed(0)}% of the ` +
      "month elapsed. Not a bill: the cloud's billing report has what was spent.",
  };
}
