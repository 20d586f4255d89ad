// npm run check's parts: the step runner, reading a user's server and pod, the kernel's answer, and the whole
// check against a small fake hub whose spawn fails (the real hub and node: test/live/tools.live.ts).
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { check, CHECK_USER, ownedBy, podProblem, serverState } from "../../tools/classes/check";
import type { DeployedClass, Kubectl } from "../../tools/classes/deployed";
import { Hub, hubMessage, type ServerModel, type UserModel } from "../../tools/classes/hubApi";
import { executeRequest, type KernelMessage, next, started } from "../../tools/classes/kernel";
import { runSteps, stepLine, type StepResult } from "../../tools/classes/steps";

const server = (over: Partial<ServerModel>): ServerModel => ({
  name: "",
  ready: false,
  pending: null,
  url: "/user/x/",
  started: null,
  last_activity: null,
  ...over,
});
const user = (servers: Record<string, ServerModel>): UserModel => ({
  name: "x",
  admin: false,
  last_activity: null,
  servers,
});

describe("check: a user's server and pod", () => {
  it("reads the default server as none, starting, ready or stopping", () => {
    assert.equal(serverState(null), "none");
    assert.equal(serverState(user({})), "none");
    assert.equal(serverState(user({ "": server({ pending: "spawn" }) })), "starting");
    assert.equal(serverState(user({ "": server({ ready: true }) })), "ready");
    assert.equal(serverState(user({ "": server({ ready: true, pending: "stop" }) })), "stopping");
  });

  it("finds the objects KubeSpawner made for the check's user by its annotation, not by name", () => {
    const claim = (name: string, owner?: string) => ({
      metadata: { name, annotations: owner === undefined ? {} : { "hub.jupyter.org/username": owner } },
    });
    const items = [claim("claim-a", CHECK_USER), claim("claim-b", "student1"), claim("hub-db")];
    assert.deepEqual(
      ownedBy(items, CHECK_USER).map((c) => c.metadata.name),
      ["claim-a"],
    );
  });

  it("says why a pod does not run: its containers or scheduling, else the last warnings", () => {
    const pod = {
      status: {
        containerStatuses: [{ name: "notebook", state: { waiting: { reason: "ErrImagePull", message: "not found" } } }],
      },
    };
    const events = [
      { type: "Normal", reason: "Scheduled", message: "assigned", lastTimestamp: "2026-12-01T10:00:00Z" },
      { type: "Warning", reason: "Failed", message: "pull failed", lastTimestamp: "2026-12-01T10:00:02Z" },
    ];
    assert.equal(podProblem(pod, events), "container notebook: ErrImagePull (not found)");
    // a pod already gone: its events say what happened
    assert.equal(podProblem(undefined, events), "Failed: pull failed");
    assert.equal(podProblem(undefined, []), "");
    const long = {
      status: { containerStatuses: [{ name: "n", state: { waiting: { reason: "R", message: "x".repeat(500) } } }] },
    };
    assert.equal(podProblem(long, []), `container n: R (${"x".repeat(160)}…)`);
    const unscheduled = {
      status: { conditions: [{ type: "PodScheduled", status: "False", message: "0/1 nodes: Insufficient cpu" }] },
    };
    assert.equal(podProblem(unscheduled, []), "not scheduled: 0/1 nodes: Insufficient cpu");
  });
});

describe("check: steps", () => {
  const clock = () => {
    let t = 0;
    return () => (t += 1500);
  };

  it("stops at the first failure, then runs every cleanup step, each with its time", async () => {
    const ran: string[] = [];
    const printed: StepResult[] = [];
    const step = (name: string, fail = false) => ({
      name,
      run: async () => {
        ran.push(name);
        if (fail) throw new Error(`${name} broke`);
        return `${name} done`;
      },
    });
    const outcome = await runSteps(
      [step("a"), step("b", true), step("c")],
      [step("undo", true), step("tidy")],
      (r) => printed.push(r),
      clock(),
    );
    assert.deepEqual(ran, ["a", "b", "undo", "tidy"]);
    assert.equal(printed.length, 4);
    assert.equal(outcome.failed?.name, "b");
    assert.deepEqual(printed.map(stepLine), [
      "ok     1.5 s  a: a done",
      "FAIL   1.5 s  b: b broke",
      "FAIL   1.5 s  undo: undo broke",
      "ok     1.5 s  tidy: tidy done",
    ]);
  });

  it("a failing cleanup step alone fails the run", async () => {
    const outcome = await runSteps(
      [{ name: "a", run: async () => undefined }],
      [{ name: "undo", run: () => Promise.reject(new Error("stuck")) }],
      () => undefined,
      clock(),
    );
    assert.equal(outcome.failed?.name, "undo");
    assert.equal(outcome.failed?.cleanup, true);
  });
});

describe("check: the kernel's answer", () => {
  const msg = (parent: string, type: string, content: object, channel = "iopub"): KernelMessage => ({
    channel,
    header: { msg_id: "m", msg_type: type },
    parent_header: { msg_id: parent },
    content,
  });

  it("collects stdout of its own request until the reply and idle, ignoring other requests", () => {
    const messages = [
      msg("req", "status", { execution_state: "busy" }),
      msg("other", "stream", { name: "stdout", text: "noise\n" }),
      msg("req", "stream", { name: "stdout", text: "42\n" }),
      msg("req", "execute_reply", { status: "ok" }, "shell"),
      msg("req", "status", { execution_state: "idle" }),
    ];
    const states = messages.reduce((acc, m) => [...acc, next(acc.at(-1)!, m, "req")], [started()]);
    assert.deepEqual(
      states.map((e) => e.done),
      [false, false, false, false, false, true],
    );
    assert.equal(states.at(-1)!.stdout, "42\n");
    assert.equal(states.at(-1)!.error, undefined);
  });

  it("reports an error the code raised", () => {
    const e = [
      msg("req", "error", { ename: "NameError", evalue: "name 'x' is not defined" }),
      msg("req", "execute_reply", { status: "error" }, "shell"),
    ].reduce((acc, m) => next(acc, m, "req"), started());
    assert.equal(e.error, "NameError: name 'x' is not defined");
  });

  it("sends an execute_request on the shell channel", () => {
    const r = executeRequest("print(6*7)", "s", "id") as any;
    assert.equal(r.channel, "shell");
    assert.equal(r.header.msg_type, "execute_request");
    assert.equal(r.header.msg_id, "id");
    assert.equal(r.content.code, "print(6*7)");
    assert.equal(r.content.allow_stdin, false);
  });
});

describe("check: the hub API", () => {
  it("shows the hub's JSON message, or the start of an error page", () => {
    assert.equal(hubMessage('{"status": 403, "message": "Action is not authorized"}'), "Action is not authorized");
    assert.equal(hubMessage("<html><h1>502</h1> Bad <b>gateway</b></html>"), "502 Bad gateway");
  });

  it("names the request and the address when nothing answers", async () => {
    const hub = new Hub("http://127.0.0.1:9/", "t", 2000);
    await assert.rejects(hub.api("GET", "/"), /^HubError: GET \/hub\/api\/: no answer from http:\/\/127\.0\.0\.1:9\//);
  });
});

/** A hub whose spawns fail: it answers as JupyterHub 5 does, and records the calls. */
function failingHub(): Promise<{ url: string; calls: string[]; close: () => void }> {
  const calls: string[] = [];
  let exists = false;
  let polls = 0;
  const srv = http.createServer((req, res) => {
    const call = `${req.method} ${req.url}`;
    calls.push(call);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    const me = `/hub/api/users/${CHECK_USER}`;
    if (call === "GET /hub/api/") return send(200, { version: "5.5.0" });
    if (call === "GET /hub/api/user") return send(200, { kind: "service", name: "classhub-check" });
    if (call === `POST ${me}`) return ((exists = true), send(201, { name: CHECK_USER }));
    if (call === `POST ${me}/server`) return send(202);
    if (call === `GET ${me}`) {
      if (!exists) return send(404, { status: 404, message: "Not Found" });
      // starting for two polls, then the hub gives up and the server is gone
      const servers = ++polls <= 2 ? { "": server({ pending: "spawn" }) } : {};
      return send(200, { name: CHECK_USER, admin: false, last_activity: null, servers });
    }
    if (call === `DELETE ${me}`) return ((exists = false), send(204));
    send(404, { status: 404, message: "Not Found" });
  });
  return new Promise((resolve) =>
    srv.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`,
        calls,
        close: () => srv.close(),
      }),
    ),
  );
}

describe("check: against a hub whose spawn fails", () => {
  it("fails at the wait, says why from the pod, and still deletes the user and its claim", async () => {
    const hub = await failingHub();
    const deleted: string[][] = [];
    const pod = {
      metadata: { name: "jupyter-check", annotations: { "hub.jupyter.org/username": CHECK_USER } },
      status: { containerStatuses: [{ name: "notebook", state: { waiting: { reason: "ImagePullBackOff" } } }] },
    };
    const claim = { metadata: { name: "claim-check", annotations: { "hub.jupyter.org/username": CHECK_USER } } };
    const kubectl = {
      secretKey: async () => "token",
      items: async (kind: string) => (kind === "pods" ? [pod] : kind === "pvc" ? [claim] : []),
      run: async (...args: string[]) => (deleted.push(args), ""),
    } as unknown as Kubectl;
    const cls = { stack: "dev", hubUrl: hub.url, namespace: "demo-dev", kubectl } as DeployedClass;
    const lines: string[] = [];
    try {
      const healthy = await check(cls, { dir: ".", timeout: 30 }, (l) => lines.push(l));
      assert.equal(healthy, false);
    } finally {
      hub.close();
    }
    const steps = lines.filter((l) => /^(ok|FAIL) /.test(l)).map((l) => l.replace(/\s+[\d.]+ s {2}/, " "));
    assert.deepEqual(steps, [
      "ok read the service token: Secret hub, key check-token",
      `ok reach the hub: JupyterHub 5.5.0 at ${hub.url}`,
      `ok create user ${CHECK_USER}: created`,
      "ok start its server: requested",
      "FAIL wait for the server: the hub gave up starting it: container notebook: ImagePullBackOff",
      "ok stop the server: no server",
      `ok delete user ${CHECK_USER}: deleted`,
      "ok delete its home claim: claim-check",
    ]);
    assert.equal(
      lines.at(-1),
      'FAILED at "wait for the server": the hub gave up starting it: container notebook: ImagePullBackOff',
    );
    assert.deepEqual(deleted, [["delete", "pvc", "-n", "demo-dev", "claim-check", "--timeout=120s"]]);
    assert.ok(hub.calls.includes(`DELETE /hub/api/users/${CHECK_USER}`));
  });
});
