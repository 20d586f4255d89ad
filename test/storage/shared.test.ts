// Shared homes on the TypeScript side: the stack-file keys and their errors, the hub settings, the volume and claim,
// the hub pod's share of the volume, the quota, and the refusal to switch where homes live.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig, type RawConfig } from "../../components/config";
import { deployment } from "../../components/hub/manifests";
import { hubSettings } from "../../components/hub/settings";
import { hubSharedStorage, SHARED_CLAIM } from "../../components/hub/sharedStorage";
import { platformContainers as platform } from "../../components/jupyterhub/manifests";
import { quotaHard } from "../../components/namespace/manifests";
import { homeStorage, PER_STUDENT, switchProblem } from "../../components/storage/homeStorage";
import { sharedClaim, sharedVolume } from "../../components/storage/sharedManifests";
import { problems, withClass } from "../support/stacks";

const NFS = { server: "10.0.0.2", path: "/exports/demo" };

const devWith = (storage: Record<string, unknown>, raw: Partial<RawConfig> = {}) =>
  withClass("dev", (c) => (c.storage = { ...c.storage, ...storage }), raw);
const cls = (storage: Record<string, unknown>) => parseConfig(devWith(storage)).class!;
const facts = { userPool: false };

describe("classhub:class.storage.shared: stack-file errors", () => {
  it("a course folder or staff view without a shared filesystem names the key", () => {
    assert.deepEqual(problems(devWith({ courseFolder: {}, staffHomes: {} })), [
      "classhub:class.storage.courseFolder = {}: needs storage.shared: it is a folder of the shared filesystem, and per-student disks have none",
      'classhub:class.storage.staffHomes = {"readOnly":true}: needs storage.shared: it is a folder of the shared filesystem, and per-student disks have none',
    ]);
  });

  it("an unknown source lists the three there are", () => {
    assert.deepEqual(problems(devWith({ shared: { ceph: {} } })), [
      "classhub:class.storage.shared: expected one of {nfs: {server, path}}, {claim: <name>}, {filestore: {}}; got {ceph}",
    ]);
  });

  it("an NFS path must be absolute and a claim a Kubernetes name", () => {
    assert.deepEqual(problems(devWith({ shared: { nfs: { server: "nfs.example.edu", path: "exports" } } })), [
      'classhub:class.storage.shared.nfs.path = "exports": expected an absolute path',
    ]);
    assert.deepEqual(problems(devWith({ shared: { claim: "Homes" } })), [
      'classhub:class.storage.shared.claim = "Homes": expected a PersistentVolumeClaim name',
    ]);
  });

  it("Filestore on the ambient cluster is refused: it has no classhub Filestore", () => {
    assert.deepEqual(problems(devWith({ shared: { filestore: {} } })), [
      "classhub:class.storage.shared.filestore = {}: the ambient cluster has no classhub Filestore instance; use shared.nfs or shared.claim",
    ]);
  });

  it("two mounts at one path are refused", () => {
    assert.deepEqual(problems(devWith({ shared: { nfs: NFS }, courseFolder: { mountPath: "/home/jovyan/" } })), [
      'classhub:class.storage.courseFolder.mountPath = "/home/jovyan/": is also storage.mountPath; give each mount its own path',
    ]);
  });
});

describe("shared homes in the hub settings", () => {
  it("per-student disks keep shared null", () => {
    assert.equal(hubSettings(cls({}), facts).storage.shared, null);
  });

  it("students mount their own home folder and the course folder read-only; staff also every home", () => {
    const shared = hubSettings(cls({ shared: { nfs: NFS }, courseFolder: {}, staffHomes: {} }), facts).storage.shared!;
    assert.equal(shared.claimName, SHARED_CLAIM);
    assert.deepEqual(shared.studentMounts, [
      { name: "home", mountPath: "/home/jovyan", subPath: "home/{username}", readOnly: false },
      { name: "home", mountPath: "/home/jovyan/course", subPath: "course", readOnly: true },
    ]);
    assert.deepEqual(shared.staffMounts, [
      { name: "home", mountPath: "/home/jovyan", subPath: "home/{username}", readOnly: false },
      { name: "home", mountPath: "/home/jovyan/course", subPath: "course", readOnly: false },
      { name: "home", mountPath: "/home/jovyan/homes", subPath: "home", readOnly: true },
    ]);
  });

  it("a platform team's claim is mounted by its name", () => {
    assert.equal(hubSettings(cls({ shared: { claim: "ds-homes" } }), facts).storage.shared!.claimName, "ds-homes");
  });

  it("on Filestore each class keeps to the folder named after its namespace", () => {
    const raw = devWith(
      { shared: { filestore: {} } },
      { cluster: { source: "stack", stack: "ucb/classhub/platform" } },
    );
    const shared = hubSettings(parseConfig(raw).class!, facts).storage.shared!;
    assert.deepEqual(
      shared.studentMounts.map((m) => m.subPath),
      ["demo-dev/home/{username}"],
    );
  });
});

describe("the shared volume and claim", () => {
  it("an NFS volume is Retain, ReadWriteMany and reserved for the class's claim, which binds it by name", () => {
    const pv = sharedVolume("demo-dev", NFS, "2Ti") as any;
    assert.equal(pv.metadata.name, "classhub-demo-dev-shared");
    assert.deepEqual(pv.spec, {
      capacity: { storage: "2Ti" },
      accessModes: ["ReadWriteMany"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "",
      claimRef: { namespace: "demo-dev", name: SHARED_CLAIM },
      nfs: NFS,
    });
    const pvc = sharedClaim("demo-dev", "2Ti") as any;
    assert.deepEqual(pvc.spec, {
      accessModes: ["ReadWriteMany"],
      storageClassName: "",
      volumeName: "classhub-demo-dev-shared",
      resources: { requests: { storage: "2Ti" } },
    });
  });

  it("the hub pod mounts the whole volume and creates the class's folders before it starts", () => {
    const c = cls({ shared: { nfs: NFS }, courseFolder: {} });
    const spec = (deployment as any)({
      namespace: "demo-dev",
      image: "hub:1",
      configMapName: "c",
      secretName: "s",
      secretKeys: [],
      proxyToken: { name: "p", key: "k" },
      serviceAccountName: "hub",
      claimName: "hub-db",
      configChecksum: "x",
      secretChecksum: "y",
      nodeSelector: {},
      resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
      shared: hubSharedStorage(c),
    }).spec.template.spec;
    assert.deepEqual(spec.volumes.at(-1), { name: "shared", persistentVolumeClaim: { claimName: SHARED_CLAIM } });
    assert.deepEqual(spec.containers[0].volumeMounts.at(-1), { name: "shared", mountPath: "/srv/classhub-shared" });
    const [prepare] = spec.initContainers;
    assert.deepEqual(prepare.command.slice(3), ["/srv/classhub-shared", "home", "course"]);
    assert.equal(prepare.securityContext.runAsNonRoot, true);
    assert.equal(spec.securityContext.fsGroup, 100);
    assert.equal(spec.securityContext.runAsUser, 1000);
  });
});

describe("the namespace quota with shared homes", () => {
  it("counts the one shared claim, not a home per student", () => {
    const hard = quotaHard(cls({ shared: { nfs: { ...NFS, capacity: "100Gi" } } }), platform(cls({})));
    assert.equal(hard.persistentvolumeclaims, "2");
    assert.equal(hard["requests.storage"], "101Gi");
  });

  it("sets no storage limit for a platform team's claim of unknown size, unless quota.storage says one", () => {
    const c = cls({ shared: { claim: "ds-homes" } });
    assert.equal(quotaHard(c, platform(c))["requests.storage"], undefined);
    const limited = parseConfig(
      withClass("dev", (k) => {
        k.storage = { shared: { claim: "ds-homes" } };
        k.quota = { storage: "5Ti" };
      }),
    ).class!;
    assert.equal(quotaHard(limited, platform(limited))["requests.storage"], "5Ti");
  });
});

describe("switching where homes live", () => {
  const shared = cls({ shared: { nfs: NFS } });
  const disks = cls({});

  it("a new stack, or the same storage as the last run, passes", () => {
    assert.equal(switchProblem({ deployed: false }, shared), undefined);
    assert.equal(switchProblem({ deployed: true, homeStorage: homeStorage(shared) }, shared), undefined);
  });

  it("from per-student disks to a shared filesystem is refused, naming the key, both places and the way out", () => {
    assert.equal(
      switchProblem({ deployed: true, homeStorage: PER_STUDENT }, shared),
      "classhub:class.storage.shared: this class keeps its homes on per-student disks, and the stack file now says " +
        "nfs 10.0.0.2:/exports/demo; students would start with empty homes while their files stay behind. Nothing " +
        "was changed. To move homes, stop every server, copy each home to its new place (docs/course-staff.md, " +
        'moving homes), then set classhub:class.storage.switchedFrom to "per-student disks"; or undo the change to ' +
        "storage.shared",
    );
  });

  it("a stack from before the record had per-student disks; back from shared is refused too", () => {
    assert.match(switchProblem({ deployed: true }, shared)!, /keeps its homes on per-student disks/);
    assert.match(
      switchProblem({ deployed: true, homeStorage: homeStorage(shared) }, disks)!,
      /keeps its homes on nfs 10.0.0.2:\/exports\/demo, and the stack file now says per-student disks/,
    );
  });

  it("switchedFrom naming the previous storage lets that one switch through", () => {
    const acknowledged = cls({ shared: { nfs: NFS }, switchedFrom: PER_STUDENT });
    assert.equal(switchProblem({ deployed: true, homeStorage: PER_STUDENT }, acknowledged), undefined);
    assert.notEqual(switchProblem({ deployed: true, homeStorage: "claim other" }, acknowledged), undefined);
  });
});
