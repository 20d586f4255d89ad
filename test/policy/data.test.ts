// Data-safety policies: storage classes keep their disks; claims are protected or on such a class.
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { TYPES, find, runExamples, settingsVariant, variant } from "./fixtures";

let runs: Map<string, StackRun>;
before(async () => {
  runs = await runExamples();
});
const resources = (stack: string) => runs.get(stack)!.resources;

describe("classhub-enforce-retain-storage-classes", () => {
  const policy = "classhub-enforce-retain-storage-classes";
  it("rejects a home storage class that deletes its disks", async () => {
    await expectViolations(
      [variant(find(runs.get("platform")!, TYPES.storageClass, "home"), (s) => (s.reclaimPolicy = "Delete"))],
      { stack: "platform" },
      [
        [
          policy,
          `Expected reclaimPolicy Retain but found "Delete" in StorageClass classhub-home; set reclaimPolicy to Retain (storageClass() in components/storage/manifests.ts)`,
        ],
      ],
    );
  });
  it("rejects a storage class that leaves reclaimPolicy to Kubernetes' default", async () => {
    await expectViolations(
      [variant(find(runs.get("platform")!, TYPES.storageClass, "hub-db"), (s) => delete s.reclaimPolicy)],
      { stack: "platform" },
      [
        [
          policy,
          `Expected reclaimPolicy Retain but found unset (Kubernetes defaults to Delete) in StorageClass classhub-hub-db; set reclaimPolicy to Retain (storageClass() in components/storage/manifests.ts)`,
        ],
      ],
    );
  });
  it("passes Retain with another binding mode (near miss)", async () => {
    await expectNone(
      [variant(find(runs.get("platform")!, TYPES.storageClass, "home"), (s) => (s.volumeBindingMode = "Immediate"))],
      { stack: "platform", only: policy },
    );
  });
});

describe("classhub-require-retained-volume-claims", () => {
  const policy = "classhub-require-retained-volume-claims";
  const fixDb = "set classhub:cluster.storageClasses.hubDb to a Retain class (or protect the claim)";
  it("rejects the hub database claim on a storage class that deletes its disk (with the storage class itself)", async () => {
    const stack = "gpu-seminar-fa26";
    const changed = resources(stack).map((r) =>
      r.type === TYPES.storageClass && r.name === "storage-hub-db"
        ? variant(r, (s) => (s.reclaimPolicy = "Delete"))
        : r,
    );
    await expectViolations(changed, { stack }, [
      [
        "classhub-enforce-retain-storage-classes",
        `Expected reclaimPolicy Retain but found "Delete" in StorageClass classhub-hub-db; set reclaimPolicy to Retain (storageClass() in components/storage/manifests.ts)`,
      ],
      [
        policy,
        `Expected a protected claim or a storage class with reclaimPolicy Retain but found storage class classhub-hub-db with reclaimPolicy Delete in PersistentVolumeClaim cs294-dl-fa26/hub-db; ${fixDb}`,
      ],
    ]);
  });
  it("rejects a claim on a storage class not known to retain its disks", async () => {
    const stack = "data8-fa26";
    const changed = resources(stack).map((r) =>
      r.type === TYPES.pvc ? variant(r, (c) => (c.spec.storageClassName = "standard-rwo")) : r,
    );
    await expectViolations(changed, { stack }, [
      [
        policy,
        `Expected a protected claim or a storage class with reclaimPolicy Retain but found storage class standard-rwo, not known to retain its disks in PersistentVolumeClaim data8-fa26/hub-db; ${fixDb}`,
      ],
    ]);
  });
  it("rejects students' homes on the cluster default storage class outside dev", async () => {
    const stack = "data8-fa26";
    const changed = resources(stack).map((r) =>
      r.type === TYPES.configMap ? settingsVariant(r, (s) => (s.storage.storageClass = null)) : r,
    );
    await expectViolations(changed, { stack }, [
      [
        policy,
        "Expected students' home claims on a storage class with reclaimPolicy Retain but found the cluster's default storage class, whose reclaimPolicy is unknown in storage.storageClass of hub-settings.json of ConfigMap data8-fa26/hub-config-<digest>; set classhub:cluster.storageClasses.home to a Retain class",
      ],
    ]);
  });
  it("rejects dev's default-class volumes once dev is no longer exempt", async () => {
    const violations = await expectViolations(
      resources("dev"),
      { stack: "dev", config: { [policy]: { exemptStacks: [] } } },
      [
        [
          policy,
          `Expected a protected claim or a storage class with reclaimPolicy Retain but found the cluster's default storage class, whose reclaimPolicy is unknown in PersistentVolumeClaim demo-dev/hub-db; ${fixDb}`,
        ],
        [
          policy,
          "Expected students' home claims on a storage class with reclaimPolicy Retain but found the cluster's default storage class, whose reclaimPolicy is unknown in storage.storageClass of hub-settings.json of ConfigMap demo-dev/hub-config-<digest>; set classhub:cluster.storageClasses.home to a Retain class",
        ],
      ],
    );
    if (violations[0].resource !== "demo-dev-jupyterhub-hub-db")
      throw new Error(`reported against ${violations[0].resource}`);
  });
  it("passes a protected claim on the default storage class (near miss)", async () => {
    const changed = resources("dev").map((r) =>
      r.type === TYPES.pvc ? { ...r, options: { ...r.options, protect: true } } : r,
    );
    const settings = changed.map((r) =>
      r.type === TYPES.configMap ? settingsVariant(r, (s) => (s.storage.storageClass = "classhub-home")) : r,
    );
    await expectNone(settings, { stack: "dev", config: { [policy]: { exemptStacks: [] } }, only: policy });
  });
});
