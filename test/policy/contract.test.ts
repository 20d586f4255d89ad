// The policy pack judges resources on its own, with its own small copies of what it reads: the hub settings'
// shape, the settings key, storage class names, the dev stacks, the node label and the GPU taint. These tests hold
// each copy to the program's one definition, so the two cannot drift.
import assert from "node:assert/strict";
import { it } from "node:test";
import { DEV_STACKS, parseConfig } from "../../components/config";
import type { HubSettings } from "../../components/hub/settings";
import { SETTINGS_FILE } from "../../components/hub/settings";
import { GPU_TAINT, gkeTaint, NODE_PURPOSE_LABEL } from "../../components/placement";
import { PROXY_PUBLIC_SERVICE } from "../../components/services";
import { HOME_STORAGE_CLASS, HUB_DB_STORAGE_CLASS } from "../../components/storage/manifests";
import { disallowOpenAuthentication } from "../../policy/auth/disallowOpenAuthentication";
import { USER_LABEL } from "../../policy/cost/enforceNodePoolCeilings";
import { requireRetainedVolumeClaims } from "../../policy/data/requireRetainedVolumeClaims";
import { GPU_TAINT as POLICY_GPU_TAINT } from "../../policy/gke/requireGpuTaint";
import { stackMatches } from "../../policy/lib/config";
import type { ClusterProps } from "../../policy/lib/gke";
import { type HubSettings as PolicyView, SETTINGS_KEY } from "../../policy/lib/hubSettings";
import { disallowExternalServices } from "../../policy/security/disallowExternalServices";
import { IMAGE_KEYS } from "../../policy/security/requirePinnedImages";
import { withClass } from "../support/stacks";

// Compile-time: every field the policies read exists in the settings the program writes, with a type the
// policies accept. Renaming or retyping one breaks `tsc` (make lint), not a policy in production.
const settingsFitThePolicyView = (settings: HubSettings): PolicyView => settings;

// Compile-time: the GKE policies read pulumi-gcp's own input types (policy/lib/gke.ts), so reading a field the
// provider has dropped breaks `tsc`. pulumi-gcp 9 has no basic authentication; if it ever comes back, this breaks too.
const noBasicAuthentication = (cluster: ClusterProps) =>
  // @ts-expect-error masterAuth.username and .password are gone from pulumi-gcp 9.
  cluster.masterAuth?.username ?? cluster.masterAuth?.password;

const defaults = (policy: { configSchema?: { properties?: Record<string, any> } }, key: string) =>
  policy.configSchema!.properties![key].default as string[];

it("the policies read the settings under the key the program writes them", () => {
  assert.equal(SETTINGS_KEY, SETTINGS_FILE);
  assert.equal(typeof settingsFitThePolicyView, "function");
  assert.equal(typeof noBasicAuthentication, "function");
});

it("the policies' dev stacks are exactly the stacks where the program allows dummy login", () => {
  for (const stack of ["dev", "dev-alice", "dev-2", "devx", "data8-dev", "prod-dev-1", "dev-"]) {
    for (const policy of [disallowOpenAuthentication, requireRetainedVolumeClaims]) {
      const key = policy === disallowOpenAuthentication ? "allowedStacks" : "exemptStacks";
      assert.equal(stackMatches(stack, defaults(policy, key)), DEV_STACKS.test(stack), `${policy.name}: ${stack}`);
    }
  }
});

it("the policies know the storage classes, node label and public Service the program creates", () => {
  assert.deepEqual(defaults(requireRetainedVolumeClaims, "retainedStorageClasses"), [
    HOME_STORAGE_CLASS,
    HUB_DB_STORAGE_CLASS,
  ]);
  assert.equal(USER_LABEL, NODE_PURPOSE_LABEL);
  assert.deepEqual(defaults(disallowExternalServices, "allowedServices"), [PROXY_PUBLIC_SERVICE]);
});

it("the GPU taint the policies require is the one the program puts on GPU pools", () => {
  assert.deepEqual({ ...POLICY_GPU_TAINT }, gkeTaint(GPU_TAINT));
});

it("the stack-file keys the pinned-image policy names set the images of the hub and the proxy", () => {
  assert.deepEqual(Object.keys(IMAGE_KEYS).sort(), ["hub", "proxy"]);
  for (const [component, key] of Object.entries(IMAGE_KEYS)) {
    const [, field] = /^classhub:class\.(\w+)\.image$/.exec(key) ?? [];
    assert.equal(field, component, key);
    const cls = parseConfig(withClass("dev", (c) => (c[field] = { image: "registry.example.edu/x:1.0" }))).class!;
    assert.equal((cls as any)[field].image, "registry.example.edu/x:1.0", key);
  }
});
