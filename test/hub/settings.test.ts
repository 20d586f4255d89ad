import assert from "node:assert/strict";
import { it } from "node:test";
import { parseConfig } from "../../components/config";
import * as fs from "node:fs";
import {
  concurrentSpawnLimit,
  HTTP_TIMEOUT,
  hubSettings,
  SPAWN_LIMIT_CEILING,
  SPAWN_LIMIT_FLOOR,
  START_TIMEOUT,
} from "../../components/hub/settings";
import { rawConfig, withClass } from "../support/stacks";

const cls = (stack: string, change: (c: any) => void = () => undefined) => parseConfig(withClass(stack, change)).class!;

it("the spawn limit lets the whole class start at once, between a floor and a ceiling", () => {
  assert.equal(concurrentSpawnLimit(cls("dev")), SPAWN_LIMIT_FLOOR);
  assert.equal(concurrentSpawnLimit(cls("gpu-seminar-fa26", (c) => (c.expectedStudents = 300))), 302);
  assert.equal(concurrentSpawnLimit(parseConfig({ ...rawConfig("data8-fa26") }).class!), SPAWN_LIMIT_CEILING);
  assert.equal(concurrentSpawnLimit(cls("dev", (c) => (c.spawn = { concurrentLimit: 7 }))), 7);
});

it("the start and HTTP timeouts grow with the servers that may start at once, up to a ceiling", () => {
  const timeouts = (c: ReturnType<typeof cls>) => {
    const { startTimeout, httpTimeout } = hubSettings(c, { userPool: true }).spawner;
    return [startTimeout, httpTimeout];
  };
  // dev: a spawn limit of 32 (the floor); images pre-pulled
  assert.deepEqual(timeouts(cls("dev")), [300 + 5 * 32, 60 + 32]);
  // an image that is not pre-pulled may take minutes more
  assert.deepEqual(timeouts(cls("dev", (c) => (c.prePull = { enabled: false }))), [600 + 5 * 32, 92]);
  // gpu-seminar with 200 expected students: a limit of 202
  assert.deepEqual(timeouts(cls("gpu-seminar-fa26", (c) => (c.expectedStudents = 200))), [300 + 5 * 202, 60 + 202]);
  // data8: the ceiling of the limit (500), and of the start timeout
  assert.deepEqual(timeouts(parseConfig(rawConfig("data8-fa26")).class!), [1800, 560]);
  // a smaller spawn limit starts fewer at once
  assert.deepEqual(timeouts(cls("dev", (c) => (c.spawn = { concurrentLimit: 7 }))), [335, 67]);
  // set in the stack file, they are what the stack says
  const set = cls("dev", (c) => (c.spawn = { startTimeoutSeconds: 90, httpTimeoutSeconds: 45 }));
  assert.deepEqual(timeouts(set), [90, 45]);
});

it("the config reference gives the formulas the hub settings use", () => {
  const reference = fs.readFileSync("docs/config-reference.md", "utf8");
  const { pulled, unpulled, perServer, ceiling } = START_TIMEOUT;
  assert.ok(reference.includes(`Defaults to ${pulled} (${unpulled} without \`prePull\`) plus ${perServer} for each`));
  assert.ok(reference.includes(`at most ${ceiling} (docs/lecture.md)`));
  assert.ok(reference.includes(`Defaults to ${HTTP_TIMEOUT.floor} plus ${HTTP_TIMEOUT.perServer} for each`));
  assert.ok(reference.includes(`at most ${HTTP_TIMEOUT.ceiling} (docs/lecture.md)`));
  assert.ok(reference.includes(`between ${SPAWN_LIMIT_FLOOR} and ${SPAWN_LIMIT_CEILING}.`));
});

it("student servers go to the tainted user pool only where the cluster has one", () => {
  const gke = hubSettings(cls("dev"), { userPool: true }).spawner;
  assert.deepEqual(gke.nodeSelector, { "hub.jupyter.org/node-purpose": "user" });
  assert.deepEqual(gke.tolerations, [
    { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" },
  ]);
  const local = hubSettings(cls("dev"), { userPool: false }).spawner;
  assert.deepEqual([local.nodeSelector, local.tolerations], [{}, []]);
});

it("memory reaches the spawner in bytes and the home keeps KubeSpawner's claim name", () => {
  const s = hubSettings(cls("dev"), { userPool: false, homeStorageClass: "classhub-home" });
  assert.deepEqual([s.spawner.memGuarantee, s.spawner.memLimit], [256 * 2 ** 20, 512 * 2 ** 20]);
  assert.deepEqual(s.storage, {
    storageClass: "classhub-home",
    capacity: "1Gi",
    mountPath: "/home/jovyan",
    pvcNameTemplate: "claim-{user_server}",
    volumeName: "home",
    files: null,
    shared: null,
  });
});

it("the culler's timing comes from the class in seconds", () => {
  const s = hubSettings(cls("data8-fa26"), { userPool: true });
  assert.deepEqual(s.culler, {
    enabled: true,
    apiUrl: "http://127.0.0.1:8081/hub/api",
    timeoutSeconds: 3600,
    everySeconds: 600,
    maxAgeSeconds: 43200,
    concurrency: 10,
  });
});

it("no secret value enters the settings", () => {
  const text = JSON.stringify(hubSettings(cls("data8-fa26"), { userPool: true }));
  assert.doesNotMatch(text, /secret|token|password/i);
});

it("on a GKE Sandbox user pool, CPU servers run in gVisor and GPU servers, on the GPU pool, do not", () => {
  const seminar = cls("gpu-seminar-fa26");
  const sandboxed = hubSettings(seminar, { userPool: true, sandboxedUserPool: true }).spawner;
  assert.equal(sandboxed.runtimeClassName, "gvisor");
  assert.deepEqual(
    sandboxed.profiles.map((p) => [p.slug, p.overrides.runtimeClassName]),
    [
      ["cpu", "gvisor"],
      ["gpu", null],
    ],
  );
  const plain = hubSettings(seminar, { userPool: true }).spawner;
  assert.equal(plain.runtimeClassName, null);
  assert.deepEqual(
    plain.profiles.map((p) => p.overrides.runtimeClassName),
    [null, null],
  );
});
