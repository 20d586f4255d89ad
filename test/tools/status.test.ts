// npm run status's report, from plain hub users, claims and hub log lines (on the node: test/live/tools.live.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CHECK_USER } from "../../tools/classes/check";
import type { UserModel } from "../../tools/classes/hubApi";
import { duration, renderStatus } from "../../tools/classes/status";
import {
  activity,
  costSoFar,
  cullerRun,
  monthElapsed,
  servers,
  type Status,
  storage,
} from "../../tools/classes/statusModel";

const NOW = new Date("2026-12-16T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

const users: UserModel[] = [
  { name: "ana", admin: false, last_activity: minutesAgo(5), servers: {} },
  { name: "bo", admin: false, last_activity: minutesAgo(60 * 20), servers: {} },
  { name: "cy", admin: false, last_activity: minutesAgo(60 * 24 * 3), servers: {} },
  { name: "dee", admin: false, last_activity: minutesAgo(60 * 24 * 30), servers: {} },
  { name: "eve", admin: false, last_activity: null },
  {
    name: CHECK_USER,
    admin: false,
    last_activity: minutesAgo(1),
    servers: {
      "": {
        name: "",
        ready: false,
        pending: "spawn",
        url: "/user/x/",
        started: minutesAgo(0.5),
        last_activity: null,
      },
    },
  },
];
users[0].servers = {
  "": {
    name: "",
    ready: true,
    pending: null,
    url: "/user/ana/",
    started: minutesAgo(90),
    last_activity: minutesAgo(5),
  },
};

describe("status: activity and servers", () => {
  it("counts people active now, in the last day and week, and not the check's user", () => {
    assert.deepEqual(activity(users, NOW, CHECK_USER), {
      now: ["ana"],
      lastDay: ["ana", "bo"],
      lastWeek: ["ana", "bo", "cy"],
      known: 5,
      neverActive: 1,
    });
  });

  it("lists every server with its age, oldest first, the check's too", () => {
    assert.deepEqual(servers(users, NOW), [
      {
        user: "ana",
        server: "",
        ready: true,
        pending: null,
        started: minutesAgo(90),
        ageSeconds: 5400,
        lastActivity: minutesAgo(5),
      },
      {
        user: CHECK_USER,
        server: "",
        ready: false,
        pending: "spawn",
        started: minutesAgo(0.5),
        ageSeconds: 30,
        lastActivity: null,
      },
    ]);
  });
});

describe("status: storage", () => {
  const claim = (name: string, user: string | undefined, capacity?: string) => ({
    metadata: { name, annotations: user === undefined ? {} : { "hub.jupyter.org/username": user } },
    spec: { resources: { requests: { storage: "1Gi" } } },
    status: capacity === undefined ? { phase: "Pending" } : { phase: "Bound", capacity: { storage: capacity } },
  });

  it("lists students' claims with their capacity, not the hub's database, and says use is unknown", () => {
    const s = storage(
      [claim("claim-bo", "bo", "2Gi"), claim("hub-db", undefined, "1Gi"), claim("claim-ana", "ana")],
      undefined,
    );
    assert.deepEqual(s.homes, [
      { user: "ana", claim: "claim-ana", capacity: "1Gi", phase: "Pending" },
      { user: "bo", claim: "claim-bo", capacity: "2Gi", phase: "Bound" },
    ]);
    assert.match(s.note, /not how much of it is used/);
  });

  it("on shared storage, says per-student use is not measured", () => {
    const s = storage([], "nfs");
    assert.equal(s.kind, "shared");
    assert.match(s.note, /classhub:class\.storage\.shared: nfs.*Not measured/);
  });
});

describe("status: the culler", () => {
  const log = [
    "[I 2026-12-16 11:40:00.120 JupyterHub log:192] 200 GET /hub/api/users?state=ready (idle-culler@127.0.0.1) 9.1ms",
    "[I 2026-12-16 11:45:00.001 JupyterHub log:192] 302 GET /hub/ -> /hub/home (ana@10.0.0.7) 1.0ms",
    "[I 2026-12-16 11:50:00.500 JupyterHub log:192] 202 DELETE /hub/api/users/bo/server (idle-culler@127.0.0.1) 12ms",
    "[I 2026-12-16 11:50:00.900 JupyterHub log:192] 200 GET /hub/api/users?state=ready (idle-culler@127.0.0.1) 8.0ms",
  ].join("\n");

  it("finds the culler's last call and the servers it stopped in the hub's log", () => {
    assert.deepEqual(cullerRun(log, true, 10, "24 hours"), {
      enabled: true,
      lastCall: "2026-12-16T11:50:00.900Z",
      culled: 1,
      note: "The culler checks every 10 min; read from the hub's log of the last 24 hours.",
    });
  });

  it("says when the log has no call, and when culling is off", () => {
    assert.match(cullerRun("", true, 10, "24 hours").note, /no culler call in it/);
    assert.equal(cullerRun(log, false, 10, "24 hours").note, "Culling is off (classhub:class.culling.enabled).");
  });
});

describe("status: cost so far", () => {
  it("prorates the monthly estimate to the share of the month gone", () => {
    assert.equal(monthElapsed(new Date("2026-12-01T00:00:00Z")), 0);
    assert.equal(monthElapsed(new Date("2026-02-15T00:00:00Z")), 0.5);
    const c = costSoFar(310, NOW);
    assert.equal(c.usd!.toFixed(2), ((310 * (15.5 * 24)) / (31 * 24)).toFixed(2));
    assert.match(c.note, /× 50% of the month/);
  });

  it("has no figure on an ambient cluster", () => {
    assert.equal(costSoFar(null, NOW).usd, null);
  });
});

describe("status: the table", () => {
  it("shows each section, the check's server included", () => {
    const s: Status = {
      stack: "demo-dev",
      namespace: "demo-dev",
      hubUrl: "http://localhost:30080/",
      at: NOW.toISOString(),
      active: activity(users, NOW, CHECK_USER),
      servers: servers(users, NOW),
      storage: storage([], "nfs"),
      culler: cullerRun("", false, 10, "24 hours"),
      cost: costSoFar(null, NOW),
    };
    const text = renderStatus(s);
    assert.match(text, /^classhub status: demo-dev \(namespace demo-dev\) at http:\/\/localhost:30080\//);
    assert.match(text, /Activity \(5 users known to the hub, 1 never active\)/);
    assert.match(text, /│ last week +│ 3 +│ ana, bo, cy +│/);
    assert.match(text, /│ ana +│ \(default\) │ ready +│ 1\.5 h │ 5 min ago +│/);
    assert.match(text, new RegExp(`│ ${CHECK_USER} │ \\(default\\) │ spawn pending │ 30 s +│ never +│`));
    assert.match(text, /Culler: Culling is off/);
    assert.match(text, /Cost so far this month: A class on an ambient cluster/);
  });

  it("says durations as people do", () => {
    assert.deepEqual([45, 720, 12_600, 172_800].map(duration), ["45 s", "12 min", "3.5 h", "2.0 d"]);
  });
});
