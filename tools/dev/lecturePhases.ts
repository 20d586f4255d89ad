// The two phases of each server's start in a make bench-lecture burst, which the hub times out separately:
// - pod start, from the pod's creation to its container's start (scheduling, the home volume, the image, the
//   container): what KubeSpawner's start_timeout bounds;
// - server start, from the container's start to jupyter-server's "is running at" line (Python's imports and the
//   server's set-up, CPU-bound when many start at once): what the hub's http_timeout bounds, which starts a little
//   later, when KubeSpawner has seen the pod running, so this figure errs long.
import type { Live } from "../../test/live/support";

export interface Phases {
  user: string;
  /** Seconds; NaN when the pod never got there. */
  podStart: number;
  serverStart: number;
}

const USER_LABEL = "hub.jupyter.org/username";
/** jupyter-server's first line once it listens: `[I ... ServerApp] Jupyter Server 2.x is running at:`. */
const RUNNING = /Jupyter Server \S+ is running at/;
/** `kubectl logs --prefix --timestamps`: `[pod/<name>/<container>] <RFC 3339 time> <line>`. */
const PREFIXED = /^\[pod\/([^/\]]+)\/[^\]]+\] (\S+) (.*)$/;

/** When each pod's server said it is running, from the prefixed, timestamped logs of all of them. */
export function runningTimes(logs: string): Map<string, number> {
  const times = new Map<string, number>();
  for (const line of logs.split("\n")) {
    const m = PREFIXED.exec(line);
    if (m !== null && RUNNING.test(m[3]) && !times.has(m[1])) times.set(m[1], Date.parse(m[2]));
  }
  return times;
}

/** Each server pod's two phases, from the pod objects and runningTimes() of their logs. */
export function phases(pods: any[], running: Map<string, number>): Phases[] {
  return pods.map((pod) => {
    const created = Date.parse(pod.metadata.creationTimestamp);
    const startedAt = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
    const started = startedAt === undefined ? NaN : Date.parse(startedAt);
    const serving = running.get(pod.metadata.name) ?? NaN;
    return {
      user: pod.metadata.annotations?.[USER_LABEL] ?? pod.metadata.labels?.[USER_LABEL] ?? pod.metadata.name,
      podStart: (started - created) / 1000,
      serverStart: (serving - started) / 1000,
    };
  });
}

/** The phases of every student server in the namespace, read once the burst is over. */
export async function readPhases(live: Live, ns: string, selector: string): Promise<Phases[]> {
  const pods = (await live.json("get", "pods", "-n", ns, "-l", selector)).items as any[];
  const logs = await live.run("kubectl", [
    "logs",
    "-n",
    ns,
    "-l",
    selector,
    "--prefix",
    "--timestamps",
    "--tail=-1",
    `--max-log-requests=${Math.max(5, pods.length)}`,
  ]);
  return phases(pods, runningTimes(logs.stdout));
}
