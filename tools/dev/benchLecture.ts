// make bench-lecture: the start of a lecture on the local node (tools/node), with the real hub, proxy, KubeSpawner
// and student servers (jupyter-server; nothing fakes readiness). A class of N students is deployed; each student
// logs in through the proxy's node port at their own moment within the window, which starts their server, then
// sends one request to it. Prints successes, failures, HTTP 429s, login-to-ready times, the hub's and the proxy's
// CPU and peak memory, and the API server's request count: for classhub's settings and for z2jh's defaults, side
// by side. --find-max finds the largest class that starts with no failure; --scale shows the cost at N, 2N, 4N.
// Not a test: the figures depend on the machine, which others may share (the load average is printed).
import { parseArgs } from "node:util";
import { SETTINGS_FILE } from "../../components/hub/settings";
import { type ClassStack, Live } from "../../test/live/support";
import { LiveEnv } from "../harness/liveenv";
import { createHomes } from "./lectureHomes";
import { apiServerRequests, cpuSeconds, freePodSlots, loadAverage, PeakRss, rssBytes } from "./lectureNode";
import { readPhases } from "./lecturePhases";
import { burstTable, findMaxTable, type Homes, type Measured, scaleTable, type Settings } from "./lectureReport";
import { type Outcome, Student } from "./lectureStudent";

const SETTINGS: Settings[] = ["classhub", "z2jh"];
const HOMES: Homes[] = ["new", "existing"];

const DEFAULT_WINDOW_SECONDS = 60;
/** Node ports of the bench classes, apart from make up's (30080), make bench's (3009x) and the tests' (301xx). */
const NODE_PORT = { classhub: 30180, z2jh: 30181 } as const;
/** Pods the node keeps free beside the class: local-path-provisioner's helper pod for each new home volume. */
const HELPER_POD_MARGIN = 4;

/**
 * z2jh's defaults (chart 4.x, jupyterhub/values.yaml) in classhub's stack keys: hub.concurrentSpawnLimit 64,
 * no activeServerLimit, singleuser.startTimeout 300, KubeSpawner's http_timeout of 30 s (the chart leaves it), and
 * hub and proxy pods with no requests or limits (`resources: {}`). classhub always sets limits (the namespace
 * quota counts them), so the nearest it can say is the smallest request, 1m and 1Mi, which gives the pods the CPU
 * share of a pod without requests, under the limits classhub sets anyway (the hub's 2 cores are the whole node).
 * docs/bench-lecture.md lists what the stack keys cannot say (probes, consecutive_failure_limit).
 */
const Z2JH_DEFAULTS = {
  spawn: { concurrentLimit: 64, activeServerLimit: 0, startTimeoutSeconds: 300, httpTimeoutSeconds: 30 },
  hub: { resources: { cpuGuarantee: 0.001, memoryGuarantee: "1Mi" } },
  proxy: { resources: { cpuGuarantee: 0.001, memoryGuarantee: "1Mi" } },
};

/**
 * Each student's server, the same under both settings: a CPU request of 10m, so that the node's CPU time and not
 * the scheduler's bookkeeping of two cores bounds the class (0.1 cores each would stop at about 16 students).
 */
const STUDENT_RESOURCES = { cpuGuarantee: 0.01, cpuLimit: 1, memoryGuarantee: "128Mi", memoryLimit: "512Mi" };

const studentNames = (n: number) => Array.from({ length: n }, (_, i) => `student${i + 1}`);

/** The bench class's stack config: the dev class with N students, then the settings under test. */
function lectureClass(settings: Settings, students: number): (cls: any) => void {
  return (cls) => {
    cls.roster = studentNames(students);
    cls.resources = STUDENT_RESOURCES;
    if (settings === "z2jh") {
      cls.spawn = Z2JH_DEFAULTS.spawn;
      cls.hub = { ...cls.hub, ...Z2JH_DEFAULTS.hub };
      cls.proxy = { ...cls.proxy, ...Z2JH_DEFAULTS.proxy };
    }
  };
}

/** When each student arrives, in seconds from the start: evenly over the window, the same in every run. */
const arrivals = (students: number, windowSeconds: number) =>
  studentNames(students).map((_, i) => (windowSeconds * i) / students);

/** Each burst's class gets a suffix of its own, as the live tests' do: nothing of an earlier class is reused. */
const suffix = () => Date.now().toString(36).slice(-5);
const ours = (ns: string) => /^lecture-(classhub|z2jh)-[0-9a-z]{5}-dev$/.test(ns);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function podUid(live: Live, ns: string, component: string): Promise<string> {
  const pods = (await live.json("get", "pods", "-n", ns, "-l", `app.kubernetes.io/component=${component}`)).items;
  const pod = (pods as any[]).find((p) => p.metadata.deletionTimestamp === undefined);
  if (pod === undefined) throw new Error(`no ${component} pod in ${ns}`);
  return pod.metadata.uid;
}

/** The spawn settings the hub really runs with: its settings JSON, whatever the class size derived. */
async function hubSettings(live: Live, ns: string): Promise<any> {
  const maps = (await live.json("get", "configmaps", "-n", ns)).items as any[];
  const map = maps.find((m) => m.data?.[SETTINGS_FILE] !== undefined);
  if (map === undefined) throw new Error(`no ConfigMap with ${SETTINGS_FILE} in ${ns}`);
  return JSON.parse(map.data[SETTINGS_FILE]);
}

/** A container's requests and limits, as `cpu/memory requested, cpu/memory limit`. */
async function resources(live: Live, ns: string, deployment: string): Promise<string> {
  const d = await live.json("get", "deployment", deployment, "-n", ns);
  const r = d.spec.template.spec.containers[0].resources;
  return `${r.requests?.cpu ?? "-"}/${r.requests?.memory ?? "-"} of ${r.limits?.cpu ?? "-"}/${r.limits?.memory ?? "-"}`;
}

interface Run {
  students: number;
  windowSeconds: number;
  homes: Homes;
}

/** Failed students whose server logs are read: enough to see a pattern, few enough to stay quick. */
const DIAGNOSED = 10;

/**
 * The first error of a failed student's server, if it runs: what the student's page does not say (a 500 from the
 * server's OAuth callback, for one, is its failed call to the hub).
 */
async function serverError(live: Live, ns: string, user: string): Promise<string | undefined> {
  const r = await live.run("kubectl", ["logs", "-n", ns, `jupyter-${user}`, "--tail=300"]);
  return r.status === 0
    ? r.stdout
        .split("\n")
        .find((line) => /^\[[EC] /.test(line))
        ?.slice(0, 240)
    : undefined;
}

/** Deploys the class, runs the burst, measures, removes the class and its homes. */
async function burst(live: Live, settings: Settings, { students, windowSeconds, homes }: Run): Promise<Measured> {
  const stack: ClassStack = await live.classStack(
    `lecture-${settings}-${suffix()}`,
    NODE_PORT[settings],
    lectureClass(settings, students),
  );
  try {
    const deployStart = performance.now();
    await stack.deploy();
    const deploySeconds = (performance.now() - deployStart) / 1000;
    const ns = stack.ns;
    const [hub, proxy] = [await podUid(live, ns, "hub"), await podUid(live, ns, "proxy")];
    const settingsJson = await hubSettings(live, ns);
    if (homes === "existing") await createHomes(live, ns, studentNames(students), settingsJson.storage.capacity);
    const shown = {
      spawnLimit: settingsJson.hub.concurrentSpawnLimit as number,
      startTimeout: settingsJson.spawner.startTimeout as number,
      httpTimeout: settingsJson.spawner.httpTimeout as number,
      hubResources: await resources(live, ns, "hub"),
      proxyResources: await resources(live, ns, "proxy"),
    };
    const load = loadAverage();
    const base = `http://127.0.0.1:${NODE_PORT[settings]}`;
    const api = await apiServerRequests(live);
    const cpu = [cpuSeconds(hub), cpuSeconds(proxy)];
    const peaks = new PeakRss([hub, proxy]);
    const start = performance.now();
    const outcomes: Outcome[] = await Promise.all(
      arrivals(students, windowSeconds).map(async (at, i) => {
        await sleep(at * 1000);
        return new Student(base, `student${i + 1}`).arrive();
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const peak = peaks.stop();
    for (const o of outcomes.filter((o) => !o.ok).slice(0, DIAGNOSED)) {
      const logged = await serverError(live, ns, o.user);
      if (logged !== undefined) o.error += ` (server log: ${logged})`;
    }
    const selector = "app.kubernetes.io/component=singleuser-server";
    const servers = (await live.json("get", "pods", "-n", ns, "-l", selector)).items as any[];
    return {
      settings,
      students,
      windowSeconds,
      homes,
      outcomes,
      seconds,
      deploySeconds,
      load: `${load} -> ${loadAverage()}`,
      shown,
      hubCpu: cpuSeconds(hub) - cpu[0],
      proxyCpu: cpuSeconds(proxy) - cpu[1],
      hubPeakRss: peak.get(hub) ?? 0,
      proxyPeakRss: peak.get(proxy) ?? 0,
      serversRss: servers.reduce((sum, p) => sum + rssBytes(p.metadata.uid), 0),
      servers: servers.length,
      phases: await readPhases(live, ns, selector),
      apiRequests: (await apiServerRequests(live)) - api,
      hubRestarts: (await live.json("get", "pod", "-n", ns, "-l", "app.kubernetes.io/component=hub")).items.reduce(
        (sum: number, p: any) => sum + (p.status.containerStatuses?.[0]?.restartCount ?? 0),
        0,
      ),
    };
  } finally {
    // A failed removal must not lose the figures: the next run removes what this one left.
    await stack.destroy();
    await live.removeNamespaces([stack.ns]).catch((e: Error) => console.error(`removing ${stack.ns}: ${e.message}`));
  }
}

const holds = (m: Measured) => m.outcomes.every((o) => o.ok);

/**
 * The largest class the node can hold at all: its free pods (the kubelet admits 110), less the hub, the proxy and the
 * provisioner helpers' margin.
 */
const podCapacity = async (live: Live) => (await freePodSlots(live)) - 2 - HELPER_POD_MARGIN;

/**
 * Doubles the class from `from` until a burst fails or the node's pod capacity is reached, then bisects between
 * the largest that held and the smallest that failed, to within a tenth.
 */
async function findMax(live: Live, settings: Settings, from: number, run: Omit<Run, "students">, cap: number) {
  const tried: Measured[] = [];
  let [good, bad, n] = [0, cap + 1, Math.min(from, cap)];
  while (bad - good > Math.max(1, Math.ceil(good / 10))) {
    const m = await burst(live, settings, { ...run, students: n });
    tried.push(m);
    console.log(`  ${n} students: ${holds(m) ? "held" : "failed"} (${m.seconds.toFixed(0)} s, load ${m.load})`);
    if (holds(m)) good = n;
    else bad = n;
    n = bad > cap ? Math.min(2 * n, cap) : Math.floor((good + bad) / 2);
  }
  console.log(findMaxTable(tried, cap));
}

/** Bursts of N, 2N and 4N students, as far as the node's pods allow. */
async function scale(live: Live, settings: Settings, students: number, run: Omit<Run, "students">, cap: number) {
  const sizes = [...new Set([students, 2 * students, 4 * students].map((n) => Math.min(n, cap)))];
  const rows: Measured[] = [];
  for (const n of sizes) {
    rows.push(await burst(live, settings, { ...run, students: n }));
    console.log(`  ${n} students: ${rows.at(-1)!.seconds.toFixed(0)} s, load ${rows.at(-1)!.load}`);
  }
  console.log(scaleTable(rows, cap));
}

function options() {
  const { values } = parseArgs({
    options: {
      students: { type: "string" },
      window: { type: "string", default: String(DEFAULT_WINDOW_SECONDS) },
      settings: { type: "string", default: "both" },
      homes: { type: "string", default: "new" },
      "find-max": { type: "boolean", default: false },
      scale: { type: "boolean", default: false },
    },
  });
  const whole = (flag: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} ${value}: expected a whole number, 1 or more`);
    return n;
  };
  // In the order given: the first burst on a node that has been idle can be the slower one.
  const settings = (values.settings === "both" ? SETTINGS.join(",") : values.settings).split(",") as Settings[];
  if (!settings.every((one) => SETTINGS.includes(one))) {
    throw new Error(`--settings ${values.settings}: expected classhub, z2jh, both or a list such as z2jh,classhub`);
  }
  if (!HOMES.includes(values.homes as Homes)) throw new Error(`--homes ${values.homes}: expected new or existing`);
  return {
    students: values.students === undefined ? undefined : whole("students", values.students),
    homes: values.homes as Homes,
    window: whole("window", values.window),
    settings,
    findMax: values["find-max"],
    scale: values.scale,
  };
}

async function main(): Promise<void> {
  const o = options();
  const env = new LiveEnv({ node: true });
  try {
    env.start();
    const live = new Live(env);
    // An interrupted earlier run may have left classes behind: they would hold the node's CPU and pods.
    const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
    await live.removeNamespaces(existing.filter(ours));
    // --find-max and --scale run under one settings: classhub's, unless --settings z2jh.
    // Without --students: a burst fills the node (as large as this machine holds, when nothing else fails first);
    // the search and the scale start from a quarter of that, so that 4N fills it.
    const cap = await podCapacity(live);
    const run = { windowSeconds: o.window, homes: o.homes };
    if (o.findMax) {
      await findMax(live, o.settings[0], o.students ?? Math.ceil(cap / 4), run, cap);
    } else if (o.scale) {
      await scale(live, o.settings[0], o.students ?? Math.floor(cap / 4), run, cap);
    } else {
      const runs: Measured[] = [];
      for (const settings of o.settings) {
        runs.push(await burst(live, settings, { ...run, students: o.students ?? cap }));
        // Each side as soon as it is measured, so that a later failure keeps it.
        if (runs.length < o.settings.length) console.log(`${burstTable(runs)}\n`);
      }
      console.log(burstTable(runs));
    }
  } finally {
    env.stop();
  }
}

main().catch((e: Error) => {
  console.error(`bench-lecture: ${e.message}`);
  process.exit(1);
});
