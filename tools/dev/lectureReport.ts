// make bench-lecture's tables: one burst per settings side by side, the search for the largest class, and the
// cost at N, 2N and 4N. Pure: figures in, text out.
import type { Phases } from "./lecturePhases";
import type { Outcome } from "./lectureStudent";

export type Settings = "classhub" | "z2jh";
/** Whether the students' homes are created in the burst (the first lecture of a term) or exist before it. */
export type Homes = "new" | "existing";

/** One burst, as benchLecture.ts measured it. */
export interface Measured {
  settings: Settings;
  students: number;
  windowSeconds: number;
  homes: Homes;
  outcomes: Outcome[];
  /** From the first student's arrival to the last student's outcome. */
  seconds: number;
  deploySeconds: number;
  /** The machine's load average before and after the burst. */
  load: string;
  /** What the hub ran with: spawn limit, start and HTTP timeouts, hub and proxy requests and limits. */
  shown: {
    spawnLimit: number;
    startTimeout: number;
    httpTimeout: number;
    hubResources: string;
    proxyResources: string;
  };
  hubCpu: number;
  proxyCpu: number;
  hubPeakRss: number;
  proxyPeakRss: number;
  /** Resident memory of the student servers running after the burst, and how many they are. */
  serversRss: number;
  servers: number;
  /** Each server's pod start and server start, which the start and HTTP timeouts bound. */
  phases: Phases[];
  /** Requests the API server answered during the burst, from every client. */
  apiRequests: number;
  hubRestarts: number;
}

/** The p-th percentile (0-100) by nearest rank; NaN when there is nothing to rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const readyTimes = (m: Measured) => m.outcomes.filter((o) => o.ok).map((o) => o.seconds);
const ok = (m: Measured) => m.outcomes.filter((o) => o.ok).length;
const failed = (m: Measured) => m.outcomes.length - ok(m);
const http429 = (m: Measured) => m.outcomes.reduce((sum, o) => sum + o.http429, 0);
const phase = (m: Measured, which: keyof Omit<Phases, "user">, p: number) =>
  percentile(
    m.phases.map((x) => x[which]).filter((x) => !Number.isNaN(x)),
    p,
  );
const MiB = (bytes: number) => bytes / 2 ** 20;

const s = (x: number) => (Number.isNaN(x) ? "-" : `${x.toFixed(1)} s`);
const mib = (x: number) => `${x.toFixed(0)} MiB`;

/** The rows every table shares: a label, a formatter and the number the ratio is taken of. */
const ROWS: [string, (m: Measured) => string, ((m: Measured) => number) | undefined][] = [
  ["spawn limit", (m) => String(m.shown.spawnLimit), undefined],
  ["start / HTTP timeout", (m) => `${m.shown.startTimeout} / ${m.shown.httpTimeout} s`, undefined],
  ["hub requests of limits", (m) => m.shown.hubResources, undefined],
  ["proxy requests of limits", (m) => m.shown.proxyResources, undefined],
  ["ready", (m) => `${ok(m)} of ${m.students}`, ok],
  ["failures", (m) => String(failed(m)), failed],
  ["HTTP 429", (m) => String(http429(m)), http429],
  ["login-to-ready p50", (m) => s(percentile(readyTimes(m), 50)), (m) => percentile(readyTimes(m), 50)],
  ["login-to-ready p95", (m) => s(percentile(readyTimes(m), 95)), (m) => percentile(readyTimes(m), 95)],
  ["login-to-ready max", (m) => s(percentile(readyTimes(m), 100)), (m) => percentile(readyTimes(m), 100)],
  ["pod start p95 / max", (m) => `${s(phase(m, "podStart", 95))} / ${s(phase(m, "podStart", 100))}`, undefined],
  [
    "server start p95 / max",
    (m) => `${s(phase(m, "serverStart", 95))} / ${s(phase(m, "serverStart", 100))}`,
    undefined,
  ],
  ["first arrival to last outcome", (m) => s(m.seconds), (m) => m.seconds],
  ["hub CPU", (m) => s(m.hubCpu), (m) => m.hubCpu],
  ["hub peak RSS", (m) => mib(MiB(m.hubPeakRss)), (m) => m.hubPeakRss],
  ["hub restarts", (m) => String(m.hubRestarts), undefined],
  ["proxy CPU", (m) => s(m.proxyCpu), (m) => m.proxyCpu],
  ["proxy peak RSS", (m) => mib(MiB(m.proxyPeakRss)), (m) => m.proxyPeakRss],
  ["API server requests", (m) => String(m.apiRequests), (m) => m.apiRequests],
  ["servers' RSS after", (m) => `${mib(MiB(m.serversRss))} (${m.servers})`, (m) => m.serversRss],
  ["load average before -> after", (m) => m.load, undefined],
  ["class deploy", (m) => s(m.deploySeconds), undefined],
];

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Failures grouped by what the students saw, most frequent first. */
function failures(m: Measured): string[] {
  const counts = new Map<string, number>();
  for (const o of m.outcomes.filter((o) => !o.ok)) counts.set(o.error, (counts.get(o.error) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([error, n]) => `  ${m.settings}: ${n} x ${error}`);
}

const ratio = (a: number, b: number) => (b === 0 || Number.isNaN(a) || Number.isNaN(b) ? "-" : `${(a / b).toFixed(2)}`);

/** Bursts side by side; with two, a column of second/first ratios. */
export function burstTable(runs: Measured[]): string {
  const [first, second] = runs;
  const header = [
    `${first.students} students, ${first.homes} homes, arrivals over ${first.windowSeconds} s`,
    ...runs.map((m) => (m.settings === "z2jh" ? "z2jh defaults" : "classhub")),
    ...(second ? [`${second.settings}/${first.settings}`] : []),
  ];
  const rows = ROWS.map(([label, format, value]) => [
    label,
    ...runs.map(format),
    ...(second ? [value ? ratio(value(second), value(first)) : ""] : []),
  ]);
  const why = runs.flatMap(failures);
  return [table(header, rows), ...(why.length > 0 ? ["\nFailures:", ...why] : [])].join("\n");
}

const SIZE_COLUMNS: [string, (m: Measured) => string][] = [
  ["students", (m) => String(m.students)],
  ["ready", (m) => String(ok(m))],
  ["429s", (m) => String(http429(m))],
  ["p50", (m) => s(percentile(readyTimes(m), 50))],
  ["p95", (m) => s(percentile(readyTimes(m), 95))],
  ["max", (m) => s(percentile(readyTimes(m), 100))],
  ["last ready", (m) => s(m.seconds)],
  ["pod start max", (m) => s(phase(m, "podStart", 100))],
  ["server start max", (m) => s(phase(m, "serverStart", 100))],
  ["hub CPU", (m) => s(m.hubCpu)],
  ["hub RSS", (m) => mib(MiB(m.hubPeakRss))],
  ["proxy CPU", (m) => s(m.proxyCpu)],
  ["proxy RSS", (m) => mib(MiB(m.proxyPeakRss))],
  ["API requests", (m) => String(m.apiRequests)],
  ["RSS/server", (m) => (m.servers === 0 ? "-" : mib(MiB(m.serversRss / m.servers)))],
  ["load before -> after", (m) => m.load],
];

function sizeTable(rows: Measured[]): string {
  return table(
    SIZE_COLUMNS.map(([h]) => h),
    rows.map((m) => SIZE_COLUMNS.map(([, f]) => f(m))),
  );
}

/** Every class size the search tried, and the largest with no failure. */
export function findMaxTable(tried: Measured[], cap: number): string {
  const held = tried.filter((m) => m.outcomes.every((o) => o.ok)).map((m) => m.students);
  const best = held.length === 0 ? "none" : String(Math.max(...held));
  const capped = held.includes(cap) ? ` (the node's free pods allow no more than ${cap})` : "";
  return [
    `Largest class with zero failures, ${tried[0].settings} settings, ${tried[0].homes} homes, arrivals over ` +
      `${tried[0].windowSeconds} s: ` +
      `${best}${capped}`,
    sizeTable([...tried].sort((a, b) => a.students - b.students)),
    ...tried.flatMap(failures),
  ].join("\n");
}

/** Time and memory as the class grows. */
export function scaleTable(rows: Measured[], cap: number): string {
  const capped = rows.some((m) => m.students === cap) ? ` (capped at the node's ${cap} free pods)` : "";
  return [
    `Cost with class size, ${rows[0].settings} settings, ${rows[0].homes} homes, arrivals over ` +
      `${rows[0].windowSeconds} s${capped}`,
    sizeTable(rows),
    ...rows.flatMap(failures),
  ].join("\n");
}
