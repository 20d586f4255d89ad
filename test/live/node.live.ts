// The real hub, the real configurable-http-proxy and the real KubeSpawner, running on the local node (tools/node):
// a person logs in through the proxy, a student's server starts, homes persist, policies hold.
// Run with `make test-live`, which starts the node (built once, then cached).
// Each top-level test deploys class stacks of its own, in namespaces named after this run, and removes them,
// homes included, when it ends.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { LiveEnv } from "../../tools/harness/liveenv";
import { waitFor } from "../support/wait";
import { Browser } from "./browser";
import { type ClassStack, Live } from "./support";

let env: LiveEnv;
let live: Live;
/** Classes of this run get a suffix of their own: nothing of an earlier run's namespaces or homes is reused. */
const run = Date.now().toString(36).slice(-5);
/** What the tests deployed and have not removed yet: each test removes its own when it ends, to free the CPU. */
const stacks = new Set<ClassStack>();
const namespaces = new Set<string>();

/** The node's own address, where the API server and the kubelet listen (tools/controlplane/common.sh). */
const NODE_ADDRESS = "10.244.0.1";

/** Classes this file deploys: <name><run>-dev. */
const CLASSES = ["one", "cull", "east", "west", "tls", "contain"];
const ours = (ns: string) => new RegExp(`^(${CLASSES.join("|")})[0-9a-z]{5}-dev$`).test(ns);

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
  // An interrupted earlier run may have left classes behind: they would hold the node's CPU.
  const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
  await live.removeNamespaces(existing.filter(ours));
});

after(async () => {
  for (const stack of stacks) await retire(stack);
  await live.removeNamespaces([...namespaces]);
  env?.stop();
});

async function retire(stack: ClassStack): Promise<void> {
  await stack.destroy();
  await live.removeNamespaces([stack.ns]);
  stacks.delete(stack);
}

/**
 * A dev class of this run, deployed on the node with readiness waits, reached at 127.0.0.1:<nodePort>, and
 * removed, homes included, when test `t` ends.
 */
async function deployClass(
  t: TestContext,
  name: string,
  nodePort: number,
  change: (cls: any) => void = () => undefined,
): Promise<{ stack: ClassStack; base: string }> {
  const stack = await live.classStack(`${name}${run}`, nodePort, change);
  stacks.add(stack);
  t.after(() => retire(stack));
  await stack.deploy();
  return { stack, base: `http://127.0.0.1:${nodePort}` };
}

/**
 * Logs a roster student in and starts their server, then opens it as a browser does: the first page of the
 * server sends the browser through the hub's OAuth, which gives it the server's cookie. Resolves when the proxy
 * routes /user/<name>/ to the running server.
 */
async function startServer(browser: Browser, user: string): Promise<void> {
  const login = await browser.logIn(user);
  assert.equal(login.status, 200, login.body.slice(0, 500));
  // Logging in may start the server already (the hub's default page); then this is a 400 "already pending".
  const spawn = await browser.api("POST", `/users/${user}/server`);
  assert.ok([201, 202, 400].includes(spawn.status), `spawn: ${spawn.status} ${spawn.body}`);
  await openServer(browser, user);
}

/** Opens /user/<name>/lab until the server itself answers it, and not the hub's spawn-pending page. */
async function openServer(browser: Browser, user: string, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    async () => {
      const page = await browser.get(`/user/${user}/lab`);
      return page.status === 200 && new URL(page.url).pathname === `/user/${user}/lab`;
    },
    timeoutMs,
    `${user}'s server behind the proxy`,
    1000,
  );
}

async function stopServer(browser: Browser, user: string, ns: string): Promise<void> {
  const r = await browser.api("DELETE", `/users/${user}/server`);
  assert.ok([202, 204].includes(r.status), `stop: ${r.status} ${r.body}`);
  await waitFor(async () => !(await live.names("pods", ns)).includes(`jupyter-${user}`), 120_000, `${user}'s pod gone`);
}

/** Runs Python in a pod: the student image has it, and so has the hub's. */
function python(ns: string, pod: string, code: string): Promise<string> {
  return live.kubectl("exec", "-n", ns, pod, "--", "python3", "-c", code);
}

/** Whether a TCP connection from a pod to host:port opens within two seconds. */
async function connects(ns: string, pod: string, host: string, port: number): Promise<boolean> {
  const out = await python(
    ns,
    pod,
    `import socket\ntry:\n  socket.create_connection((${JSON.stringify(host)}, ${port}), 2).close(); print("open")\n` +
      `except OSError as e:\n  print("closed", e)`,
  );
  return out.startsWith("open");
}

async function podOf(ns: string, component: string): Promise<any> {
  const pods = (await live.json("get", "pods", "-n", ns, "-l", `app.kubernetes.io/component=${component}`))
    .items as any[];
  return pods.find((p) => p.metadata.deletionTimestamp === undefined);
}

async function waitReady(ns: string, component: string, otherThan?: string): Promise<any> {
  return waitFor(
    async () => {
      const pod = await podOf(ns, component);
      const ready = pod?.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
      return ready && pod.metadata.name !== otherThan ? pod : undefined;
    },
    180_000,
    `a ready ${component} pod in ${ns}`,
    500,
  );
}

/** The first line of the file, through the student's own server: proof it is in the home the server mounts. */
async function readHomeFile(ns: string, user: string, file: string): Promise<string> {
  return (await live.kubectl("exec", "-n", ns, `jupyter-${user}`, "--", "cat", `/home/jovyan/${file}`)).trim();
}

// Two at a time, each removing its classes when it ends: a class's hub and proxy request 0.3 CPU of the node's two,
// its students 0.1 each, and a restarted hub must still fit.

/** /proc/<pid>/status of a container's process, found on this machine (the node) by the container id in its cgroup. */
function hostStatus(containerId: string): string {
  const id = containerId.replace(/^containerd:\/\//, "");
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    // a process may end between the listing and the read
    const cgroup = fs.existsSync(`/proc/${pid}/cgroup`) ? fs.readFileSync(`/proc/${pid}/cgroup`, "utf8") : "";
    if (cgroup.includes(id)) return fs.readFileSync(`/proc/${pid}/status`, "utf8");
  }
  throw new Error(`no process of container ${id} on this machine`);
}

describe("classes on the local node: the real hub, proxy and KubeSpawner", { concurrency: 2 }, () => {
  it("a roster student logs in, gets a server, and keeps their files", async (t) => {
    const { stack, base } = await deployClass(t, "one", 30101);
    const student = new Browser(live, base, `one-${run}`);

    await t.test("logging in as student1 and starting a server reaches /user/student1/api/status", async () => {
      await startServer(student, "student1");
      const status = await student.get("/user/student1/api/status");
      assert.equal(status.status, 200);
      assert.ok("started" in JSON.parse(status.body), status.body);
      const pod = await live.json("get", "pod", "jupyter-student1", "-n", stack.ns);
      assert.equal(pod.spec.containers[0].image, env.images.STUDENT_IMAGE);
      assert.equal(pod.status.phase, "Running");
    });

    await t.test("every pod passes Pod Security restricted and runs under seccomp RuntimeDefault", async () => {
      const pods = (await live.json("get", "pods", "-n", stack.ns)).items as any[];
      // the hub, the proxy, the image pre-puller's pod on the node, and student1's server
      assert.deepEqual(pods.map((p) => p.metadata.labels["app.kubernetes.io/component"]).sort(), [
        "hub",
        "image-puller",
        "proxy",
        "singleuser-server",
      ]);
      // The API server's own verdict on the pods that run: a dry run of enforcing restricted warns of violations.
      const dryRun = await live.run("kubectl", [
        "label",
        "--dry-run=server",
        "--overwrite",
        "namespace",
        stack.ns,
        "pod-security.kubernetes.io/enforce=restricted",
      ]);
      assert.equal(dryRun.status, 0, dryRun.stderr);
      assert.doesNotMatch(dryRun.stderr, /violate|Warning/);
      for (const pod of pods) {
        const profile = pod.spec.securityContext?.seccompProfile?.type;
        assert.equal(profile, "RuntimeDefault", `${pod.metadata.name} asks for RuntimeDefault`);
        // The kernel's word that a filter is on: mode 2 in /proc/self/status of each container.
        for (const c of pod.spec.containers) {
          // a pause container has no cat: its process is read on this machine, the node
          const status =
            c.image === env.images.PAUSE_IMAGE
              ? hostStatus(pod.status.containerStatuses.find((s: any) => s.name === c.name).containerID)
              : await live.kubectl(
                  "exec",
                  "-n",
                  stack.ns,
                  pod.metadata.name,
                  "-c",
                  c.name,
                  "--",
                  "cat",
                  "/proc/1/status",
                );
          assert.match(status, /^Seccomp:\s+2$/m, `${pod.metadata.name}/${c.name}`);
          assert.doesNotMatch(status, /^Uid:\s+0\s/m, `${pod.metadata.name}/${c.name} does not run as root`);
        }
      }
    });

    await t.test("a name that is not on the roster is refused", async () => {
      const stranger = new Browser(live, base, `one-stranger-${run}`);
      const r = await stranger.logIn("mallory");
      assert.equal(r.status, 403, r.body.slice(0, 500));
      assert.match(r.url, /\/hub\/login/);
      const users = await student.api("GET", "/users/mallory");
      assert.notEqual(users.status, 200);
    });

    await t.test("a file in the home survives stopping and starting the server", async () => {
      await live.kubectl(
        "exec",
        "-n",
        stack.ns,
        "jupyter-student1",
        "--",
        "sh",
        "-c",
        "echo kept > /home/jovyan/proof.txt",
      );
      await stopServer(student, "student1", stack.ns);
      await startServer(student, "student1");
      assert.equal(await readHomeFile(stack.ns, "student1", "proof.txt"), "kept");
    });

    await t.test("deleting the hub pod leaves the server running, and reachable once the hub is back", async () => {
      const server = await live.uid("pod", "jupyter-student1", stack.ns);
      const hub = await podOf(stack.ns, "hub");
      await live.kubectl("delete", "pod", "-n", stack.ns, hub.metadata.name, "--wait=false");
      await waitReady(stack.ns, "hub", hub.metadata.name);
      assert.equal(await live.uid("pod", "jupyter-student1", stack.ns), server, "the same server pod");
      await openServer(student, "student1", 60_000);
    });

    // The hub checks the proxy's routes every 30 s (docs/platform.md); the margin is for the check itself and polling.
    await t.test("deleting the proxy pod: the student's route is back about 30 s after the new proxy", async () => {
      const proxy = await podOf(stack.ns, "proxy");
      await live.kubectl("delete", "pod", "-n", stack.ns, proxy.metadata.name, "--wait=false");
      await waitReady(stack.ns, "proxy", proxy.metadata.name);
      const ready = Date.now();
      await openServer(student, "student1", 40_000);
      t.diagnostic(`route back ${Math.round((Date.now() - ready) / 1000)} s after the new proxy was ready`);
    });

    await t.test("the home survives pulumi destroy and pulumi up", async () => {
      await stopServer(student, "student1", stack.ns);
      const destroyed = await stack.destroy();
      assert.equal(destroyed.status, 0, destroyed.stdout + destroyed.stderr);
      assert.deepEqual(await live.names("deployments", stack.ns), []);
      await stack.deploy();
      const again = new Browser(live, base, `one-again-${run}`);
      await startServer(again, "student1");
      assert.equal(await readHomeFile(stack.ns, "student1", "proof.txt"), "kept");
    });
  });

  it("the idle culler stops an idle server; the claim and the file stay", async (t) => {
    const { stack, base } = await deployClass(t, "cull", 30102, (c) => {
      // The shortest timeout a class may set, checked every minute.
      c.culling = { timeoutMinutes: 5, everyMinutes: 1 };
    });
    const student = new Browser(live, base, `cull-${run}`);
    await startServer(student, "student2");
    await live.kubectl(
      "exec",
      "-n",
      stack.ns,
      "jupyter-student2",
      "--",
      "sh",
      "-c",
      "echo idle > /home/jovyan/idle.txt",
    );
    // Idle for five minutes, then the culler's next pass stops it.
    await waitFor(
      async () => !(await live.names("pods", stack.ns)).includes("jupyter-student2"),
      480_000,
      "the culler to stop student2's server",
      2000,
    );
    const claim = await live.json("get", "pvc", "claim-student2", "-n", stack.ns);
    assert.equal(claim.status.phase, "Bound");
    const pv = await live.json("get", "pv", claim.spec.volumeName);
    const folder = pv.spec.hostPath?.path ?? pv.spec.local?.path;
    assert.equal(fs.readFileSync(path.join(folder, "idle.txt"), "utf8"), "idle\n");
  });

  it("two classes side by side: students reach their own hub and DNS, nothing of the other class or the machine", async (t) => {
    const [a, b] = await Promise.all([deployClass(t, "east", 30103), deployClass(t, "west", 30104)]);
    await Promise.all([
      startServer(new Browser(live, a.base, `east-${run}`), "student1"),
      startServer(new Browser(live, b.base, `west-${run}`), "student1"),
    ]);
    const pod = "jupyter-student1";
    const other = await live.json("get", "pod", pod, "-n", b.stack.ns);

    await t.test("the own hub answers, by its cluster DNS name", async () => {
      const out = await python(
        a.stack.ns,
        pod,
        `import urllib.request\nprint(urllib.request.urlopen("http://hub.${a.stack.ns}.svc.cluster.local:8081/hub/api/").status)`,
      );
      assert.equal(out.trim(), "200");
    });

    await t.test("the other class's hub and student server are unreachable", async () => {
      assert.equal(await connects(a.stack.ns, pod, `hub.${b.stack.ns}.svc.cluster.local`, 8081), false);
      assert.equal(await connects(a.stack.ns, pod, other.status.podIP, 8888), false);
      // The same address is open to its own hub: it is the policy that closes it, not a dead server.
      const hub = await podOf(b.stack.ns, "hub");
      assert.equal(await connects(b.stack.ns, hub.metadata.name, other.status.podIP, 8888), true);
    });

    await t.test(
      "the machine's own addresses are closed to students: API server, kubelet, uplink address",
      async () => {
        const uplink = execFileSync("ip", ["-4", "-o", "addr", "show", "scope", "global"], { encoding: "utf8" })
          .split("\n")
          .map((line) => line.split(/\s+/)[3]?.split("/")[0])
          .find((addr) => addr && !addr.startsWith("10.244."));
        const apiPort = Number(
          new URL((await live.json("config", "view", "--minify")).clusters[0].cluster.server).port,
        );
        for (const [host, port] of [
          [NODE_ADDRESS, apiPort],
          [NODE_ADDRESS, 10250],
          ...(uplink ? [[uplink, 10250] as const] : []),
        ] as const) {
          assert.equal(await connects(a.stack.ns, pod, host, port), false, `${host}:${port}`);
        }
      },
    );

    await t.test("names outside the cluster fail at once: the cluster DNS has no upstream", async () => {
      const out = await python(
        a.stack.ns,
        pod,
        `import socket, time\nt = time.time()\ntry:\n  socket.getaddrinfo("example.org", 443); print("resolved")\n` +
          `except socket.gaierror as e:\n  print("failed", round(time.time() - t, 2))`,
      );
      const [verdict, seconds] = out.trim().split(" ");
      assert.equal(verdict, "failed");
      assert.ok(Number(seconds) < 1, `failed after ${seconds} s`);
    });
  });

  it("containment: a pod's packet to an address beyond this node is dropped on the machine, not sent out", async (t) => {
    // A namespace without policies, so that nothing but the node's own rules stands in the way.
    const ns = `contain${run}-dev`;
    await live.kubectl("create", "namespace", ns);
    namespaces.add(ns);
    t.after(async () => {
      await live.removeNamespaces([ns]);
      namespaces.delete(ns);
    });
    await live.kubectl(
      "run",
      "probe",
      "-n",
      ns,
      `--image=${env.images.HELPER_IMAGE}`,
      "--image-pull-policy=Never",
      "--restart=Never",
      "--command",
      "--",
      "sleep",
      "600",
    );
    await live.kubectl("wait", "-n", ns, "--for=condition=Ready", "pod/probe", "--timeout=120s");
    const dropped = () => {
      const rules = JSON.parse(
        execFileSync("nft", ["-j", "list", "table", "inet", "classhub-node"], { encoding: "utf8" }),
      );
      return (rules.nftables as any[])
        .filter((item) => item.rule)
        .reduce((sum, item) => sum + (item.rule.expr.find((e: any) => e.counter)?.counter.packets ?? 0), 0);
    };
    const before = dropped();
    // An address of the cluster's pod range that no node here has: the default route would take it out.
    const r = await live.run("kubectl", ["exec", "-n", ns, "probe", "--", "nc", "-w", "2", "10.244.200.200", "80"]);
    assert.notEqual(r.status, 0, "no connection");
    assert.ok(dropped() > before, "the node's containment rules dropped the packet");
    // Pods resolve through the cluster DNS alone.
    const resolv = await live.kubectl("exec", "-n", ns, "probe", "--", "cat", "/etc/resolv.conf");
    assert.deepEqual(
      resolv.split("\n").filter((line) => line.startsWith("nameserver")),
      [`nameserver ${NODE_ADDRESS}`],
    );
  });

  it("HTTPS with tls.secretName: the proxy serves the Secret's certificate, and the replaced one after it", async (t) => {
    const hostname = "tls.classhub.test";
    const name = `tls${run}`;
    const ns = `${name}-dev`;
    const certificate = (serial: string) => {
      const dir = fs.mkdtempSync(path.join(env.dir, "cert-"));
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-subj",
          `/CN=${hostname}`,
          "-addext",
          `subjectAltName=DNS:${hostname}`,
          "-set_serial",
          serial,
          "-keyout",
          path.join(dir, "tls.key"),
          "-out",
          path.join(dir, "tls.crt"),
        ],
        { stdio: "ignore" },
      );
      return dir;
    };
    const putSecret = async (dir: string) => {
      const yaml = await live.kubectl(
        "create",
        "secret",
        "tls",
        "class-tls",
        "-n",
        ns,
        `--cert=${dir}/tls.crt`,
        `--key=${dir}/tls.key`,
        "--dry-run=client",
        "-o",
        "json",
      );
      await live.kubectl("apply", "-f", live.file(JSON.parse(yaml)));
    };
    // The Secret lives in the class namespace, which the stack adopts.
    await live.kubectl("create", "namespace", ns);
    const first = certificate("1001");
    await putSecret(first);
    const { stack } = await deployClass(t, "tls", 30105, (c) => {
      c.hostname = hostname;
      c.tls = { secretName: "class-tls" };
    });
    const service = await live.json("get", "svc", "proxy-public", "-n", stack.ns);
    const httpsPort = service.spec.ports.find((p: any) => p.name === "https").nodePort;
    const served = async (caDir: string) => {
      const r = await live.run("curl", [
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{certs}",
        "--max-time",
        "5",
        "--cacert",
        `${caDir}/tls.crt`,
        "--resolve",
        `${hostname}:${httpsPort}:127.0.0.1`,
        `https://${hostname}:${httpsPort}/hub/login`,
      ]);
      return r.status === 0 && r.stdout.startsWith("200");
    };
    await waitFor(() => served(first), 60_000, "the first certificate on HTTPS", 1000);

    const second = certificate("2002");
    await putSecret(second);
    // The kubelet refreshes the mounted Secret, the proxy's liveness check sees the change, the proxy restarts.
    await waitFor(() => served(second), 300_000, "the replaced certificate on HTTPS", 2000);
    assert.equal(await served(first), false, "the old certificate is no longer served");
  });
});
