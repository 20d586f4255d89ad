// What `npm run status` reports, as plain data from what it read (hub users, claims, the hub's log, a cost
// estimate): no I/O here, so tests check it with plain objects.
import { USER_ANNOTATION, type UserModel } from "./hubApi";

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

export interface HomeRow {
  user: string;
  claim: string;
  /** The claim's capacity (from its status once bound, else its request). */
  capacity: string;
  phase: string;
}

export interface Storage {
  kind: "claims" | "shared";
  homes: HomeRow[];
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

/** Students' homes: their claims when each has one; with shared storage, what is known and what is not. */
export function storage(claims: any[], sharedSource: string | undefined): Storage {
  if (sharedSource !== undefined) {
    return {
      kind: "shared",
      homes: [],
      note:
        `Homes are folders on shared storage (classhub:class.storage.shared: ${sharedSource}); the Kubernetes ` +
        "API does not know each folder's size. Not measured (a du through a Job would be needed).",
    };
  }
  const homes = claims
    .filter((c) => c.metadata?.annotations?.[USER_ANNOTATION] !== undefined)
    .map((c) => ({
      user: c.metadata.annotations[USER_ANNOTATION] as string,
      claim: c.metadata.name as string,
      capacity: (c.status?.capacity?.storage ?? c.spec?.resources?.requests?.storage ?? "?") as string,
      phase: (c.status?.phase ?? "?") as string,
    }))
    .sort((a, b) => a.user.localeCompare(b.user));
  return {
    kind: "claims",
    homes,
    note:
      "One claim per student: the API knows each claim's capacity, not how much of it is used " +
      "(kubelet's volume stats are not exposed through it).",
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
