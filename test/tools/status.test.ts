// npm run status's report, from plain hub users, claims, server pods, kubelet stats summaries, du output and hub log
// lines; and the measuring Job's shell, run over folders here (on the node: test/live/tools.live.ts).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CHECK_USER } from "../../tools/classes/check";
import type { UserModel } from "../../tools/classes/hubApi";
import { DU_SCRIPT, measureJob } from "../../tools/classes/measureJob";
import { duration, renderStatus } from "../../tools/classes/status";
import {
  activity,
  claimsToMeasure,
  costSoFar,
  cullerRun,
  type DuFigure,
  duFigures,
  kubeletVolumes,
  monthElapsed,
  nodesOf,
  ownFilesystem,
  serverMounts,
  servers,
  size,
  statsProblem,
  type Status,
  type Storage,
  storage,
  type UseFacts,
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
  const NS = "demo-dev";
  const GI = 1024 ** 3;
  const claim = (name: string, user: string | undefined, capacity?: string) => ({
    metadata: { name, annotations: user === undefined ? {} : { "hub.jupyter.org/username": user } },
    spec: { resources: { requests: { storage: "1Gi" } } },
    status: capacity === undefined ? { phase: "Pending" } : { phase: "Bound", capacity: { storage: capacity } },
  });
  const pod = (name: string, node: string | undefined, claims: string[], phase = "Running") => ({
    metadata: { name },
    spec: {
      ...(node === undefined ? {} : { nodeName: node }),
      volumes: [
        { name: "scratch", emptyDir: {} },
        ...claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
      ],
    },
    status: { phase },
  });
  /** A kubelet stats summary (GET /api/v1/nodes/<node>/proxy/stats/summary), with what it says besides claims. */
  const summary = {
    node: { nodeName: "node-a" },
    pods: [
      {
        podRef: { name: "jupyter-ana", namespace: NS },
        volume: [
          { name: "scratch", usedBytes: 4096, capacityBytes: 100 * GI },
          {
            name: "home",
            usedBytes: 300 * 1024,
            capacityBytes: 0.98 * GI,
            pvcRef: { name: "claim-ana", namespace: NS },
          },
          { name: "data", usedBytes: 40 * GI, capacityBytes: 100 * GI, pvcRef: { name: "claim-cy", namespace: NS } },
        ],
      },
      {
        podRef: { name: "jupyter-ana", namespace: "other-dev" },
        volume: [
          { name: "home", usedBytes: 1, capacityBytes: GI, pvcRef: { name: "claim-ana", namespace: "other-dev" } },
        ],
      },
      { podRef: { name: "no-volumes", namespace: NS } },
    ],
  };
  const claims = [
    claim("claim-ana", "ana", "1Gi"),
    claim("claim-bo", "bo", "2Gi"),
    claim("claim-cy", "cy", "1Gi"),
    claim("claim-dee", "dee", "1Gi"),
    claim("claim-eve", "eve"),
    claim("hub-db", undefined, "1Gi"),
  ];
  const pods = [
    pod("jupyter-ana", "node-a", ["claim-ana"]),
    pod("jupyter-cy", "node-a", ["claim-cy"]),
    pod("jupyter-dee", "node-b", ["claim-dee"]),
    pod("jupyter-old", "node-c", ["claim-bo"], "Succeeded"),
    pod("jupyter-new", undefined, ["claim-eve"], "Pending"),
  ];

  it("reads the class's claims from kubelet's stats summary, not other namespaces' or other volumes", () => {
    assert.deepEqual(kubeletVolumes(summary, NS, "node-a"), [
      { claim: "claim-ana", node: "node-a", usedBytes: 300 * 1024, capacityBytes: 0.98 * GI },
      { claim: "claim-cy", node: "node-a", usedBytes: 40 * GI, capacityBytes: 100 * GI },
    ]);
    assert.deepEqual(kubeletVolumes({}, NS, "node-a"), []);
  });

  it("asks only the nodes that run servers, for the claims running pods mount", () => {
    const mounts = serverMounts(pods);
    assert.deepEqual(mounts, [
      { claim: "claim-ana", pod: "jupyter-ana", node: "node-a" },
      { claim: "claim-cy", pod: "jupyter-cy", node: "node-a" },
      { claim: "claim-dee", pod: "jupyter-dee", node: "node-b" },
    ]);
    assert.deepEqual(nodesOf(mounts), ["node-a", "node-b"]);
  });

  it("measures with du only bound homes that no running server holds", () => {
    assert.deepEqual(claimsToMeasure(claims, serverMounts(pods)), ["claim-bo"]);
  });

  it("says when the caller may not read kubelet's stats (403), and other failures as kubectl says them", () => {
    const forbidden =
      'kubectl get --raw /api/v1/nodes/node-b/proxy/stats/summary: Error from server (Forbidden): nodes "node-b" ' +
      'is forbidden: User "ta@example.edu" cannot get resource "nodes/proxy" in API group "" at the cluster scope';
    assert.match(statsProblem(forbidden), /^you may not get nodes\/proxy \(403 Forbidden\).*--measure/);
    assert.equal(
      statsProblem("kubectl get --raw x: connection refused\nmore"),
      "kubectl get --raw x: connection refused",
    );
  });

  it("reads du's figures from the Job's log, in bytes, and which are lower bounds", () => {
    const log = "used\tbo\t2048\tyes\nsomething else\nused\tcy\t12\tno\nused\tbad\t\tyes\n";
    assert.deepEqual(duFigures(log), [
      { home: "bo", bytes: 2048 * 1024, complete: true },
      { home: "cy", bytes: 12 * 1024, complete: false },
    ]);
  });

  const facts = (du?: DuFigure[]): UseFacts => ({
    mounts: serverMounts(pods),
    kubelet: kubeletVolumes(summary, NS, "node-a"),
    unread: [{ node: "node-b", why: "you may not get nodes/proxy (403 Forbidden)" }],
    du,
  });
  const used = (s: Storage) => Object.fromEntries(s.homes.map((h) => [h.user, h.used]));

  it("takes kubelet's figure for a home that is a disk of its own, and says why each other is not known", () => {
    const s = storage(claims, undefined, facts());
    assert.deepEqual(
      s.homes.map(({ user, claim, capacity, phase }) => [user, claim, capacity, phase]),
      [
        ["ana", "claim-ana", "1Gi", "Bound"],
        ["bo", "claim-bo", "2Gi", "Bound"],
        ["cy", "claim-cy", "1Gi", "Bound"],
        ["dee", "claim-dee", "1Gi", "Bound"],
        ["eve", "claim-eve", "1Gi", "Pending"],
      ],
    );
    assert.deepEqual(used(s), {
      ana: { bytes: 300 * 1024, from: "kubelet", note: null },
      bo: { bytes: null, from: null, note: "no server mounts it: --measure runs du" },
      cy: {
        bytes: null,
        from: null,
        note: "kubelet measures the filesystem beneath the claim (40 GiB of 100 GiB), not the home",
      },
      dee: { bytes: null, from: null, note: "jupyter-dee on node-b mounts it; that node's stats could not be read" },
      eve: { bytes: null, from: null, note: "no volume yet: the server never started" },
    });
    assert.equal(s.volume, null);
    assert.match(
      s.note,
      /--measure runs du in a Job on the homes no server mounts\. kubelet's stats of node node-b could not be read: you may not get nodes\/proxy/,
    );
  });

  it("takes du's figure for a home no server mounts, and says when it is a lower bound", () => {
    const s = storage(claims, undefined, facts([{ home: "bo", bytes: 5 * 1024 ** 2, complete: false }]));
    assert.deepEqual(used(s).bo, { bytes: 5 * 1024 ** 2, from: "du", note: "at least: du could not read everything" });
    assert.deepEqual(used(s).ana, { bytes: 300 * 1024, from: "kubelet", note: null });
    assert.match(s.note, /du in a Job, just now/);
  });

  it("says when kubelet has no figure for a mounted home's kind of volume (hostPath)", () => {
    const s = storage(claims, undefined, { mounts: serverMounts(pods), kubelet: [], unread: [] });
    assert.equal(used(s).ana.note, "jupyter-ana on node-a mounts it; kubelet has no figure for this kind of volume");
  });

  it("trusts kubelet only when its filesystem is no bigger than the claim", () => {
    const stat = (capacityBytes: number | null) => ({ claim: "c", node: "n", usedBytes: 1, capacityBytes });
    assert.equal(ownFilesystem(stat(10 * 1000 ** 3), "10Gi"), true);
    assert.equal(ownFilesystem(stat(1.05 * GI), "1Gi"), true);
    assert.equal(ownFilesystem(stat(2 * GI), "1Gi"), false);
    assert.equal(ownFilesystem(stat(null), "1Gi"), false);
    assert.equal(ownFilesystem(stat(GI), "?"), false);
  });

  const shared = { source: "nfs", claim: "classhub-shared", folder: "home" };
  const sharedClaim = claim("classhub-shared", undefined, "1Ti");
  const sharedPods = [
    pod("jupyter-ana", "node-a", ["classhub-shared"]),
    pod("jupyter-bo", "node-a", ["classhub-shared"]),
  ];
  const sharedStat = { claim: "classhub-shared", node: "node-a", usedBytes: 3 * GI, capacityBytes: 1024 * GI };

  it("on shared storage, without --measure: the volume's use as a whole, and no figure per student", () => {
    const s = storage([sharedClaim], shared, { mounts: serverMounts(sharedPods), kubelet: [sharedStat], unread: [] });
    assert.equal(s.kind, "shared");
    assert.deepEqual(s.homes, []);
    assert.deepEqual(s.volume, sharedStat);
    assert.match(
      s.note,
      /classhub:class\.storage\.shared: nfs\)\. kubelet: 3 GiB of 1 TiB used on the volume, every home together/,
    );
    assert.match(s.note, /--measure runs du on each in a Job/);
  });

  it("on shared storage, with --measure: one row per folder, from du", () => {
    const du = [
      { home: "bo", bytes: 4096, complete: true },
      { home: "ana", bytes: 8192, complete: true },
    ];
    const s = storage([sharedClaim], shared, { mounts: [], kubelet: [], unread: [], du });
    assert.deepEqual(s.homes, [
      {
        user: "ana",
        claim: "classhub-shared",
        folder: "home/ana",
        capacity: "shared",
        phase: "Bound",
        used: { bytes: 8192, from: "du", note: null },
      },
      {
        user: "bo",
        claim: "classhub-shared",
        folder: "home/bo",
        capacity: "shared",
        phase: "Bound",
        used: { bytes: 4096, from: "du", note: null },
      },
    ]);
  });

  it("says sizes as people read them", () => {
    assert.deepEqual([812, 300 * 1024, 1.5 * 1024 ** 2, 12 * GI].map(size), ["812 B", "300 KiB", "1.5 MiB", "12 GiB"]);
  });
});

describe("status --measure: the Job and its du", () => {
  const homes = { kind: "claims" as const, claims: ["claim-ana", "claim-bo"] };
  const job = measureJob("demo-dev", new Date("2026-12-16T12:00:00Z"), homes, "docker.io/library/busybox:1.37.0", 900);
  const spec = job.spec.template.spec;

  it("mounts every home read-only, as the students' uid, under restricted, with no token and a deadline", () => {
    assert.equal(job.metadata.name, "status-du-20261216-120000");
    assert.deepEqual(
      spec.containers[0].volumeMounts.map((m: any) => [m.mountPath, m.readOnly]),
      [
        ["/homes/ana", true],
        ["/homes/bo", true],
      ],
    );
    assert.ok(spec.volumes.every((v: any) => v.persistentVolumeClaim.readOnly === true));
    assert.equal(spec.securityContext.runAsUser, 1000);
    assert.equal(spec.securityContext.runAsNonRoot, true);
    assert.deepEqual(spec.containers[0].securityContext.capabilities, { drop: ["ALL"] });
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(job.spec.activeDeadlineSeconds, 900);
    assert.equal(job.spec.backoffLimit, 0);
  });

  it("its shell reports each home's use, dotfiles counted and lost+found left out", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "status-du-"));
    try {
      const write = (file: string, bytes: number) => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), Buffer.alloc(bytes, 1));
      };
      write("ana/hw 1/big.bin", 300 * 1024);
      write("bo/.cache/x", 64 * 1024);
      write("bo/lost+found/old", 1024 * 1024);
      fs.mkdirSync(path.join(root, "cy"));
      fs.mkdirSync(path.join(root, "lost+found"));
      const log = execFileSync("sh", ["-c", DU_SCRIPT], {
        env: { PATH: process.env.PATH!, HOMES: root },
        encoding: "utf8",
      });
      const figures = duFigures(log);
      assert.deepEqual(
        figures.map((f) => [f.home, f.complete]),
        [
          ["ana", true],
          ["bo", true],
          ["cy", true],
        ],
      );
      const bytes = Object.fromEntries(figures.map((f) => [f.home, f.bytes]));
      assert.ok(bytes.ana >= 300 * 1024 && bytes.ana < 400 * 1024, log);
      assert.ok(bytes.bo >= 64 * 1024 && bytes.bo < 1024 * 1024, log);
      assert.equal(bytes.cy, 0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
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
      storage: storage(
        [
          {
            metadata: { name: "claim-ana", annotations: { "hub.jupyter.org/username": "ana" } },
            status: { phase: "Bound", capacity: { storage: "1Gi" } },
          },
        ],
        undefined,
        { mounts: [], kubelet: [], unread: [], du: [{ home: "ana", bytes: 1536 * 1024, complete: true }] },
      ),
      culler: cullerRun("", false, 10, "24 hours"),
      cost: costSoFar(null, NOW),
    };
    const text = renderStatus(s);
    assert.match(text, /^classhub status: demo-dev \(namespace demo-dev\) at http:\/\/localhost:30080\//);
    assert.match(text, /Activity \(5 users known to the hub, 1 never active\)/);
    assert.match(text, /│ last week +│ 3 +│ ana, bo, cy +│/);
    assert.match(text, /│ ana +│ \(default\) │ ready +│ 1\.5 h │ 5 min ago +│/);
    assert.match(text, new RegExp(`│ ${CHECK_USER} │ \\(default\\) │ spawn pending │ 30 s +│ never +│`));
    assert.match(text, /│ user +│ claim +│ capacity │ used +│ from │ note │/);
    assert.match(text, /│ ana +│ claim-ana │ 1Gi +│ 1\.5 MiB │ du +│ +│/);
    assert.match(text, /Culler: Culling is off/);
    assert.match(text, /Cost so far this month: A class on an ambient cluster/);
  });

  it("says durations as people do", () => {
    assert.deepEqual([45, 720, 12_600, 172_800].map(duration), ["45 s", "12 min", "3.5 h", "2.0 d"]);
  });
});
