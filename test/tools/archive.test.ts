// `npm run archive`: destinations, a class's homes, and the archive, verify and restore Jobs as the API server
// gets them (Pod Security "restricted", homes read-only, the bucket's narrow egress); the Jobs' shell run for real
// on this machine's sh over folders; the manifest compared with what the verify Job reads back.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  ARCHIVE_CLAIM,
  archiveAccount,
  archiveClaim,
  archiveJob,
  type Destination,
  gcsEgressPolicy,
  homesOf,
  IMAGES,
  parseDestination,
  restoreJob,
  runId,
  verifyJob,
} from "../../tools/classes/archiveJobs";
import { archivedRows, deletionSteps, verifyProblems } from "../../tools/classes/archiveManifest";
import { ARCHIVE_SCRIPT, MANIFEST_COLUMNS, RESTORE_SCRIPT, VERIFY_SCRIPT } from "../../tools/classes/archiveScripts";
import { ToolError } from "../../tools/classes/cli";
import { program } from "../../tools/classes/archive";

const NS = "data8-fa26";
const RUN = "20261212-170405";
const VOLUME: Destination = { kind: "volume", volume: "term-archives" };
const BUCKET: Destination = { kind: "gcs", url: "gs://ucb-classhub-archives/fa26" };
const CLAIMS: ReturnType<typeof homesOf> = { kind: "claims", claims: ["claim-alice", "claim-bob"] };

/** The volume types Pod Security "restricted" admits (Kubernetes' Pod Security Standards). */
const RESTRICTED_VOLUMES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

/** Why a pod spec breaks Pod Security "restricted", as its admission checks it; empty when it complies. */
function restrictedProblems(spec: any): string[] {
  const pod = spec.securityContext ?? {};
  return [
    ...spec.volumes.flatMap((v: any) =>
      Object.keys(v)
        .filter((k) => k !== "name" && !RESTRICTED_VOLUMES.includes(k))
        .map((k) => `volume ${v.name}: ${k}`),
    ),
    ...(spec.hostNetwork || spec.hostPID || spec.hostIPC ? ["host namespaces"] : []),
    ...spec.containers.flatMap((c: any) => {
      const s = c.securityContext ?? {};
      const nonRoot = (s.runAsNonRoot ?? pod.runAsNonRoot) === true && (s.runAsUser ?? pod.runAsUser) !== 0;
      const seccomp = (s.seccompProfile ?? pod.seccompProfile)?.type;
      return [
        ...(s.privileged ? [`${c.name}: privileged`] : []),
        ...(s.allowPrivilegeEscalation === false ? [] : [`${c.name}: allowPrivilegeEscalation`]),
        ...(s.capabilities?.drop?.includes("ALL") ? [] : [`${c.name}: capabilities not dropped`]),
        ...((s.capabilities?.add ?? []).length > 0 ? [`${c.name}: capabilities added`] : []),
        ...(nonRoot ? [] : [`${c.name}: may run as root`]),
        ...(["RuntimeDefault", "Localhost"].includes(seccomp) ? [] : [`${c.name}: seccomp ${seccomp}`]),
      ];
    }),
  ];
}

const podOf = (job: any) => job.spec.template.spec;
const mountsOf = (job: any) => podOf(job).containers[0].volumeMounts as any[];
const envOf = (job: any) => Object.fromEntries(podOf(job).containers[0].env.map((e: any) => [e.name, e.value]));

describe("archive destinations", () => {
  const refused = (value: string, gke: boolean) => {
    try {
      parseDestination("--to", value, gke);
    } catch (e) {
      assert.ok(e instanceof ToolError);
      assert.equal(e.exitCode, 2);
      return e.message;
    }
    assert.fail(`${value} was accepted`);
  };

  it("takes a bucket on GKE and a volume anywhere", () => {
    assert.deepEqual(parseDestination("--to", "gs://ucb-archives/fa26/", true), {
      kind: "gcs",
      url: "gs://ucb-archives/fa26",
    });
    assert.deepEqual(parseDestination("--to", "pv:term-archives", false), { kind: "volume", volume: "term-archives" });
  });

  it("refuses a bucket off GKE, a claim, a node directory and anything else, saying what is allowed", () => {
    assert.equal(
      refused("gs://ucb-archives", false),
      "--to gs://ucb-archives: a bucket is written through GKE's Workload Identity; use pv:<volume> " +
        "(gs:// needs a class on GKE)",
    );
    assert.equal(
      refused("pvc:archives/term", false),
      "--to pvc:archives/term: a Job mounts only claims of its own namespace, and the class namespace is deleted " +
        "at the end of term; give the claim's volume as pv:<volume>, which the tool lends to the class namespace " +
        "for the Job's run",
    );
    assert.equal(
      refused("/srv/archives", false),
      '--to /srv/archives: a node directory needs hostPath, which Pod Security "restricted" refuses in a class ' +
        "namespace",
    );
    assert.equal(refused("s3://bucket", true), "--to s3://bucket: expected gs://<bucket>[/<path>] or pv:<volume>");
  });
});

describe("a class's homes", () => {
  it("per-student disks are the claim-<home> claims, without the hub database", () => {
    assert.deepEqual(homesOf("per-student disks", NS, ["hub-db", "claim-bob", "claim-alice", "claim-bob--project"]), {
      kind: "claims",
      claims: ["claim-alice", "claim-bob", "claim-bob--project"],
    });
    assert.deepEqual(homesOf(undefined, NS, ["claim-a"]), { kind: "claims", claims: ["claim-a"] }, "older stacks");
  });

  it("shared homes are folders of the class's claim: under <namespace>/ on Filestore", () => {
    assert.deepEqual(homesOf("claim course-homes", NS, []), { kind: "shared", claim: "course-homes", folder: "home" });
    assert.deepEqual(homesOf("nfs 10.0.0.2:/homes", NS, []), {
      kind: "shared",
      claim: "classhub-shared",
      folder: "home",
    });
    assert.deepEqual(homesOf("filestore", NS, []), {
      kind: "shared",
      claim: "classhub-shared",
      folder: `${NS}/home`,
    });
  });
});

describe("the archive Job", () => {
  const job = archiveJob(NS, RUN, CLAIMS, VOLUME, IMAGES.volume);

  it('complies with Pod Security "restricted", runs as the students\' uid and tries once', () => {
    assert.deepEqual(restrictedProblems(podOf(job)), []);
    assert.equal(podOf(job).securityContext.runAsUser, 1000);
    assert.equal(podOf(job).securityContext.fsGroup, 100);
    assert.equal(podOf(job).automountServiceAccountToken, false);
    assert.equal(job.spec.backoffLimit, 0);
    assert.equal(job.metadata.namespace, NS);
  });

  it("mounts every home read-only, in the volume and in the container, and the lent volume writable", () => {
    assert.deepEqual(
      podOf(job).volumes.map((v: any) => [v.name, v.persistentVolumeClaim]),
      [
        ["archive", { claimName: ARCHIVE_CLAIM, readOnly: false }],
        ["home-0", { claimName: "claim-alice", readOnly: true }],
        ["home-1", { claimName: "claim-bob", readOnly: true }],
      ],
    );
    assert.deepEqual(
      mountsOf(job).map((m) => [m.mountPath, m.readOnly === true]),
      [
        ["/archive", false],
        ["/homes/alice", true],
        ["/homes/bob", true],
      ],
    );
    assert.deepEqual(envOf(job), { ARCHIVE: "/archive", HOMES: "/homes", SOURCE: "claim-" });
    assert.deepEqual(podOf(job).containers[0].command.slice(0, 2), ["sh", "-c"]);
    assert.deepEqual(podOf(job).containers[0].command.slice(3), [`${NS}/${RUN}`]);
  });

  it("mounts the shared volume's home folder read-only, and names each home's source by its folder", () => {
    const shared = archiveJob(NS, RUN, homesOf("filestore", NS, []), VOLUME, IMAGES.volume);
    assert.deepEqual(podOf(shared).volumes[1], {
      name: "homes",
      persistentVolumeClaim: { claimName: "classhub-shared", readOnly: true },
    });
    assert.deepEqual(mountsOf(shared)[1], {
      name: "homes",
      mountPath: "/homes",
      subPath: `${NS}/home`,
      readOnly: true,
    });
    assert.equal(envOf(shared).SOURCE, `${NS}/home/`);
  });

  it("for a bucket: scratch space, gcloud's pinned image, the archive account and the bucket's URL", () => {
    const gcs = archiveJob(NS, RUN, CLAIMS, BUCKET, IMAGES.gcs);
    assert.deepEqual(restrictedProblems(podOf(gcs)), []);
    assert.deepEqual(podOf(gcs).volumes[0], { name: "archive", emptyDir: {} });
    assert.equal(podOf(gcs).serviceAccountName, "classhub-archive");
    assert.equal(envOf(gcs).UPLOAD, "gs://ucb-classhub-archives/fa26");
    assert.match(
      podOf(gcs).containers[0].image,
      /^gcr\.io\/google\.com\/cloudsdktool\/google-cloud-cli:\d+\.\d+\.\d+-slim$/,
    );
    assert.equal(podOf(job).serviceAccountName, undefined, "a volume's Jobs run as no account of their own");
  });

  it("pins its default images by tag", () => {
    for (const image of Object.values(IMAGES)) assert.match(image, /:[0-9][\w.-]*$/);
  });
});

describe("the verify and restore Jobs", () => {
  it("verify mounts the destination read-only and nothing of the class", () => {
    const job = verifyJob(NS, RUN, VOLUME, IMAGES.volume);
    assert.deepEqual(restrictedProblems(podOf(job)), []);
    assert.deepEqual(podOf(job).volumes, [
      { name: "archive", persistentVolumeClaim: { claimName: ARCHIVE_CLAIM, readOnly: true } },
    ]);
    assert.deepEqual(mountsOf(job), [{ name: "archive", mountPath: "/archive", readOnly: true }]);
  });

  it("restore writes into the student's claim, or their folder of the shared volume, from a read-only archive", () => {
    const own = restoreJob(NS, { home: "alice", at: RUN }, CLAIMS, VOLUME, IMAGES.volume);
    assert.deepEqual(restrictedProblems(podOf(own)), []);
    assert.deepEqual(podOf(own).volumes[1], { name: "home", persistentVolumeClaim: { claimName: "claim-alice" } });
    assert.deepEqual(mountsOf(own)[1], { name: "home", mountPath: "/restore/alice" });
    assert.equal(mountsOf(own)[0].readOnly, true);
    assert.deepEqual(podOf(own).containers[0].command.slice(3), [NS, "alice"]);
    assert.equal(envOf(own).RUN, "", "the latest run");
    const shared = restoreJob(NS, { home: "alice", run: RUN, at: RUN }, homesOf("claim x", NS, []), VOLUME, "i:1");
    assert.deepEqual(mountsOf(shared)[1], { name: "home", mountPath: "/restore", subPath: "home" });
    assert.equal(envOf(shared).RUN, RUN);
  });
});

describe("the lent claim, the bucket's account and its egress", () => {
  it("the claim binds the named volume only, in its own class, asking for next to nothing", () => {
    const claim = archiveClaim(NS, { name: "term-archives", accessModes: ["ReadWriteOnce"] });
    assert.deepEqual(claim.spec, {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "",
      volumeName: "term-archives",
      resources: { requests: { storage: "1Mi" } },
    });
  });

  it("the account carries the Google service account for Workload Identity when given", () => {
    const account = archiveAccount(NS, "archiver@ucb-classhub.iam.gserviceaccount.com");
    assert.deepEqual(account.metadata.annotations, {
      "iam.gke.io/gcp-service-account": "archiver@ucb-classhub.iam.gserviceaccount.com",
    });
    assert.equal(archiveAccount(NS).metadata.annotations, undefined);
  });

  it("a bucket's pods reach DNS, the metadata server's token and HTTPS outside private ranges, nothing else", () => {
    const policy = gcsEgressPolicy(NS);
    const job = archiveJob(NS, RUN, CLAIMS, BUCKET, IMAGES.gcs);
    const selected = Object.entries(policy.spec.podSelector.matchLabels).every(
      ([k, v]) => job.spec.template.metadata.labels[k] === v,
    );
    assert.ok(selected, "the policy selects the Job's pods");
    assert.deepEqual(policy.spec.policyTypes, ["Egress"]);
    assert.deepEqual(
      policy.spec.egress.slice(1).map((r: any) => [r.to[0].ipBlock.cidr, r.ports[0].port, r.to[0].ipBlock.except]),
      [
        ["169.254.169.254/32", 80, undefined],
        ["169.254.169.252/32", 988, undefined],
        ["0.0.0.0/0", 443, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]],
      ],
    );
  });
});

/** Runs one of the Jobs' scripts with this machine's sh, with the Job's mounts as folders of `root`. */
function sh(script: string, args: string[], env: Record<string, string>): string {
  return execFileSync("sh", ["-c", script, ...args], { env: { PATH: process.env.PATH!, ...env }, encoding: "utf8" });
}

describe("the Jobs' shell, run for real over folders", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "archive-test-"));
  const dirs = { ARCHIVE: path.join(root, "archive"), HOMES: path.join(root, "homes") };
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  write(path.join(dirs.HOMES, "alice", "hw 1.ipynb"), "{}\n");
  write(path.join(dirs.HOMES, "alice", "data", "big.csv"), "a,b\n1,2\n");
  write(path.join(dirs.HOMES, "bob", ".bashrc"), "# bob\n");
  fs.mkdirSync(path.join(dirs.HOMES, "carol"));
  fs.mkdirSync(path.join(dirs.HOMES, "alice", "lost+found"));
  fs.mkdirSync(dirs.ARCHIVE);
  const log = sh(ARCHIVE_SCRIPT, [`${NS}/${RUN}`], { ...dirs, SOURCE: "claim-" });
  const rows = archivedRows(log);
  const out = path.join(dirs.ARCHIVE, NS, RUN);

  it("archives each home into a tar.gz with its manifest line: files, bytes, archive bytes, sha256", () => {
    assert.deepEqual(
      rows.map((r) => [r.student, r.source, r.files, r.bytes]),
      [
        ["alice", "claim-alice", 2, 11],
        ["bob", "claim-bob", 1, 6],
        ["carol", "claim-carol", 0, 0],
      ],
    );
    for (const r of rows) {
      const file = path.join(out, `${r.student}.tar.gz`);
      assert.equal(r.archiveBytes, fs.statSync(file).size);
      assert.equal(r.sha256, execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0]);
    }
    const manifest = fs.readFileSync(path.join(out, "manifest.tsv"), "utf8").trim().split("\n");
    assert.equal(manifest[0], MANIFEST_COLUMNS.join("\t"));
    assert.equal(manifest[1], `alice\tclaim-alice\t2\t11\t${rows[0].archiveBytes}\t${rows[0].sha256}`);
    assert.equal(
      execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, encoding: "utf8" }),
      "alice.tar.gz: OK\nbob.tar.gz: OK\ncarol.tar.gz: OK\n",
    );
  });

  it("leaves lost+found out, and keeps dotfiles and names with spaces", () => {
    const list = execFileSync("tar", ["-tzf", path.join(out, "alice.tar.gz")], { encoding: "utf8" });
    assert.ok(!list.includes("lost+found"), list);
    assert.match(list, /^\.\/hw 1\.ipynb$/m);
    assert.match(execFileSync("tar", ["-tzf", path.join(out, "bob.tar.gz")], { encoding: "utf8" }), /\.bashrc/);
  });

  it("verify reads back what the manifest says; a changed archive is named", () => {
    const verified = sh(VERIFY_SCRIPT, [`${NS}/${RUN}`], { ARCHIVE: dirs.ARCHIVE });
    assert.deepEqual(verifyProblems(rows, verified), []);
    const tampered = verified.replace(rows[1].sha256, "0".repeat(64));
    assert.deepEqual(verifyProblems(rows, tampered), [
      `bob: sha256 ${"0".repeat(64)}, the manifest says ${rows[1].sha256}`,
    ]);
    const dropped = verified
      .split("\n")
      .filter((l) => !l.startsWith("verified\tcarol"))
      .join("\n");
    assert.deepEqual(verifyProblems(rows, dropped), ["carol: not read back from the destination"]);
  });

  it("restore writes one home back from the latest run, after checking its sha256", () => {
    const target = path.join(root, "restore");
    const done = sh(RESTORE_SCRIPT, [NS, "alice"], { ARCHIVE: dirs.ARCHIVE, RESTORE: target, RUN: "" });
    assert.equal(done, `restored\talice\t${NS}/${RUN}\t${rows[0].sha256}\n`);
    assert.equal(fs.readFileSync(path.join(target, "alice", "data", "big.csv"), "utf8"), "a,b\n1,2\n");
    fs.appendFileSync(path.join(out, "bob.tar.gz"), "x");
    assert.throws(
      () => sh(RESTORE_SCRIPT, [NS, "bob"], { ARCHIVE: dirs.ARCHIVE, RESTORE: target, RUN }),
      /bob\.tar\.gz: sha256 [0-9a-f]{64}, the manifest says/,
    );
    assert.throws(
      () => sh(RESTORE_SCRIPT, [NS, "dave"], { ARCHIVE: dirs.ARCHIVE, RESTORE: target, RUN }),
      /no home dave in the manifest/,
    );
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe("the command", () => {
  it("names each run by its UTC start, a valid Job name", () => {
    assert.equal(runId(new Date("2026-12-12T17:04:05.123Z")), RUN);
  });

  it("prints the README's deletion steps for the class", () => {
    assert.match(deletionSteps("data8-fa26", NS), /pulumi destroy --stack data8-fa26\n {2}kubectl delete namespace/);
  });

  it("gives restore the options written after it", async () => {
    const cmd = program();
    const restore = cmd.commands.find((c) => c.name() === "restore")!;
    restore.action(() => undefined);
    await cmd.parseAsync(["restore", "s", "--from", "pv:v", "--student", "a", "--image", "i:1", "--run", "r"], {
      from: "user",
    });
    assert.deepEqual(restore.opts(), { from: "pv:v", student: "a", image: "i:1", run: "r", timeout: "6h" });
  });

  it("has --help for archive and restore", () => {
    assert.match(program().helpInformation(), /--to <destination>/);
    const restore = program().commands.find((c) => c.name() === "restore")!;
    assert.match(restore.helpInformation(), /--student <home>/);
  });
});
