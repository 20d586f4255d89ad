// Admission by identity provider and domain: the login-restriction policy counts it, and no public identity
// provider (where anyone can make an account) admits all its users. Bad cases are variants of the CILogon example.
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { find, runExamples, settingsVariant, TYPES } from "./fixtures";

const STACK = "stat20-sp27";
const GOOGLE = "http://google.com/accounts/o8/id";
let run: StackRun;
const hubConfig = () => find(run, TYPES.configMap, "hub-config");
const where = () => `hub-settings.json of ConfigMap ${STACK}/hub-config-<digest>`;

before(async () => {
  run = (await runExamples([STACK])).get(STACK)!;
});

describe("classhub-disallow-public-identity-provider-admission", () => {
  const policy = "classhub-disallow-public-identity-provider-admission";
  const withGoogle = (allowAll: boolean) =>
    settingsVariant(hubConfig(), (s) =>
      s.auth.cilogon.idps.push({ entityId: GOOGLE, usernameClaim: "email", allowAll, allowedDomains: [] }),
    );

  it("rejects admitting everyone with a Google account through CILogon", async () => {
    await expectViolations([withGoogle(true)], { stack: STACK }, [
      [
        policy,
        `Expected no admission of everyone from public identity provider "${GOOGLE}" but found allowAll in ` +
          `auth.cilogon.idps[2] of ${where()}; set classhub:class.auth.idps[2].allowAll to false and list its people ` +
          "in classhub:class.roster, or admit an institution's provider instead",
      ],
    ]);
  });

  it("passes Google through CILogon for listed people, and the example (near misses)", async () => {
    await expectNone([withGoogle(false)], { stack: STACK, only: policy });
    await expectNone(run.resources, { stack: STACK, only: policy });
  });

  it("passes allowAll of a provider the pack config does not call public", async () => {
    await expectNone([withGoogle(true)], { stack: STACK, only: policy, config: { [policy]: { publicIdps: [] } } });
  });
});

describe("classhub-require-login-restriction with identity providers", () => {
  const policy = "classhub-require-login-restriction";
  it("rejects CILogon with no roster and no provider that admits anyone", async () => {
    const closed = settingsVariant(hubConfig(), (s) => {
      s.auth.allowedUsers = [];
      s.auth.cilogon.idps[0].allowedDomains = [];
    });
    await expectViolations([closed], { stack: STACK }, [
      [
        policy,
        `Expected a roster or an organization, domain or group restriction but found none in auth of ${where()}; set ` +
          "classhub:class.roster (or rosterFile) or classhub:class.auth.idps[].allowedDomains or allowAll",
      ],
    ]);
  });

  it("passes admission by a provider's domain without a roster (near miss)", async () => {
    const open = settingsVariant(hubConfig(), (s) => (s.auth.allowedUsers = []));
    await expectNone([open], { stack: STACK, only: policy });
  });
});
