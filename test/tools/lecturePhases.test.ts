// make bench-lecture's split of each server's start into the phases the start and HTTP timeouts bound.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { phases, runningTimes } from "../../tools/dev/lecturePhases";

const LOGS = [
  "[pod/jupyter-student1/notebook] 2026-12-02T05:00:10.250000000Z [I 2026-12-02 05:00:10.249 ServerApp] jupyterlab | extension was successfully loaded.",
  "[pod/jupyter-student2/notebook] 2026-12-02T05:00:31.000000000Z [I 2026-12-02 05:00:30.998 ServerApp] Jupyter Server 2.17.0 is running at:",
  "[pod/jupyter-student1/notebook] 2026-12-02T05:00:12.500000000Z [I 2026-12-02 05:00:12.499 ServerApp] Jupyter Server 2.17.0 is running at:",
  "[pod/jupyter-student1/notebook] 2026-12-02T05:00:12.600000000Z [I 2026-12-02 05:00:12.599 ServerApp] Jupyter Server 2.17.0 is running at:",
].join("\n");

const pod = (user: string, created: string, started?: string) => ({
  metadata: {
    name: `jupyter-${user}`,
    creationTimestamp: created,
    annotations: { "hub.jupyter.org/username": user },
  },
  status: {
    containerStatuses:
      started === undefined ? [{ state: { waiting: {} } }] : [{ state: { running: { startedAt: started } } }],
  },
});

describe("bench-lecture phases", () => {
  it("takes each pod's first 'is running at' line, by the kubelet's timestamp", () => {
    const times = runningTimes(LOGS);
    assert.deepEqual([...times.keys()].sort(), ["jupyter-student1", "jupyter-student2"]);
    assert.equal(times.get("jupyter-student1"), Date.parse("2026-12-02T05:00:12.5Z"));
  });

  it("splits a start into pod start (creation to container) and server start (container to listening)", () => {
    const result = phases(
      [pod("student1", "2026-12-02T05:00:00Z", "2026-12-02T05:00:04Z"), pod("student3", "2026-12-02T05:00:01Z")],
      runningTimes(LOGS),
    );
    assert.deepEqual(result[0], { user: "student1", podStart: 4, serverStart: 8.5 });
    assert.equal(result[1].user, "student3");
    assert.ok(Number.isNaN(result[1].podStart) && Number.isNaN(result[1].serverStart));
  });
});
