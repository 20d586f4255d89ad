// The real Pulumi engine against a real kube-apiserver on 127.0.0.1 (tools/controlplane): no mocks.
// Run with `make test-live`; it needs the toolchain from tools/toolchain/build.sh.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LiveEnv, ROOT } from "../../tools/liveenv";

const NS = "demo-dev";
const SECOND_NS = "demo2-dev";
let env: LiveEnv;

const uid = (kind: string, name: string, ns?: string) =>
  env.json("get", kind, name, ...(ns ? ["-n", ns] : [])).metadata.uid as string;
const up = (stack: string, ...extra: string[]) =>
  env.pulumi("up", "--yes", "--skip-preview", "--stack", stack, ...extra);
const names = (kind: string, ns: string) =>
  (env.json("get", kind, "-n", ns).items as any[]).map((o) => o.metadata.name as string).sort();

/** Asks the API server whether a user may do something: a real SubjectAccessReview. */
function allowed(user: string, verb: string, resource: string, namespace: string): boolean {
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`],
      resourceAttributes: { verb, resource, namespace },
    },
  };
  const file = path.join(env.dir, "review.json");
  fs.writeFileSync(file, JSON.stringify(review));
  return env.json("create", "-f", file).status.allowed === true;
}

before(() => {
  env = new LiveEnv();
  env.start();
  env.writeStack("dev", "dev");
  env.initStack("dev");
});

after(() => env?.stop());

/**
 * The engine's events of one `up --json` (one JSON event a line), in order: which step started (pre) or finished
 * (outputs), for which object.
 */
function steps(events: string): { phase: "pre" | "done"; kind: string; name: string }[] {
  return events
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .flatMap((event) => {
      const [phase, step] = event.resourcePreEvent
        ? (["pre", event.resourcePreEvent] as const)
        : event.resOutputsEvent
          ? (["done", event.resOutputsEvent] as const)
          : [undefined, undefined];
      const state = step?.metadata?.new ?? step?.metadata?.old;
      const kind = state?.outputs?.kind ?? state?.inputs?.kind;
      return phase === undefined || kind === undefined
        ? []
        : [
            {
              phase,
              kind: kind as string,
              name: (state.outputs?.metadata?.name ?? state.inputs?.metadata?.name) as string,
            },
          ];
    });
}

describe("pulumi up on a real API server", () => {
  let firstUp: string;

  it("creates every object of the dev stack and the API server accepts them", () => {
    const r = up("dev", "--json");
    assert.equal(r.status, 0, r.stdout + r.stderr);
    firstUp = r.stdout;
    const ns = env.json("get", "namespace", NS);
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.deepEqual(names("deployments", NS), ["hub", "proxy"]);
    assert.deepEqual(names("services", NS), ["hub", "proxy-api", "proxy-public"]);
    assert.ok(names("secrets", NS).includes("proxy-api-token"));
    assert.deepEqual(names("persistentvolumeclaims", NS), ["hub-db"]);
    assert.equal(names("networkpolicies", NS).length, 4);
    assert.equal(names("resourcequotas", NS).length, 1);
    assert.equal(names("limitranges", NS).length, 1);
    assert.deepEqual(
      names("serviceaccounts", NS).filter((n) => n === "hub"),
      ["hub"],
    );
  });

  it("creates the Services before the pods that look them up, and the proxy before the hub", () => {
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

  it("the hub's NetworkPolicy lets it reach this API server where pods reach it", () => {
    const slice = env.json("get", "endpointslice", "kubernetes", "-n", "default");
    const addresses = (slice.endpoints as any[]).flatMap((e) => e.addresses as string[]);
    const ports = (slice.ports as any[]).map((p) => p.port as number);
    // The local control plane serves on 26443: neither 443 nor 6443.
    assert.deepEqual(ports, [26443]);
    const hubPolicy = (env.json("get", "networkpolicies", "-n", NS).items as any[]).find(
      (p) => p.spec.podSelector.matchLabels?.["app.kubernetes.io/component"] === "hub",
    );
    assert.deepEqual(
      hubPolicy.spec.egress.filter((rule: any) => rule.ports?.some((p: any) => p.port === 26443)),
      [{ to: addresses.map((a) => ({ ipBlock: { cidr: `${a}/32` } })), ports: [{ protocol: "TCP", port: 26443 }] }],
    );
  });

  it("Pod Security admission admits every pod template at restricted, and rejects a privileged one", () => {
    for (const d of env.json("get", "deployments", "-n", NS).items as any[]) {
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${d.metadata.name}-check`, namespace: NS },
        spec: d.spec.template.spec,
      };
      const file = path.join(env.dir, "pod.json");
      fs.writeFileSync(file, JSON.stringify(pod));
      env.kubectl("create", "--dry-run=server", "-f", file);
      pod.spec.containers[0].securityContext = {
        ...pod.spec.containers[0].securityContext,
        privileged: true,
        allowPrivilegeEscalation: true,
      };
      fs.writeFileSync(file, JSON.stringify(pod));
      const r = env.run("kubectl", ["create", "--dry-run=server", "-f", file]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /violates PodSecurity "restricted:latest"/);
    }
    // The controller manager made the Deployments' pods: admission let them in for real.
    assert.equal((env.json("get", "pods", "-n", NS).items as any[]).length, 2);
  });

  it("a second up changes nothing", () => {
    const r = up("dev", "--expect-no-changes");
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it("changing the image and the roster updates in place: no namespace, claim or Service is replaced", () => {
    const before = [
      uid("namespace", NS),
      uid("pvc", "hub-db", NS),
      ...["hub", "proxy-api", "proxy-public"].map((s) => uid("service", s, NS)),
    ];
    env.writeStack("dev", "dev", (c) => {
      c.image = "quay.io/jupyter/scipy-notebook:2025-10-06";
      c.roster = [...c.roster, "student4"];
    });
    const preview = env.pulumi("preview", "--json", "--stack", "dev");
    assert.equal(preview.status, 0, preview.stderr);
    const steps = JSON.parse(preview.stdout).steps as any[];
    assert.ok(steps.some((step) => step.op === "update"));
    // Only the hub ConfigMap is replaced: the kubernetes provider treats ConfigMap data as immutable, and the
    // new auto-named ConfigMap rolls the hub. Nothing else, and nothing that holds data, is replaced or deleted.
    const replaced = steps.filter((step) => /replace|delete/.test(step.op)).map((step) => step.urn.split("::")[2]);
    assert.deepEqual(
      [...new Set(replaced)],
      ["classhub:classhub:ClassHub$classhub:jupyterhub:JupyterHub$classhub:hub:Hub$kubernetes:core/v1:ConfigMap"],
    );
    assert.equal(up("dev").status, 0);
    const after = [
      uid("namespace", NS),
      uid("pvc", "hub-db", NS),
      ...["hub", "proxy-api", "proxy-public"].map((s) => uid("service", s, NS)),
    ];
    assert.deepEqual(after, before);
    const config = env.json("get", "configmaps", "-n", NS).items.find((c: any) => c.data?.["hub-settings.json"]);
    const settings = JSON.parse(config.data["hub-settings.json"]);
    assert.equal(settings.spawner.image, "quay.io/jupyter/scipy-notebook:2025-10-06");
    assert.ok(settings.auth.allowedUsers.includes("student4"));
  });

  it("a second class deploys beside the first without colliding", () => {
    env.writeStack("dev-two", "dev", (c) => {
      c.name = "demo2";
      c.nodePort = 30081;
    });
    env.initStack("dev-two");
    const r = up("dev-two");
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(names("deployments", SECOND_NS), ["hub", "proxy"]);
    assert.deepEqual(names("deployments", NS), ["hub", "proxy"]);
  });

  it("the hub's RBAC reaches its own namespace only; the proxy and student pods get no API rights", () => {
    const hub = `system:serviceaccount:${NS}:hub`;
    for (const resource of ["pods", "persistentvolumeclaims"]) {
      for (const verb of ["create", "get", "list", "watch", "delete"]) {
        assert.equal(allowed(hub, verb, resource, NS), true, `${verb} ${resource}`);
        assert.equal(allowed(hub, verb, resource, SECOND_NS), false, `${verb} ${resource} in the other class`);
      }
    }
    assert.equal(allowed(hub, "get", "secrets", "kube-system"), false);
    assert.equal(allowed(hub, "list", "secrets", SECOND_NS), false);
    // The proxy and student servers run as the namespace's default account, with no token mounted.
    const pod = env.json("get", "deployment", "proxy", "-n", NS).spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false);
    for (const verb of ["get", "list", "create"]) {
      assert.equal(allowed(`system:serviceaccount:${NS}:default`, verb, "pods", NS), false);
    }
  });

  it("the policy pack passes the dev stack, and rejects it when the pack config forbids dummy login", () => {
    const pack = path.join(ROOT, "policy");
    const pass = env.pulumi("preview", "--stack", "dev", "--policy-pack", pack);
    assert.equal(pass.status, 0, pass.stdout + pass.stderr);
    const config = path.join(env.dir, "strict-pack.json");
    fs.writeFileSync(config, JSON.stringify({ "classhub-disallow-open-authentication": { allowedStacks: [] } }));
    const fail = env.pulumi("preview", "--stack", "dev", "--policy-pack", pack, "--policy-pack-config", config);
    assert.notEqual(fail.status, 0);
    assert.match(fail.stdout + fail.stderr, /classhub-disallow-open-authentication/);
  });

  it("a bad config fails before anything is created", () => {
    const namespaces = names("namespaces", "default");
    env.writeStack("dev-bad", "dev", (c) => {
      c.name = "bad";
      c.resources = { memoryLimit: "lots" };
    });
    env.initStack("dev-bad");
    const r = up("dev-bad");
    assert.notEqual(r.status, 0);
    assert.match(
      r.stdout + r.stderr,
      /classhub:class\.resources\.memoryLimit = "lots": expected a positive Kubernetes quantity/,
    );
    assert.deepEqual(names("namespaces", "default"), namespaces);
  });

  it("destroy keeps the namespace, the students' homes and the hub database; the next up adopts them", () => {
    // A home claim as KubeSpawner makes it, outside Pulumi.
    const claim = path.join(env.dir, "claim.json");
    fs.writeFileSync(
      claim,
      JSON.stringify({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "claim-student1", namespace: NS },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      }),
    );
    env.kubectl("create", "-f", claim);
    const kept = () => [uid("namespace", NS), uid("pvc", "claim-student1", NS), uid("pvc", "hub-db", NS)];
    const before = kept();

    const destroy = env.pulumi("destroy", "--yes", "--skip-preview", "--stack", "dev");
    assert.equal(destroy.status, 0, destroy.stdout + destroy.stderr);
    assert.deepEqual(kept(), before);
    assert.equal(env.json("get", "namespace", NS).status.phase, "Active");
    assert.deepEqual(names("deployments", NS), []);
    assert.deepEqual(names("services", NS), []);

    const again = up("dev");
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.deepEqual(kept(), before);
    assert.deepEqual(names("deployments", NS), ["hub", "proxy"]);
  });
});
