// What operators add to a class, on the local node (tools/node) with the real hub, proxy and KubeSpawner:
// files in a student's server (there, read-only), the branded login page through the proxy, and egress to a
// service in another namespace that the stack allows, not to one it does not (kube-router enforces it).
// Run: node --import tsx --test --test-reporter=spec test/live/operator.live.ts
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LiveEnv } from "../../tools/harness/liveenv";
import { waitFor } from "../support/wait";
import { Browser } from "./browser";
import { type ClassStack, Live } from "./support";

let env: LiveEnv;
let live: Live;
const run = Date.now().toString(36).slice(-5);
const CLASS = `opsfiles${run}`;
const NODE_PORT = 30141;
/** Namespaces with one small web server each: the class may reach the first, not the second. */
const ALLOWED = `opsok${run}`;
const DENIED = `opsno${run}`;
const CULLING = '{"MappingKernelManager": {"cull_idle_timeout": 1200, "cull_interval": 120}}';
const MESSAGE = "Bring <your> questions & laptops.";
let stack: ClassStack | undefined;

/** A web server on port 8080 behind Service `echo`, from the hub image (it has Python). */
function echoServer(ns: string) {
  const labels = { app: "echo" };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "echo", namespace: ns, labels },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "echo",
            image: env.images.HUB_IMAGE,
            command: ["python3", "-m", "http.server", "8080"],
            ports: [{ containerPort: 8080 }],
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "echo", namespace: ns },
      spec: { selector: labels, ports: [{ port: 8080, targetPort: 8080 }] },
    },
  ];
}

function python(ns: string, pod: string, code: string): Promise<string> {
  return live.kubectl("exec", "-n", ns, pod, "--", "python3", "-c", code);
}

async function connects(ns: string, pod: string, host: string, port: number): Promise<boolean> {
  const out = await python(
    ns,
    pod,
    `import socket\ntry:\n  socket.create_connection((${JSON.stringify(host)}, ${port}), 3).close(); print("open")\n` +
      `except OSError as e:\n  print("closed", e)`,
  );
  return out.startsWith("open");
}

before(async () => {
  env = new LiveEnv({ node: true });
  env.start();
  live = new Live(env);
  const existing = ((await live.json("get", "namespaces")).items as any[]).map((n) => n.metadata.name as string);
  await live.removeNamespaces(
    existing.filter((ns) => /^(opsfiles[0-9a-z]{5}-dev|opsok[0-9a-z]{5}|opsno[0-9a-z]{5})$/.test(ns)),
  );
});

after(async () => {
  if (stack !== undefined) await stack.destroy();
  await live.removeNamespaces([`${CLASS}-dev`, ALLOWED, DENIED]);
  env?.stop();
});

describe("operator settings on the local node", () => {
  it("files, branding and egress reach a student's server and the login page", async (t) => {
    fs.mkdirSync(path.join(env.project, "files", "opsfiles"), { recursive: true });
    fs.writeFileSync(path.join(env.project, "files", "opsfiles", "gitconfig"), "[init]\n\tdefaultBranch = main\n");
    for (const ns of [ALLOWED, DENIED])
      await live.kubectl("apply", "-f", live.file({ kind: "List", apiVersion: "v1", items: echoServer(ns) }));

    stack = await live.classStack(CLASS, NODE_PORT, (c) => {
      c.files = [
        { path: "/etc/jupyter/jupyter_server_config.json", content: CULLING },
        { path: "/etc/gitconfig", source: "files/opsfiles/gitconfig" },
      ];
      c.branding = { title: "Operators 101", message: MESSAGE, logo: "files/data8-fa26/logo.svg" };
      c.egress = { services: [{ namespace: ALLOWED, podSelector: { app: "echo" }, ports: [8080] }] };
    });
    await stack.deploy();
    const ns = stack.ns;
    const base = `http://127.0.0.1:${NODE_PORT}`;

    await t.test("the login page through the proxy shows the course name and the escaped message", async () => {
      const page = await new Browser(live, base, `ops-anon-${run}`).get("/hub/login");
      assert.equal(page.status, 200);
      assert.match(page.body, /<h1 id="classhub-title">Operators 101<\/h1>/);
      assert.ok(page.body.includes("Bring &lt;your&gt; questions &amp; laptops."), page.body.slice(0, 2000));
      const logo = await new Browser(live, base, `ops-logo-${run}`).get("/hub/logo");
      assert.equal(logo.status, 200);
      assert.equal(logo.body, fs.readFileSync(path.join(env.project, "files", "data8-fa26", "logo.svg"), "utf8"));
    });

    const student = new Browser(live, base, `ops-${run}`);
    const login = await student.logIn("student1");
    assert.equal(login.status, 200, login.body.slice(0, 500));
    const spawn = await student.api("POST", "/users/student1/server");
    assert.ok([201, 202, 400].includes(spawn.status), `spawn: ${spawn.status} ${spawn.body}`);
    await waitFor(
      async () => {
        const pods = (await live.json("get", "pods", "-n", ns)).items as any[];
        const pod = pods.find((p) => p.metadata.name === "jupyter-student1");
        return pod?.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
      },
      240_000,
      "student1's server ready",
      1000,
    );

    await t.test("the files are in the server, with their content, and read-only", async () => {
      const out = await python(
        ns,
        "jupyter-student1",
        [
          "import json, os, stat",
          "paths = ['/etc/jupyter/jupyter_server_config.json', '/etc/gitconfig']",
          "def writable(p):",
          "  try:",
          "    open(p, 'a').close(); return True",
          "  except OSError: return False",
          "print(json.dumps([[open(p).read(), oct(stat.S_IMODE(os.stat(p).st_mode)), writable(p)] for p in paths]))",
        ].join("\n"),
      );
      assert.deepEqual(JSON.parse(out), [
        [CULLING, "0o644", false],
        ["[init]\n\tdefaultBranch = main\n", "0o644", false],
      ]);
    });

    await t.test("the server reaches the allowed service in another namespace, and not another one", async () => {
      assert.equal(await connects(ns, "jupyter-student1", `echo.${ALLOWED}.svc.cluster.local`, 8080), true);
      assert.equal(await connects(ns, "jupyter-student1", `echo.${DENIED}.svc.cluster.local`, 8080), false);
    });
  });
});
