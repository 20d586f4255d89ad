// Data-safety policies for shared homes: classhub's NFS volume keeps its files, and its claim, bound by name to
// that volume, passes the claims policy (the example ds100-sp27 keeps its homes on NFS).
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { runExamples, variant } from "./fixtures";

const PV = "kubernetes:core/v1:PersistentVolume";
const STACK = "ds100-sp27";
let runs: Map<string, StackRun>;
before(async () => {
  runs = await runExamples();
});
const resources = () => runs.get(STACK)!.resources;

describe("classhub-enforce-retain-persistent-volumes", () => {
  const policy = "classhub-enforce-retain-persistent-volumes";
  const fix = "set persistentVolumeReclaimPolicy to Retain (sharedVolume() in components/storage/sharedManifests.ts)";

  it("passes the example class's shared NFS volume and its claim", async () => {
    await expectNone(resources(), { stack: STACK });
  });

  it("rejects a shared volume that deletes its files; the claim bound to it is then rejected too", async () => {
    const changed = resources().map((r) =>
      r.type === PV ? variant(r, (v) => (v.spec.persistentVolumeReclaimPolicy = "Delete")) : r,
    );
    await expectViolations(changed, { stack: STACK, only: policy }, [
      [
        policy,
        `Expected persistentVolumeReclaimPolicy Retain but found "Delete" in PersistentVolume classhub-ds100-sp27-shared; ${fix}`,
      ],
    ]);
  });

  it("rejects a shared volume that leaves the policy unset", async () => {
    const changed = resources().map((r) =>
      r.type === PV ? variant(r, (v) => delete v.spec.persistentVolumeReclaimPolicy) : r,
    );
    await expectViolations(changed, { stack: STACK, only: policy }, [
      [
        policy,
        "Expected persistentVolumeReclaimPolicy Retain but found unset (Kubernetes defaults to Retain only for " +
          `volumes made by hand) in PersistentVolume classhub-ds100-sp27-shared; ${fix}`,
      ],
    ]);
  });

  it("the claims policy rejects the shared claim once its volume no longer keeps its files", async () => {
    const changed = resources().map((r) =>
      r.type === PV ? variant(r, (v) => (v.spec.persistentVolumeReclaimPolicy = "Recycle")) : r,
    );
    await expectViolations(changed, { stack: STACK, only: "classhub-require-retained-volume-claims" }, [
      [
        "classhub-require-retained-volume-claims",
        "Expected a protected claim or a storage class with reclaimPolicy Retain but found a claim bound by name to " +
          "a volume not known to keep its files in PersistentVolumeClaim ds100-sp27/classhub-shared; set " +
          "classhub:cluster.storageClasses.hubDb to a Retain class (or protect the claim)",
      ],
    ]);
  });
});
