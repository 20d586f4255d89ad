// classhub's CrossGuard policy pack. `pulumi preview --policy-pack policy` runs it; policies.ts lists the policies.
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, policies } from "./policies";

new PolicyPack("classhub", {
  description: "Guardrails for classhub stacks: security, authentication, data safety, GKE hardening and cost.",
  displayName: "classhub guardrails",
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  policies,
});
