import assert from "node:assert/strict";
import { it } from "node:test";
import { parseConfig } from "../../components/config";
import {
  concurrentSpawnLimit,
  hubSettings,
  SPAWN_LIMIT_CEILING,
  SPAWN_LIMIT_FLOOR,
} from "../../components/hub/settings";
import { rawConfig, withClass } from "../support/stacks";

const cls = (stack: string, change: (c: any) => void = () => undefined) => parseConfig(withClass(stack, change)).class!;

it("the spawn limit lets the whole class start at once, between a floor and a ceiling", () => {
  assert.equal(concurrentSpawnLimit(cls("dev")), SPAWN_LIMIT_FLOOR);
  assert.equal(concurrentSpawnLimit(cls("gpu-seminar-fa26", (c) => (c.expectedStudents = 300))), 302);
  assert.equal(concurrentSpawnLimit(parseConfig({ ...rawConfig("data8-fa26") }).class!), SPAWN_LIMIT_CEILING);
  assert.equal(concurrentSpawnLimit(cls("dev", (c) => (c.spawn = { concurrentLimit: 7 }))), 7);
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
