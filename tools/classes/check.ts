// npm run check -- <stack> [--dir DIR] [--timeout SECONDS]
// A health check of a deployed class, like 2i2c's hub-health service: as the hub's classhub-check service, it
// creates a user, starts its server, runs print(6*7) in a kernel there, then stops the server, deletes the user
// and the user's home claim. Each step is printed with its time; a failure names its step and exits 1.
import { Command, InvalidArgumentError, Option } from "commander";
import { runMain, ToolError } from "./cli";
import { deployedClass, type DeployedClass } from "./deployed";
import { Hub, USER_ANNOTATION, type UserModel } from "./hubApi";
import { execute } from "./kernel";
import { runSteps, type Step, stepLine } from "./steps";

/** The one user the classhub-check service may create and use (hub/jupyterhub_config.py CHECK_USER). */
export const CHECK_USER = "classhub-check-user";
/** The hub Secret's key with the service's token (components/hub/manifests.ts SECRET_ENV). */
export const TOKEN_KEY = "check-token";
const CODE = "print(6*7)";
const EXPECTED = "42";

/** Where the user's default server is: none, starting, ready, or stopping. */
export function serverState(user: UserModel | null): "none" | "starting" | "ready" | "stopping" {
  const server = user?.servers?.[""];
  if (server === undefined) return "none";
  if (server.pending === "stop") return "stopping";
  if (server.ready) return "ready";
  return server.pending === null ? "none" : "starting";
}

/** The Kubernetes objects (pods, claims) KubeSpawner made for hub user `user`. */
export const ownedBy = (items: any[], user: string): any[] =>
  items.filter((o) => o.metadata?.annotations?.[USER_ANNOTATION] === user);

/** A Kubernetes message, short enough for one line. */
const short = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text);

/**
 * Why a student pod is not running, from the pod and its events: its containers' waiting reasons (ErrImagePull,
 * CrashLoopBackOff) or failed exits, or its unschedulable condition; else the last warnings. Empty when nothing
 * says.
 */
export function podProblem(pod: any | undefined, events: any[]): string {
  const reasons: string[] = [];
  for (const s of [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])]) {
    const waiting = s.state?.waiting;
    if (
      waiting?.reason !== undefined &&
      waiting.reason !== "ContainerCreating" &&
      waiting.reason !== "PodInitializing"
    ) {
      reasons.push(`container ${s.name}: ${waiting.reason}${waiting.message ? ` (${short(waiting.message)})` : ""}`);
    }
    const terminated = s.state?.terminated ?? s.lastState?.terminated;
    if (terminated !== undefined && terminated.exitCode !== 0) {
      reasons.push(`container ${s.name}: exited ${terminated.exitCode} (${terminated.reason ?? "no reason"})`);
    }
  }
  const unscheduled = (pod?.status?.conditions ?? []).find(
    (c: any) => c.type === "PodScheduled" && c.status === "False",
  );
  if (unscheduled !== undefined) reasons.push(`not scheduled: ${short(unscheduled.message ?? unscheduled.reason)}`);
  if (reasons.length > 0) return reasons.join("; ");
  const warnings = events
    .filter((e) => e.type === "Warning")
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
    .map((e) => `${e.reason}: ${short(e.message)}`);
  return [...new Set(warnings)].slice(-2).join("; ");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` every second until `done` holds of its value; after `seconds`, an error names `what`. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, seconds: number, what: string): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(1000);
  }
}

export interface CheckOptions {
  dir: string;
  /** Seconds to wait for the server to start. */
  timeout: number;
}

/** The check's steps and cleanup against a deployed class; `print` gets each line. */
export async function check(cls: DeployedClass, opts: CheckOptions, print: (line: string) => void): Promise<boolean> {
  const { kubectl, namespace: ns } = cls;
  let hub: Hub | undefined;
  let kernel: string | undefined;
  let podName: string | undefined;
  /** The check's user, or null when the hub has none. */
  const found = async (): Promise<UserModel | null> => {
    const u = await hub!.api("GET", `/users/${CHECK_USER}`, [200, 404]);
    return u?.name === CHECK_USER ? (u as UserModel) : null;
  };
  const pods = async () => ownedBy(await kubectl.items("pods", "-n", ns), CHECK_USER);

  /** Why the server did not start: the pod's state and events, for the failure line. */
  const whyNotStarted = async () => {
    const pod = (await pods().catch(() => []))[0];
    podName = pod?.metadata?.name ?? podName;
    const events =
      podName === undefined
        ? []
        : await kubectl.items("events", "-n", ns, "--field-selector", `involvedObject.name=${podName}`).catch(() => []);
    return podProblem(pod, events) || "the hub's log says more: kubectl logs deploy/hub";
  };

  const stopServer = async () => {
    const u = hub === undefined ? null : await found();
    if (u === null) return "no user";
    if (serverState(u) === "none") return "no server";
    await hub!.api("DELETE", `/users/${CHECK_USER}/server`, [202, 204]);
    await until(found, (u) => serverState(u) === "none", 120, "the server to stop");
    return "stopped";
  };

  const steps: Step[] = [
    {
      name: "read the service token",
      run: async () => {
        const token = await kubectl.secretKey(ns, "hub", TOKEN_KEY);
        if (token === undefined) {
          throw new Error(`Secret hub in ${ns} has no ${TOKEN_KEY}: run pulumi up with this version of classhub`);
        }
        hub = new Hub(cls.hubUrl, token);
        return `Secret hub, key ${TOKEN_KEY}`;
      },
    },
    {
      name: "reach the hub",
      run: async () => {
        const info = await hub!.api("GET", "/");
        const me = await hub!.api("GET", "/user", [200, 403]);
        if (me?.name !== "classhub-check") throw new Error(`the hub does not know the token (${me?.message ?? ""})`);
        return `JupyterHub ${info.version} at ${cls.hubUrl}`;
      },
    },
    {
      name: `create user ${CHECK_USER}`,
      run: async () => {
        // A user left by an interrupted check goes first.
        const left = (await found()) !== null;
        if (left) {
          await stopServer();
          await hub!.api("DELETE", `/users/${CHECK_USER}`, [204]);
        }
        await hub!.api("POST", `/users/${CHECK_USER}`, [201]);
        return left ? "created (after removing one left by an interrupted check)" : "created";
      },
    },
    {
      name: "start its server",
      run: async () => {
        await hub!.api("POST", `/users/${CHECK_USER}/server`, [201, 202]);
        return "requested";
      },
    },
    {
      name: "wait for the server",
      run: async () => {
        const deadline = Date.now() + opts.timeout * 1000;
        for (;;) {
          const state = serverState(await found());
          if (state === "ready") return "ready";
          // its name, for its events once the hub has deleted it
          podName ??= (await pods().catch(() => []))[0]?.metadata?.name;
          if (state === "none") throw new Error(`the hub gave up starting it: ${await whyNotStarted()}`);
          if (Date.now() >= deadline) {
            throw new Error(`not ready after ${opts.timeout} s: ${await whyNotStarted()}`);
          }
          await sleep(1000);
        }
      },
    },
    {
      name: "start a kernel",
      run: async () => {
        const k = await hub!.request("POST", `/user/${CHECK_USER}/api/kernels`, [201], {});
        kernel = k.id as string;
        return `${k.name} ${kernel}`;
      },
    },
    {
      name: `run ${CODE}`,
      run: async () => {
        const e = await execute(hub!, `/user/${CHECK_USER}/`, kernel!, CODE, 60_000);
        if (e.error !== undefined) throw new Error(`the kernel raised ${e.error}`);
        if (e.stdout.trim() !== EXPECTED) throw new Error(`printed ${JSON.stringify(e.stdout)}, not ${EXPECTED}`);
        return `printed ${EXPECTED}`;
      },
    },
  ];
  const cleanup: Step[] = [
    // the kernel goes with the server
    { name: "stop the server", run: stopServer },
    {
      name: `delete user ${CHECK_USER}`,
      run: async () => {
        if (hub === undefined || (await found()) === null) return "no user";
        await hub.api("DELETE", `/users/${CHECK_USER}`, [204]);
        return "deleted";
      },
    },
    {
      // KubeSpawner keeps claims when a user is deleted (delete_pvc = False): the check's goes explicitly.
      name: "delete its home claim",
      run: async () => {
        const claims = ownedBy(await kubectl.items("pvc", "-n", ns), CHECK_USER).map((c) => c.metadata.name as string);
        if (claims.length === 0) return "none";
        await kubectl.run("delete", "pvc", "-n", ns, ...claims, "--timeout=120s");
        return claims.join(", ");
      },
    },
  ];
  print(`Checking ${cls.stack} (namespace ${ns}) at ${cls.hubUrl}`);
  const outcome = await runSteps(steps, cleanup, (r) => print(stepLine(r)));
  if (outcome.failed !== undefined) {
    print(`FAILED at "${outcome.failed.name}": ${outcome.failed.detail}`);
    return false;
  }
  print("Healthy: a server started and ran code, and nothing of the check is left.");
  return true;
}

const seconds = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 10) throw new InvalidArgumentError("expected whole seconds, at least 10");
  return Number(value);
};

export function program(): Command {
  return new Command("check")
    .exitOverride()
    .description(
      "Check that a deployed class works, end to end: as the hub's classhub-check service, create a user, start " +
        `its server, run ${CODE} in a kernel and read ${EXPECTED}, then stop the server and delete the user and its ` +
        "home claim (also after a failure). Prints each step with its time; exits 1 naming the step that failed. " +
        "Finds the stack's hub URL, namespace and cluster through Pulumi (the backend and passphrase of this " +
        "environment, as for pulumi up) and reads the service's token from the hub Secret with kubectl.",
    )
    .argument("<stack>", "the class stack, e.g. data8-fa26")
    .addOption(new Option("--dir <dir>", "the Pulumi project").default(process.cwd(), "this project"))
    .addOption(
      new Option("--timeout <seconds>", "how long the server may take to start").argParser(seconds).default(300),
    )
    .showHelpAfterError()
    .action(async (stack: string, opts: CheckOptions) => {
      const cls = await deployedClass(stack, opts.dir);
      const healthy = await check(cls, opts, (line) => process.stdout.write(`${line}\n`));
      if (!healthy) throw new ToolError(`npm run check -- ${stack}: unhealthy`);
    });
}

if (require.main === module)
  runMain(() =>
    program()
      .parseAsync(process.argv)
      .then(() => undefined),
  );
