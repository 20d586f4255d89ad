// The GKE config rules for machines, disks and maintenance: each error's exact text, and a near miss that passes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../components/config";
import { gkeProblems } from "../../components/config/clusterRules";
import { gke, unchecked } from "./fixtures";

/** What parseConfig says about these settings: schema and rules together. */
function problems(settings: Record<string, unknown>): string[] {
  try {
    gke(settings);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

const window = (start: string, end: string, recurrence?: string) => ({
  maintenance: { window: { start, end, ...(recurrence === undefined ? {} : { recurrence }) } },
});
const exclusion = (e: Record<string, unknown>) => ({ maintenance: { exclusions: [e] } });

describe("machine types and accelerators", () => {
  it("names a GPU pool whose machine type cannot take its accelerator", () => {
    assert.deepEqual(gkeProblems(unchecked({ gpuPool: { machineType: "n2-standard-8" } })), [
      'classhub:cluster.gke.gpuPool.machineType = "n2-standard-8": nvidia-tesla-t4 needs an N1 machine type (n1-*), ' +
        "e.g. n1-standard-8",
    ]);
    assert.deepEqual(gkeProblems(unchecked({ gpuPool: { acceleratorType: "nvidia-l4" } })), [
      'classhub:cluster.gke.gpuPool.machineType = "n1-standard-8": nvidia-l4 needs a G2 machine type (g2-*), ' +
        "e.g. g2-standard-8",
    ]);
  });

  it("accepts T4 on any N1 machine, L4 on G2, and leaves accelerators it does not know to GKE", () => {
    assert.deepEqual(gkeProblems(unchecked({ gpuPool: { machineType: "n1-highmem-16" } })), []);
    assert.deepEqual(
      gkeProblems(unchecked({ gpuPool: { acceleratorType: "nvidia-l4", machineType: "g2-standard-24" } })),
      [],
    );
    assert.deepEqual(
      gkeProblems(unchecked({ gpuPool: { acceleratorType: "nvidia-future-x1", machineType: "z9-gpu-1" } })),
      [],
    );
  });

  it("names a boot disk the machine family cannot take", () => {
    assert.deepEqual(gkeProblems(unchecked({ userPool: { machineType: "c3-standard-8", diskType: "pd-standard" } })), [
      'classhub:cluster.gke.userPool.diskType = "pd-standard": c3-standard-8 (C3) boots only from pd-balanced, ' +
        "pd-ssd or hyperdisk-balanced; set one of them",
    ]);
    assert.deepEqual(gkeProblems(unchecked({ corePool: { machineType: "n4-standard-4", diskType: "pd-balanced" } })), [
      'classhub:cluster.gke.corePool.diskType = "pd-balanced": n4-standard-4 (N4) boots only from ' +
        "hyperdisk-balanced; set one of them",
    ]);
    assert.deepEqual(gkeProblems(unchecked({ corePool: { diskType: "hyperdisk-balanced" } })), [
      'classhub:cluster.gke.corePool.diskType = "hyperdisk-balanced": e2-standard-4 (E2) boots only from ' +
        "pd-standard, pd-balanced or pd-ssd; set one of them",
    ]);
  });

  it("accepts a boot disk the family takes, the default on any family, and unknown families", () => {
    assert.deepEqual(gkeProblems(unchecked({ userPool: { machineType: "c3-standard-8", diskType: "pd-ssd" } })), []);
    assert.deepEqual(gkeProblems(unchecked({ userPool: { machineType: "n4-highmem-8" } })), []);
    assert.deepEqual(gkeProblems(unchecked({ userPool: { machineType: "z9-new-8", diskType: "pd-standard" } })), []);
  });

  it("offers GKE Sandbox on the user pool only", () => {
    assert.deepEqual(problems({ gpuPool: { sandbox: true } }), [
      "classhub:cluster.gke.gpuPool: unknown key(s) 'sandbox'",
    ]);
    assert.deepEqual(problems({ corePool: { sandbox: true } }), [
      "classhub:cluster.gke.corePool: unknown key(s) 'sandbox'",
    ]);
    assert.deepEqual(problems({ userPool: { sandbox: true }, gpuPool: {} }), []);
  });
});

describe("maintenance window", () => {
  it("defaults to Saturday and Sunday nights (UTC), which GKE accepts", () => {
    assert.deepEqual(gke().maintenance, {
      window: { start: "2025-01-04T07:00:00Z", end: "2025-01-04T15:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
      exclusions: [],
    });
  });

  it("wants UTC times in RFC 3339 form, on real dates", () => {
    assert.deepEqual(problems(window("2026-01-03 07:00", "2026-02-30T15:00:00Z")), [
      'classhub:cluster.gke.maintenance.window.start = "2026-01-03 07:00": expected a UTC time in RFC 3339 form, ' +
        "e.g. 2026-12-12T08:00:00Z",
      'classhub:cluster.gke.maintenance.window.end = "2026-02-30T15:00:00Z": expected a real date and time, ' +
        "e.g. 2026-12-12T08:00:00Z",
    ]);
  });

  it("takes daily or weekly recurrences only", () => {
    assert.deepEqual(problems(window("2026-01-03T07:00:00Z", "2026-01-03T15:00:00Z", "FREQ=MONTHLY;BYMONTHDAY=1")), [
      'classhub:cluster.gke.maintenance.window.recurrence = "FREQ=MONTHLY;BYMONTHDAY=1": expected FREQ=DAILY or ' +
        "FREQ=WEEKLY;BYDAY=<days>, e.g. FREQ=WEEKLY;BYDAY=SA,SU",
    ]);
  });

  it("names a window that ends before it starts", () => {
    assert.deepEqual(problems(window("2026-01-03T07:00:00Z", "2026-01-03T07:00:00Z")), [
      'classhub:cluster.gke.maintenance.window.end = "2026-01-03T07:00:00Z": is not after start 2026-01-03T07:00:00Z; ' +
        "set a later end",
    ]);
  });

  it("names a window shorter than the 4 hours GKE counts, and accepts 4 hours every day", () => {
    assert.deepEqual(problems(window("2026-01-03T07:00:00Z", "2026-01-03T10:30:00Z", "FREQ=DAILY")), [
      'classhub:cluster.gke.maintenance.window.end = "2026-01-03T10:30:00Z": makes a 3.5-hour window; GKE counts ' +
        "only windows of at least 4 hours",
    ]);
    assert.deepEqual(problems(window("2026-01-03T07:00:00Z", "2026-01-03T11:00:00Z", "FREQ=DAILY")), []);
  });

  it("names windows that leave GKE less than 48 hours in 32 days, and accepts exactly 48", () => {
    assert.deepEqual(problems(window("2026-01-04T06:00:00Z", "2026-01-04T14:00:00Z", "FREQ=WEEKLY;BYDAY=SU")), [
      'classhub:cluster.gke.maintenance.window.recurrence = "FREQ=WEEKLY;BYDAY=SU": allows 32 hours of maintenance ' +
        "in 32 days; GKE needs at least 48: add days or lengthen the window",
    ]);
    assert.deepEqual(problems(window("2026-01-04T06:00:00Z", "2026-01-04T18:00:00Z", "FREQ=WEEKLY;BYDAY=SU")), []);
    assert.deepEqual(problems(window("2026-01-03T06:00:00Z", "2026-01-03T12:00:00Z", "FREQ=WEEKLY;BYDAY=SA,SU")), []);
  });
});

describe("maintenance exclusions", () => {
  const finals = { name: "finals-fa26", start: "2026-12-07T00:00:00Z", end: "2026-12-19T00:00:00Z" };

  it("keep GKE from minor and node upgrades by default", () => {
    assert.deepEqual(gke(exclusion(finals)).maintenance.exclusions, [
      { ...finals, scope: "NO_MINOR_OR_NODE_UPGRADES" },
    ]);
  });

  it("names an exclusion that ends before it starts", () => {
    assert.deepEqual(problems(exclusion({ ...finals, end: "2026-12-01T00:00:00Z" })), [
      'classhub:cluster.gke.maintenance.exclusions[0].end = "2026-12-01T00:00:00Z": is not after start ' +
        "2026-12-07T00:00:00Z; set a later end",
    ]);
  });

  it("names a NO_UPGRADES exclusion longer than 30 days, and accepts 30 days or a longer NO_MINOR_* one", () => {
    assert.deepEqual(
      problems(
        exclusion({ ...finals, scope: "NO_UPGRADES", start: "2026-12-01T00:00:00Z", end: "2026-12-31T12:00:00Z" }),
      ),
      [
        'classhub:cluster.gke.maintenance.exclusions[0].end = "2026-12-31T12:00:00Z": makes a 30.5-day NO_UPGRADES ' +
          "exclusion; GKE allows at most 30 days: end it sooner, or use scope NO_MINOR_OR_NODE_UPGRADES",
      ],
    );
    assert.deepEqual(
      problems(
        exclusion({ ...finals, scope: "NO_UPGRADES", start: "2026-12-01T00:00:00Z", end: "2026-12-31T00:00:00Z" }),
      ),
      [],
    );
    assert.deepEqual(
      problems(exclusion({ ...finals, start: "2026-08-20T00:00:00Z", end: "2026-12-20T00:00:00Z" })),
      [],
    );
  });

  it("names a name used twice", () => {
    const midterm = { name: "midterm", start: "2026-10-12T00:00:00Z", end: "2026-10-17T00:00:00Z" };
    assert.deepEqual(
      problems({ maintenance: { exclusions: [finals, midterm, { ...midterm, name: "finals-fa26" }] } }),
      [
        'classhub:cluster.gke.maintenance.exclusions[2].name = "finals-fa26": is used twice; exclusion names must be unique',
      ],
    );
    assert.deepEqual(problems({ maintenance: { exclusions: [finals, midterm] } }), []);
  });

  it("takes at most GKE's 20 per cluster, and an unknown scope is named", () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ ...finals, name: `e${i}` }));
    assert.deepEqual(problems({ maintenance: { exclusions: many } }), [
      'classhub:cluster.gke.maintenance.exclusions = [{"name":"e0","start":"2026-12-07T00:00:00Z","end":"2026-12-19T00:' +
        `00:00Z"},{"...: expected at most 20 exclusions, GKE's limit per cluster`,
    ]);
    assert.deepEqual(problems({ maintenance: { exclusions: many.slice(1) } }), []);
    assert.deepEqual(problems(exclusion({ ...finals, scope: "NO_PATCHES" })), [
      'classhub:cluster.gke.maintenance.exclusions[0].scope = "NO_PATCHES": Invalid option: expected one of ' +
        '"NO_UPGRADES"|"NO_MINOR_OR_NODE_UPGRADES"|"NO_MINOR_UPGRADES"',
    ]);
  });
});
