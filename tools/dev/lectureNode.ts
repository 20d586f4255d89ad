// What make bench-lecture reads off the local node (tools/node): a pod's CPU time and resident memory from its
// cgroup (cgroup v1, the kubelet's cgroupfs driver: kubepods[/burstable|/besteffort]/pod<uid>), and the API
// server's request count from its metrics. Reading files costs the node nearly nothing during a burst, where
// kubectl calls would add their own requests to the count being measured.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Live } from "../../test/live/support";

const CGROUPS = "/sys/fs/cgroup";
const QOS = ["", "burstable", "besteffort"];

/** The pod's cgroup directory under a controller's hierarchy. */
function podCgroup(controller: "cpuacct" | "memory", uid: string): string {
  for (const qos of QOS) {
    const dir = path.join(CGROUPS, controller, "kubepods", qos, `pod${uid}`);
    if (fs.existsSync(dir)) return dir;
  }
  throw new Error(`no ${controller} cgroup for pod ${uid} under ${CGROUPS}/${controller}/kubepods`);
}

/** CPU seconds the pod's containers used since it started (their restarts included). */
export function cpuSeconds(uid: string): number {
  return Number(fs.readFileSync(path.join(podCgroup("cpuacct", uid), "cpuacct.usage"), "utf8")) / 1e9;
}

/** The pod's resident memory: anonymous memory (rss) of all its processes, not the page cache. */
export function rssBytes(uid: string): number {
  const stat = fs.readFileSync(path.join(podCgroup("memory", uid), "memory.stat"), "utf8");
  return Number(/^total_rss (\d+)$/m.exec(stat)?.[1] ?? 0);
}

/** Samples the resident memory of some pods every `everyMs` until stopped; keeps each pod's peak. */
export class PeakRss {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(uids: string[], everyMs = 500) {
    const sample = () => {
      for (const uid of uids) {
        try {
          this.peaks.set(uid, Math.max(this.peaks.get(uid) ?? 0, rssBytes(uid)));
        } catch {
          // The pod went (a restarted hub gets a new container, not a new pod; a deleted one is gone).
        }
      }
    };
    sample();
    this.timer = setInterval(sample, everyMs);
  }

  stop(): Map<string, number> {
    clearInterval(this.timer);
    return this.peaks;
  }
}

/** Requests the API server has answered since it started, from every client, summed over all its series. */
export async function apiServerRequests(live: Live): Promise<number> {
  return (await live.kubectl("get", "--raw", "/metrics"))
    .split("\n")
    .filter((line) => line.startsWith("apiserver_request_total{"))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

/** Pods free on the node: its allocatable pod count less the pods it runs now. */
export async function freePodSlots(live: Live): Promise<number> {
  const node = (await live.json("get", "nodes")).items[0];
  const pods = await live.json("get", "pods", "-A", "--field-selector", `spec.nodeName=${node.metadata.name}`);
  const running = (pods.items as any[]).filter((p) => !["Succeeded", "Failed"].includes(p.status.phase)).length;
  return Number(node.status.allocatable.pods) - running;
}

/** The load average, 1, 5 and 15 minutes: the machine is shared, and others' load shows in the figures. */
export const loadAverage = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
