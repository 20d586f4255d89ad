// The real Pulumi engine against a real kube-apiserver on 127.0.0.1 (tools/controlplane): no mocks.
// Run with `make test-live`; it needs the toolchain from tools/toolchain/build.sh.
// The control plane is shared; each top-level test deploys a class stack of its own (stack dev-<name>, namespace
// <name>-dev, its own node port), so they run side by side and none depends on another's leftovers. Checks of
// one deploy that change nothing are subtests of the test that made it: a deploy costs seconds of CPU.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { kubernetesObjects } from "../../tools/dev/render";
import { LiveEnv, ROOT } from "../../tools/harness/liveenv";
import { runStack } from "../../tools/harness/mockrun";
import { listStacks } from "../../tools/harness/stackfile";
import { waitFor } from "../support/wait";
import { Live, linesWith, steps } from "./support";

let env: LiveEnv;
let live: Live;

before(() => {
  env = new LiveEnv();
  env.start();
  live = new Live(env);
});

after(() => env?.stop());

// Three at a time: the engine, the language host and the providers of one deploy leave a CPU idle part of the time.
describe("pulumi up on a real API server", { concurrency: 3 }, () => {
  // Checks of one fresh deploy, each a test of its own; none changes the stack but the last, which runs `up` again.
  it("a dev stack of its own, deployed once", async (t) => {
    const s = await live.classStack("fresh", 30081);
    const firstUp = await s.deploy("--json");

    await t.test("creates every object of the dev stack and the API server accepts them", async () => {
      const ns = await live.json("get", "namespace", s.ns);
      assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
      assert.deepEqual(await live.names("deployments", s.ns), ["hub", "proxy"]);
      assert.deepEqual(await live.names("services", s.ns), ["hub", "proxy-api", "proxy-public"]);
      assert.ok((await live.names("secrets", s.ns)).includes("proxy-api-token"));
      assert.deepEqual(await live.names("persistentvolumeclaims", s.ns), ["hub-db"]);
      assert.equal((await live.names("networkpolicies", s.ns)).length, 4);
      assert.equal((await live.names("resourcequotas", s.ns)).length, 1);
      assert.equal((await live.names("limitranges", s.ns)).length, 1);
      assert.deepEqual(
        (await live.names("serviceaccounts", s.ns)).filter((n) => n === "hub"),
        ["hub"],
      );
    });

    await t.test("creates the Services before the pods that look them up, and the proxy before the hub", () => {
      const events = steps(firstUp);
      const at = (phase: "pre" | "done", kind: string, name: string) => {
        const i = events.findIndex((e) => e.phase === phase && e.kind === kind && e.name === name);
        assert.ok(i >= 0, `no ${phase} event for ${kind}/${name}`);
        return i;
      };
      const hubStarts = at("pre", "Deployment", "hub");
      assert.ok(at("done", "Service", "hub") < hubStarts, "the hub Service exists before the hub");
      assert.ok(at("done", "Service", "proxy-api") < hubStarts, "proxy-api exists before the hub");
      assert.ok(at("done", "Deployment", "proxy") < hubStarts, "the proxy is up before the hub");
      assert.ok(at("done", "Secret", "proxy-api-token") < at("pre", "Deployment", "proxy"));
    });

    await t.test("the hub's NetworkPolicy lets it reach this API server where pods reach it", async () => {
      const slice = await live.json("get", "endpointslice", "kubernetes", "-n", "default");
      const addresses = (slice.endpoints as any[]).flatMap((e) => e.addresses as string[]);
      const ports = (slice.ports as any[]).map((p) => p.port as number);
      // The local control plane serves on 26443: neither 443 nor 6443.
      assert.deepEqual(ports, [26443]);
      const hubPolicy = ((await live.json("get", "networkpolicies", "-n", s.ns)).items as any[]).find(
        (p) => p.spec.podSelector.matchLabels?.["app.kubernetes.io/component"] === "hub",
      );
      assert.deepEqual(
        hubPolicy.spec.egress.filter((rule: any) => rule.ports?.some((p: any) => p.port === 26443)),
        [{ to: addresses.map((a) => ({ ipBlock: { cidr: `${a}/32` } })), ports: [{ protocol: "TCP", port: 26443 }] }],
      );
    });

    await t.test(
      "Pod Security admission admits every pod template at restricted, and rejects a privileged one",
      async () => {
        for (const d of (await live.json("get", "deployments", "-n", s.ns)).items as any[]) {
          const name = `${d.metadata.name}-check`;
          const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name, namespace: s.ns },
            spec: d.spec.template.spec,
          };
          await live.kubectl("create", "--dry-run=server", "-f", live.file(pod));
          const [container] = pod.spec.containers;
          container.securityContext = {
            ...container.securityContext,
            privileged: true,
            allowPrivilegeEscalation: true,
          };
          const file = live.file(pod);
          const r = await live.run("kubectl", ["create", "--dry-run=server", "-f", file]);
          assert.equal(r.status, 1);
          assert.equal(
            r.stderr,
            `Error from server (Forbidden): error when creating "${file}": pods "${name}" is forbidden: ` +
              `violates PodSecurity "restricted:latest": privileged (container "${container.name}" must not set ` +
              `securityContext.privileged=true), allowPrivilegeEscalation != false (container "${container.name}" ` +
              `must set securityContext.allowPrivilegeEscalation=false)\n`,
          );
        }
        // The controller manager makes the Deployments' pods: admission lets them in for real.
        await waitFor(
          async () => {
            const pods = await live.names("pods", s.ns);
            assert.deepEqual(
              pods.map((p) => p.replace(/-[0-9a-z]+-[0-9a-z]+$/, "")),
              ["hub", "proxy"],
            );
            return true;
          },
          60_000,
          `the hub's and the proxy's pods in ${s.ns}`,
        );
      },
    );

    await t.test("a second up changes nothing", async () => {
      const r = await s.up("--expect-no-changes");
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  });

  it("changing the image and the roster updates in place: no namespace, claim or Service is replaced", async () => {
    const s = await live.classStack("update", 30086);
    await s.deploy();
    const uids = () =>
      Promise.all([
        live.uid("namespace", s.ns),
        live.uid("pvc", "hub-db", s.ns),
        ...["hub", "proxy-api", "proxy-public"].map((svc) => live.uid("service", svc, s.ns)),
      ]);
    const before = await uids();
    s.write((c) => {
      c.image = "quay.io/jupyter/scipy-notebook:2025-10-06";
      c.roster = [...c.roster, "student4"];
    });
    const preview = await s.preview("--json");
    assert.equal(preview.status, 0, preview.stderr);
    const planned = JSON.parse(preview.stdout).steps as any[];
    assert.ok(planned.some((step) => step.op === "update"));
    // Only the hub ConfigMap is replaced: its name carries a digest of its content, and the new name rolls the hub.
    // Nothing else, and nothing that holds data, is replaced or deleted.
    const replaced = planned.filter((step) => /replace|delete/.test(step.op)).map((step) => step.urn.split("::")[2]);
    assert.deepEqual(
      [...new Set(replaced)],
      ["classhub:classhub:ClassHub$classhub:jupyterhub:JupyterHub$classhub:hub:Hub$kubernetes:core/v1:ConfigMap"],
    );
    await s.deploy();
    assert.deepEqual(await uids(), before);
    const config = (await live.json("get", "configmaps", "-n", s.ns)).items.find(
      (c: any) => c.data?.["hub-settings.json"],
    );
    const settings = JSON.parse(config.data["hub-settings.json"]);
    assert.equal(settings.spawner.image, "quay.io/jupyter/scipy-notebook:2025-10-06");
    assert.deepEqual(settings.auth.allowedUsers, ["student1", "student2", "student3", "student4"]);
  });

  it("two classes of their own, side by side", async (t) => {
    const first = await live.classStack("first", 30087);
    const second = await live.classStack("second", 30088);
    await first.deploy();
    await second.deploy();

    await t.test("a second class deploys beside the first without colliding", async () => {
      assert.deepEqual(await live.names("deployments", second.ns), ["hub", "proxy"]);
      assert.deepEqual(await live.names("deployments", first.ns), ["hub", "proxy"]);
    });

    await t.test(
      "the hub's RBAC reaches its own namespace only; the proxy and student pods get no API rights",
      async () => {
        const hub = `system:serviceaccount:${first.ns}:hub`;
        // The authorizer learns of new Roles and bindings from a watch: wait until it grants the hub's own rights.
        await waitFor(() => live.allowed(hub, "create", "pods", first.ns), 30_000, `RBAC to let ${hub} create pods`);
        for (const resource of ["pods", "persistentvolumeclaims"]) {
          for (const verb of ["create", "get", "list", "watch", "delete"]) {
            assert.equal(await live.allowed(hub, verb, resource, first.ns), true, `${verb} ${resource}`);
            assert.equal(
              await live.allowed(hub, verb, resource, second.ns),
              false,
              `${verb} ${resource} in the other class`,
            );
          }
        }
        assert.equal(await live.allowed(hub, "get", "secrets", "kube-system"), false);
        assert.equal(await live.allowed(hub, "list", "secrets", second.ns), false);
        // The proxy and student servers run as the namespace's default account, with no token mounted.
        const pod = (await live.json("get", "deployment", "proxy", "-n", first.ns)).spec.template.spec;
        assert.equal(pod.automountServiceAccountToken, false);
        for (const verb of ["get", "list", "create"]) {
          assert.equal(await live.allowed(`system:serviceaccount:${first.ns}:default`, verb, "pods", first.ns), false);
        }
      },
    );
  });

  it("the policy pack passes the dev stack, and rejects it when the pack config forbids dummy login", async () => {
    const s = await live.classStack("policy", 30091);
    const pack = path.join(ROOT, "policy");
    const pass = await s.preview("--policy-pack", pack);
    assert.equal(pass.status, 0, pass.stdout + pass.stderr);
    const config = live.file({ "classhub-disallow-open-authentication": { allowedStacks: [] } });
    const fail = await s.preview("--policy-pack", pack, "--policy-pack-config", config);
    assert.notEqual(fail.status, 0);
    // The ConfigMap's name ends in a digest of its content.
    const violations = linesWith(fail.stdout + fail.stderr, "Expected github, google, generic-oauth or cilogon login");
    assert.deepEqual(
      violations.map((v) => v.replace(/\/hub-config-[0-9a-f]{10};/, "/hub-config-<digest>;")),
      [
        `Expected github, google, generic-oauth or cilogon login in stack "${s.name}" but found auth type "dummy" in ` +
          `hub-settings.json of ConfigMap ${s.ns}/hub-config-<digest>; set ` +
          `classhub:class.auth.type to github, google, generic-oauth or cilogon (this pack allows "dummy" in no stack)`,
      ],
    );
  });

  it("the CLI refuses a pack config that breaks a policy's schema, or names an unknown enforcement level", async () => {
    const s = await live.classStack("pack-config", 30094);
    const pack = path.join(ROOT, "policy");
    const schema = await s.preview(
      ...["--policy-pack", pack, "--policy-pack-config"],
      live.file({
        "classhub-require-idle-culling": { maxTimeoutMinutes: "two hours" },
        "classhub-require-hub-admins": { minAdmins: 0 },
        "classhub-require-release-channel": { allowedChannels: ["NIGHTLY"] },
      }),
    );
    assert.equal(schema.status, 1);
    const refused = "error: validating policy config: classhub 0.1.0  ";
    assert.deepEqual(linesWith(schema.stdout.slice(schema.stdout.indexOf("Diagnostics:")), "error:"), [
      `${refused}classhub-require-hub-admins: minAdmins: Must be greater than or equal to 1`,
      `${refused}classhub-require-idle-culling: maxTimeoutMinutes: Invalid type. Expected: integer, given: string`,
      `${refused}classhub-require-release-channel: allowedChannels.0: allowedChannels.0 must be one of the following: "RAPID", "REGULAR", "STABLE", "EXTENDED"`,
    ]);
    const level = await s.preview(
      ...["--policy-pack", pack, "--policy-pack-config"],
      live.file({ "classhub-require-idle-culling": "strict" }),
    );
    assert.equal(level.status, 1);
    assert.equal(
      level.stderr,
      'error: parsing enforcement level for "classhub-require-idle-culling": "strict" is not a valid enforcement level\n',
    );
  });

  it("a bad config fails before anything is created", async () => {
    const s = await live.classStack("bad", 30092, (c) => (c.resources = { memoryLimit: "lots" }));
    const r = await s.up();
    assert.notEqual(r.status, 0);
    assert.deepEqual(linesWith(r.stdout + r.stderr, "classhub:class.resources.memoryLimit"), [
      '- classhub:class.resources.memoryLimit = "lots": expected a whole number of bytes (1951419879 or "1951419879") or a quantity such as 512Mi, 2Gi or 1.5G (suffixes Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E), at least one byte',
    ]);
    const exported = await live.pulumi("stack", "export", "--stack", s.name);
    assert.equal(exported.status, 0, exported.stderr);
    const state = JSON.parse(exported.stdout);
    assert.deepEqual(
      (state.deployment.resources ?? []).map((r: any) => r.type),
      ["pulumi:pulumi:Stack"],
    );
    const ns = await live.run("kubectl", ["get", "namespace", s.ns]);
    assert.deepEqual(ns, {
      status: 1,
      stdout: "",
      stderr: `Error from server (NotFound): namespaces "${s.ns}" not found\n`,
    });
  });

  it("destroy keeps the namespace, the students' homes and the hub database; the next up adopts them", async () => {
    const s = await live.classStack("destroy", 30093);
    await s.deploy();
    // A home claim as KubeSpawner makes it, outside Pulumi.
    const claim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "claim-student1", namespace: s.ns },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    };
    await live.kubectl("create", "-f", live.file(claim));
    const kept = () =>
      Promise.all([
        live.uid("namespace", s.ns),
        live.uid("pvc", "claim-student1", s.ns),
        live.uid("pvc", "hub-db", s.ns),
      ]);
    const before = await kept();

    const destroy = await s.destroy();
    assert.equal(destroy.status, 0, destroy.stdout + destroy.stderr);
    assert.deepEqual(await kept(), before);
    assert.equal((await live.json("get", "namespace", s.ns)).status.phase, "Active");
    // Deleted without waiting (skipAwait): gone once the API server has finished with them.
    await waitFor(
      async () => {
        assert.deepEqual(await live.names("deployments", s.ns), []);
        assert.deepEqual(await live.names("services", s.ns), []);
        return true;
      },
      30_000,
      `the Deployments and Services of ${s.ns} to be deleted`,
    );

    await s.deploy();
    assert.deepEqual(await kept(), before);
    assert.deepEqual(await live.names("deployments", s.ns), ["hub", "proxy"]);
  });

  it("every example stack's render applies as it is with kubectl apply --server-side", async () => {
    await live.kubectl("apply", "-f", live.file(CERTIFICATE_CRD));
    await live.kubectl("wait", "--for=condition=Established", "crd/certificates.cert-manager.io", "--timeout=30s");
    for (const stack of listStacks()) {
      const objects = kubernetesObjects((await runStack(stack)).resources);
      const file = path.join(env.dir, `render-${stack}.yaml`);
      fs.writeFileSync(file, objects.map((o) => stringify(o)).join("---\n"));
      const applied = await live.run("kubectl", ["apply", "--server-side", "-f", file]);
      assert.equal(applied.status, 0, `${stack}: ${applied.stderr}`);
      assert.equal(applied.stdout.trim().split("\n").length, objects.length, `${stack}: ${applied.stdout}`);
    }
  });

  it("a class deployed before its objects had stable names takes them on: nothing that holds data is replaced", async (t) => {
    const known = await live.run("git", ["cat-file", "-e", `${BEFORE_STABLE_NAMES}^{commit}`]);
    if (known.status !== 0) {
      t.skip(`this clone lacks commit ${BEFORE_STABLE_NAMES}, the code from before stable names`);
      return;
    }
    // That commit's program, in a project of its own, with its own dev stack file, on this test's state backend.
    const before = path.join(env.dir, "before-stable-names");
    fs.mkdirSync(before);
    await live.ok("bash", [
      "-c",
      `git archive ${BEFORE_STABLE_NAMES} Pulumi.yaml Pulumi.dev.yaml package.json tsconfig.json index.ts components hub rosters | tar -x -C '${before}'`,
    ]);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(before, "node_modules"));
    const s = await live.classStack("rename", 30095);
    const old = parse(fs.readFileSync(path.join(before, "Pulumi.dev.yaml"), "utf8"));
    old.config["classhub:cluster"] = { source: "ambient", context: "classhub-local", skipAwait: true };
    Object.assign(old.config["classhub:class"], { name: "rename", nodePort: 30095 });
    fs.writeFileSync(path.join(before, `Pulumi.${s.name}.yaml`), stringify(old));
    const oldUp = await live.run(
      "pulumi",
      ["up", "--yes", "--skip-preview", "--stack", s.name, "--non-interactive"],
      before,
    );
    assert.equal(oldUp.status, 0, oldUp.stdout + oldUp.stderr);
    const held = () =>
      Promise.all([
        live.uid("namespace", s.ns),
        live.uid("pvc", "hub-db", s.ns),
        ...["hub", "proxy-api", "proxy-public"].map((svc) => live.uid("service", svc, s.ns)),
        ...["hub", "proxy"].map((d) => live.uid("deployment", d, s.ns)),
      ]);
    const kept = await held();

    const preview = await s.preview("--json");
    assert.equal(preview.status, 0, preview.stderr);
    const replaced = (JSON.parse(preview.stdout).steps as any[])
      .filter((step) => /replace|delete/.test(step.op))
      .map((step) => step.urn.split("$").pop().split("::")[0]);
    // Only objects that hold no data take their new names; claims, the namespace and the Services stay.
    assert.deepEqual([...new Set(replaced)].sort(), [
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:LimitRange",
      "kubernetes:core/v1:ResourceQuota",
      "kubernetes:core/v1:Secret",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:rbac.authorization.k8s.io/v1:Role",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    ]);
    await s.deploy();
    assert.deepEqual(await held(), kept);
    assert.deepEqual(await live.names("networkpolicies", s.ns), ["default-deny", "hub", "proxy", "singleuser"]);
    assert.deepEqual(await live.names("resourcequotas", s.ns), ["classhub-quota"]);
    assert.deepEqual(await live.names("limitranges", s.ns), ["classhub-limits"]);
    assert.deepEqual(await live.names("roles", s.ns), ["hub"]);
    assert.deepEqual(await live.names("rolebindings", s.ns), ["hub"]);
    const secrets = await live.names("secrets", s.ns);
    assert.deepEqual(secrets, ["hub", "proxy-api-token"]);
    const hub = (await live.json("get", "deployment", "hub", "-n", s.ns)).spec.template.spec;
    const configMaps = await live.names("configmaps", s.ns);
    assert.deepEqual(
      configMaps.filter((n) => n.startsWith("hub-config-")),
      [hub.volumes.find((v: any) => v.configMap).configMap.name],
    );
    const second = await s.up("--expect-no-changes");
    assert.equal(second.status, 0, second.stdout + second.stderr);
  });
});

/** The last commit whose objects had generated names, for the upgrade test. */
const BEFORE_STABLE_NAMES = "ca08c778d15e1615141589c27558a6887267e8af";

/** cert-manager's Certificate kind, with no schema: renders of classes that ask cert-manager for a certificate use it. */
const CERTIFICATE_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "certificates.cert-manager.io" },
  spec: {
    group: "cert-manager.io",
    names: { kind: "Certificate", plural: "certificates", singular: "certificate", listKind: "CertificateList" },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};
