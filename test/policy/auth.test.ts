// Authentication policies read the hub settings in the hub ConfigMap; bad cases are variants of real stacks.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { TYPES, classOf, find, runAs, runExamples, settingsVariant } from "./fixtures";
import type { Resource } from "./harness";

let runs: Map<string, StackRun>;
const hubConfig = (stack: string): Resource => find(runs.get(stack)!, TYPES.configMap, "hub-config");
const where = (ns: string) => `hub-settings.json of ConfigMap ${ns}/hub-config-<digest>`;

before(async () => {
  runs = await runExamples(["dev", "data8-fa26", "gpu-seminar-fa26"]);
});

describe("classhub-disallow-open-authentication", () => {
  const policy = "classhub-disallow-open-authentication";
  it("rejects dummy login in dev-alice when the pack config allows only dev", async () => {
    const run = await runAs("dev-alice", "dev");
    await expectViolations(run.resources, { stack: "dev-alice", config: { [policy]: { allowedStacks: ["dev"] } } }, [
      [
        policy,
        `Expected github, google, generic-oauth or cilogon login in stack "dev-alice" but found auth type "dummy" in ${where("demo-dev")}; set classhub:class.auth.type to github, google, generic-oauth or cilogon ("dummy" is allowed only in stacks dev)`,
      ],
    ]);
  });
  it("rejects shared-password login in a class stack", async () => {
    await expectViolations(
      [settingsVariant(hubConfig("data8-fa26"), (s) => (s.auth.type = "shared-password"))],
      { stack: "data8-fa26" },
      [
        [
          policy,
          `Expected github, google, generic-oauth or cilogon login in stack "data8-fa26" but found auth type "shared-password" in ${where("data8-fa26")}; set classhub:class.auth.type to github, google, generic-oauth or cilogon ("shared-password" is allowed only in stacks dev, dev-*)`,
        ],
      ],
    );
  });
  it("passes dummy login in dev and in dev-alice by default (near miss)", async () => {
    await expectNone(runs.get("dev")!.resources, { stack: "dev", only: policy });
    await expectNone((await runAs("dev-alice", "dev")).resources, { stack: "dev-alice", only: policy });
  });
});

describe("classhub-require-hub-admins", () => {
  const policy = "classhub-require-hub-admins";
  it("rejects a class without admins", async () => {
    await expectViolations(
      [settingsVariant(hubConfig("data8-fa26"), (s) => (s.auth.admins = []))],
      { stack: "data8-fa26" },
      [
        [
          policy,
          `Expected at least 1 admin but found 0 in auth.admins of ${where("data8-fa26")}; list course staff in classhub:class.admins`,
        ],
      ],
    );
  });
  it("rejects dev's single admin when the pack config asks for two", async () => {
    await expectViolations(runs.get("dev")!.resources, { stack: "dev", config: { [policy]: { minAdmins: 2 } } }, [
      [
        policy,
        `Expected at least 2 admins but found 1 in auth.admins of ${where("demo-dev")}; list course staff in classhub:class.admins`,
      ],
    ]);
  });
  it("passes data8's three admins against a minimum of three (near miss)", async () => {
    await expectNone(runs.get("data8-fa26")!.resources, {
      stack: "data8-fa26",
      config: { [policy]: { minAdmins: 3 } },
      only: policy,
    });
  });
});

describe("classhub-require-login-restriction", () => {
  const policy = "classhub-require-login-restriction";
  it("rejects dev with an empty roster: dummy login would admit any username", async () => {
    // The config refuses it too; the policy guards settings that reach the cluster some other way.
    const open = settingsVariant(hubConfig("dev"), (s) => (s.auth.allowedUsers = []));
    await expectViolations([open], { stack: "dev" }, [
      [
        policy,
        `Expected a roster but found none in auth of ${where("demo-dev")}; set classhub:class.roster (or rosterFile)`,
      ],
    ]);
  });
  it("rejects GitHub login with neither a roster nor an organization", async () => {
    const open = settingsVariant(hubConfig("gpu-seminar-fa26"), (s) => (s.auth.allowedUsers = []));
    await expectViolations([open], { stack: "gpu-seminar-fa26" }, [
      [
        policy,
        `Expected a roster or an organization, domain or group restriction but found none in auth of ${where("cs294-dl-fa26")}; set classhub:class.roster (or rosterFile) or classhub:class.auth.allowedOrganizations`,
      ],
    ]);
  });
  it("passes Google login restricted to a domain, and GitHub restricted to an organization (near miss)", async () => {
    await expectNone(runs.get("data8-fa26")!.resources, { stack: "data8-fa26", only: policy });
    // The seminar without its roster file: GitHub logins admitted by organization only.
    const seminar = classOf("gpu-seminar-fa26");
    delete seminar.rosterFile;
    const run = await runAs("gpu-seminar-fa26", "gpu-seminar-fa26", {
      class: { ...seminar, expectedStudents: 40, auth: { ...seminar.auth, allowedOrganizations: ["cs294-dl-fa26"] } },
    });
    const settings = JSON.parse(find(run, TYPES.configMap, "hub-config").inputs.data["hub-settings.json"]);
    assert.deepEqual(settings.auth.allowedUsers, []);
    await expectNone(run.resources, { stack: "gpu-seminar-fa26", only: policy });
  });
});
