// Security policies: each bad case changes one field of a resource the real program built for gpu-seminar-fa26
// (or a bare Pod with the hub's pod template) and must yield exactly one violation with this exact message.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { lines as messages, policyNamed } from "./assertions";
import { TYPES, find, podFrom, runExamples, settingsVariant, variant } from "./fixtures";
import { type Resource, validate } from "./harness";
import { clusterRoleBindings } from "../../components/scheduling/manifests";

const STACK = "gpu-seminar-fa26";
const NS = "cs294-dl-fa26";
let run: StackRun;
let hub: Resource;
let proxy: Resource;
let pod: Resource;
let configMap: Resource;

before(async () => {
  run = (await runExamples(["gpu-seminar-fa26", "dev"])).get(STACK)!;
  hub = find(run, TYPES.deployment, "hub-deployment");
  proxy = find(run, TYPES.deployment, "proxy-deployment");
  pod = podFrom(hub);
  configMap = find(run, TYPES.configMap, "hub-config");
});

const check = (resources: Resource[], stack = STACK) => validate(resources, { stack });

async function expectOnly(resources: Resource[], policy: string, message: string): Promise<void> {
  assert.deepEqual(messages(await check(resources)), [`${policy}: ${message}`]);
}

/** Nothing to report: from the whole pack (baselines), or from the one policy `only` (near misses). */
async function expectNone(resources: Resource[], o: { only?: string; stack?: string } = {}): Promise<void> {
  const policies = o.only === undefined ? undefined : policyNamed(o.only);
  assert.deepEqual(messages(await validate(resources, { stack: o.stack ?? STACK, policies })), []);
}

const HUB = `Deployment ${NS}/hub`;
const POD = `Pod ${NS}/bare-pod`;
const HUB_C = "spec.template.spec.containers[0]";

describe("compliant baselines", () => {
  it("the hub and proxy Deployments, a bare Pod, the hub ConfigMap and Secret pass", async () => {
    await expectNone([hub, proxy, pod, configMap, find(run, TYPES.secret, "hub-secret")]);
  });
  it("the namespace, Services, NetworkPolicies, Role and RoleBinding pass", async () => {
    const kinds = [TYPES.namespace, TYPES.service, TYPES.networkPolicy, TYPES.role, TYPES.roleBinding];
    const resources = run.resources.filter((r) => (kinds as readonly string[]).includes(r.type));
    assert.equal(resources.length, 10);
    await expectNone(resources);
  });
});

describe("classhub-disallow-privileged-containers", () => {
  const policy = "classhub-disallow-privileged-containers";
  it("rejects a privileged container in a Deployment", async () => {
    await expectOnly(
      [variant(hub, (d) => (d.spec.template.spec.containers[0].securityContext.privileged = true))],
      policy,
      `Expected privileged false but found true in container hub of ${HUB}; set ${HUB_C}.securityContext.privileged to false (classhub's pods use components/security.ts)`,
    );
  });
  it("rejects privilege escalation in a bare Pod", async () => {
    await expectOnly(
      [variant(pod, (p) => (p.spec.containers[0].securityContext.allowPrivilegeEscalation = true))],
      policy,
      `Expected allowPrivilegeEscalation false but found true in container hub of ${POD}; set spec.containers[0].securityContext.allowPrivilegeEscalation to false`,
    );
  });
  it("rejects an init container that leaves allowPrivilegeEscalation unset", async () => {
    const init = {
      name: "setup",
      image: "busybox:1.37",
      securityContext: { capabilities: { drop: ["ALL"] } },
      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "10m", memory: "16Mi" } },
    };
    await expectOnly(
      [variant(pod, (p) => (p.spec.initContainers = [init]))],
      policy,
      `Expected allowPrivilegeEscalation false but found unset in init container setup of ${POD}; set spec.initContainers[0].securityContext.allowPrivilegeEscalation to false`,
    );
  });
  it("passes a container that says privileged: false explicitly (near miss)", async () => {
    await expectNone([variant(hub, (d) => (d.spec.template.spec.containers[0].securityContext.privileged = false))], {
      only: policy,
    });
  });
});

describe("classhub-require-run-as-non-root", () => {
  const policy = "classhub-require-run-as-non-root";
  it("rejects a container with runAsNonRoot unset at container and pod level", async () => {
    await expectOnly(
      [
        variant(hub, (d) => {
          delete d.spec.template.spec.securityContext.runAsNonRoot;
          delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot;
        }),
      ],
      policy,
      `Expected runAsNonRoot true but found unset in container hub of ${HUB}; set spec.template.spec.securityContext.runAsNonRoot (or ${HUB_C}.securityContext.runAsNonRoot) to true`,
    );
  });
  it("rejects uid 0 in a bare Pod", async () => {
    await expectOnly(
      [variant(pod, (p) => (p.spec.securityContext.runAsUser = 0))],
      policy,
      `Expected a non-zero runAsUser but found 0 in container hub of ${POD}; set spec.containers[0].securityContext.runAsUser to the image's unprivileged uid, e.g. 1000`,
    );
  });
  it("rejects students' servers running as uid 0", async () => {
    await expectOnly(
      [settingsVariant(configMap, (s) => (s.spawner.uid = 0))],
      policy,
      `Expected a non-zero spawner.uid for students' servers but found 0 in hub-settings.json of ConfigMap ${NS}/hub-config-<digest>; set spawner.uid to 1000 (jovyan) in components/hub/settings.ts`,
    );
  });
  it("passes a container that inherits runAsNonRoot from its pod (near miss)", async () => {
    await expectNone([variant(hub, (d) => delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot)], {
      only: policy,
    });
  });
});

describe("classhub-require-dropped-capabilities", () => {
  const policy = "classhub-require-dropped-capabilities";
  it("rejects a container that drops nothing", async () => {
    await expectOnly(
      [variant(proxy, (d) => delete d.spec.template.spec.containers[0].securityContext.capabilities)],
      policy,
      `Expected capabilities.drop to include "ALL" but found unset in container chp of Deployment ${NS}/proxy; set ${HUB_C}.securityContext.capabilities.drop to ["ALL"]`,
    );
  });
  it("rejects an added capability outside the allowed set", async () => {
    await expectOnly(
      [variant(pod, (p) => (p.spec.containers[0].securityContext.capabilities.add = ["NET_ADMIN"]))],
      policy,
      `Expected no added capabilities beyond ["NET_BIND_SERVICE"] but found "NET_ADMIN" in container hub of ${POD}; remove it from spec.containers[0].securityContext.capabilities.add`,
    );
  });
  it("passes NET_BIND_SERVICE added back after dropping ALL (near miss)", async () => {
    await expectNone(
      [variant(pod, (p) => (p.spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"]))],
      { only: policy },
    );
  });
});

describe("classhub-require-seccomp-runtime-default", () => {
  const policy = "classhub-require-seccomp-runtime-default";
  it("rejects a container that overrides the pod's profile with Unconfined", async () => {
    await expectOnly(
      [
        variant(
          hub,
          (d) => (d.spec.template.spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }),
        ),
      ],
      policy,
      `Expected seccompProfile RuntimeDefault but found "Unconfined" in container hub of ${HUB}; set spec.template.spec.securityContext.seccompProfile.type to RuntimeDefault`,
    );
  });
  it("rejects a bare Pod with no profile anywhere", async () => {
    await expectOnly(
      [
        variant(pod, (p) => {
          delete p.spec.securityContext.seccompProfile;
          delete p.spec.containers[0].securityContext.seccompProfile;
        }),
      ],
      policy,
      `Expected seccompProfile RuntimeDefault but found unset in container hub of ${POD}; set spec.securityContext.seccompProfile.type to RuntimeDefault`,
    );
  });
  it("passes a container that inherits RuntimeDefault from its pod (near miss)", async () => {
    await expectNone([variant(hub, (d) => delete d.spec.template.spec.containers[0].securityContext.seccompProfile)], {
      only: policy,
    });
  });
});

describe("classhub-disallow-host-access", () => {
  const policy = "classhub-disallow-host-access";
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    it(`rejects ${field} in a bare Pod`, async () => {
      await expectOnly(
        [variant(pod, (p) => (p.spec[field] = true))],
        policy,
        `Expected ${field} false but found true in ${POD}; set spec.${field} to false`,
      );
    });
  }
  it("rejects a hostPath volume in a Deployment", async () => {
    await expectOnly(
      [
        variant(hub, (d) =>
          d.spec.template.spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }),
        ),
      ],
      policy,
      `Expected no hostPath volume but found volume docker (/var/run/docker.sock) in ${HUB}; replace spec.template.spec.volumes[2] with a persistentVolumeClaim, configMap, secret or emptyDir`,
    );
  });
  it("rejects a host port", async () => {
    await expectOnly(
      [variant(proxy, (d) => (d.spec.template.spec.containers[0].ports[0].hostPort = 80))],
      policy,
      `Expected no hostPort but found 80 in container chp of Deployment ${NS}/proxy; remove ${HUB_C}.ports[0].hostPort and expose the port through a Service`,
    );
  });
  it("passes hostNetwork: false and an emptyDir volume (near miss)", async () => {
    await expectNone(
      [
        variant(pod, (p) => {
          p.spec.hostNetwork = false;
          p.spec.volumes.push({ name: "scratch", emptyDir: {} });
        }),
      ],
      { only: policy },
    );
  });
});

describe("classhub-require-pinned-images", () => {
  const policy = "classhub-require-pinned-images";
  const where = `hub-settings.json of ConfigMap ${NS}/hub-config-<digest>`;
  it("rejects the latest tag in a Deployment", async () => {
    await expectOnly(
      [variant(hub, (d) => (d.spec.template.spec.containers[0].image = "quay.io/jupyterhub/k8s-hub:latest"))],
      policy,
      `Expected an image pinned to a tag or digest but found "quay.io/jupyterhub/k8s-hub:latest" (the moving tag 'latest') in container hub of ${HUB}; set classhub:class.hub.image to an exact tag`,
    );
  });
  it("rejects an untagged proxy image, naming the stack-file key that sets it", async () => {
    await expectOnly(
      [
        variant(
          proxy,
          (d) => (d.spec.template.spec.containers[0].image = "quay.io/jupyterhub/configurable-http-proxy"),
        ),
      ],
      policy,
      `Expected an image pinned to a tag or digest but found "quay.io/jupyterhub/configurable-http-proxy" (no tag) in container chp of Deployment ${NS}/proxy; set classhub:class.proxy.image to an exact tag`,
    );
  });
  it("names the manifest path for a container classhub's keys do not set", async () => {
    await expectOnly(
      [
        variant(hub, (d) =>
          d.spec.template.spec.containers.push({
            ...d.spec.template.spec.containers[0],
            name: "sidecar",
            image: "busybox",
          }),
        ),
      ],
      policy,
      `Expected an image pinned to a tag or digest but found "busybox" (no tag) in container sidecar of ${HUB}; set spec.template.spec.containers[1].image to an exact tag`,
    );
  });
  it("rejects an untagged image from a registry with a port in a bare Pod", async () => {
    await expectOnly(
      [variant(pod, (p) => (p.spec.containers[0].image = "registry.campus.edu:5000/k8s-hub"))],
      policy,
      `Expected an image pinned to a tag or digest but found "registry.campus.edu:5000/k8s-hub" (no tag) in container hub of ${POD}; set spec.containers[0].image to an exact tag`,
    );
  });
  it("rejects students' image on latest", async () => {
    await expectOnly(
      [settingsVariant(configMap, (s) => (s.spawner.image = "quay.io/jupyter/scipy-notebook:latest"))],
      policy,
      `Expected an image pinned to a tag or digest but found "quay.io/jupyter/scipy-notebook:latest" (the moving tag 'latest') in spawner.image of ${where}; set classhub:class.image to an exact tag, e.g. quay.io/jupyter/scipy-notebook:2025-10-06`,
    );
  });
  it("rejects an untagged profile image", async () => {
    await expectOnly(
      [settingsVariant(configMap, (s) => (s.spawner.profiles[1].overrides.image = "quay.io/jupyter/pytorch-notebook"))],
      policy,
      `Expected an image pinned to a tag or digest but found "quay.io/jupyter/pytorch-notebook" (no tag) in spawner.profiles[1].overrides.image (profile gpu) of ${where}; set classhub:class.profiles[1].image to an exact tag, e.g. quay.io/jupyter/scipy-notebook:2025-10-06`,
    );
  });
  it("passes a tagged image on a registry with a port, and a digest (near miss)", async () => {
    const digest = `quay.io/jupyterhub/k8s-hub@sha256:${"a".repeat(64)}`;
    await expectNone(
      [
        variant(pod, (p) => (p.spec.containers[0].image = "registry.campus.edu:5000/k8s-hub:4.4.0")),
        variant(hub, (d) => (d.spec.template.spec.containers[0].image = digest)),
      ],
      { only: policy },
    );
  });
});

describe("classhub-enforce-pod-security-labels", () => {
  const policy = "classhub-enforce-pod-security-labels";
  it("rejects a namespace enforcing only baseline", async () => {
    await expectOnly(
      [
        variant(
          find(run, TYPES.namespace),
          (n) => (n.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline"),
        ),
      ],
      policy,
      `Expected label pod-security.kubernetes.io/enforce=restricted but found "baseline" in Namespace ${NS}; set metadata.labels["pod-security.kubernetes.io/enforce"] to "restricted" (POD_SECURITY_LABELS in components/namespace/manifests.ts)`,
    );
  });
  it("rejects a namespace without the warn label", async () => {
    await expectOnly(
      [variant(find(run, TYPES.namespace), (n) => delete n.metadata.labels["pod-security.kubernetes.io/warn"])],
      policy,
      `Expected label pod-security.kubernetes.io/warn=restricted but found unset in Namespace ${NS}; set metadata.labels["pod-security.kubernetes.io/warn"] to "restricted" (POD_SECURITY_LABELS in components/namespace/manifests.ts)`,
    );
  });
  it("passes a namespace pinned to a policy version (near miss)", async () => {
    await expectNone(
      [
        variant(
          find(run, TYPES.namespace),
          (n) => (n.metadata.labels["pod-security.kubernetes.io/enforce-version"] = "v1.33"),
        ),
      ],
      { only: policy },
    );
  });
});

describe("classhub-disallow-external-services", () => {
  const policy = "classhub-disallow-external-services";
  it("rejects the hub Service as a LoadBalancer", async () => {
    await expectOnly(
      [variant(find(run, TYPES.service, "hub-service"), (s) => (s.spec.type = "LoadBalancer"))],
      policy,
      `Expected type ClusterIP for a Service other than proxy-public but found LoadBalancer in Service ${NS}/hub; set spec.type to ClusterIP (classhub:class.serviceType exposes proxy-public only)`,
    );
  });
  it("rejects the proxy API as a NodePort", async () => {
    await expectOnly(
      [variant(find(run, TYPES.service, "proxy-api"), (s) => (s.spec.type = "NodePort"))],
      policy,
      `Expected type ClusterIP for a Service other than proxy-public but found NodePort in Service ${NS}/proxy-api; set spec.type to ClusterIP (classhub:class.serviceType exposes proxy-public only)`,
    );
  });
  it("rejects proxy-public when it selects the hub instead of the proxy", async () => {
    await expectOnly(
      [
        variant(
          find(run, TYPES.service, "proxy-public"),
          (s) => (s.spec.selector["app.kubernetes.io/component"] = "hub"),
        ),
      ],
      policy,
      `Expected type ClusterIP for a Service other than proxy-public but found LoadBalancer selecting component "hub", not the proxy, in Service ${NS}/proxy-public; set spec.type to ClusterIP (classhub:class.serviceType exposes proxy-public only)`,
    );
  });
  it("passes proxy-public as a LoadBalancer here and as a NodePort in dev (near miss)", async () => {
    const dev = (await runExamples(["dev"])).get("dev")!;
    await expectNone([find(run, TYPES.service, "proxy-public")], { only: policy });
    await expectNone([find(dev, TYPES.service, "proxy-public")], { only: policy, stack: "dev" });
  });
});

describe("classhub-disallow-metadata-server-egress", () => {
  const policy = "classhub-disallow-metadata-server-egress";
  const singleuser = () => find(run, TYPES.networkPolicy, "singleuser");
  const name = `NetworkPolicy ${NS}/singleuser`;
  const fix = "(BLOCKED_EGRESS in components/jupyterhub/manifests.ts)";
  it("rejects single-user egress to 0.0.0.0/0 without the metadata server in except", async () => {
    await expectOnly(
      [variant(singleuser(), (n) => (n.spec.egress[3].to[0].ipBlock.except = ["10.0.0.0/8"]))],
      policy,
      `Expected egress rule 3 to exclude 169.254.169.254 but found ipBlock 0.0.0.0/0 without it in except in ${name}; add 169.254.169.254/32 to spec.egress[3].to[0].ipBlock.except ${fix}`,
    );
  });
  it("rejects a single-user rule that allows port 80 to any destination", async () => {
    await expectOnly(
      [variant(singleuser(), (n) => n.spec.egress.push({ ports: [{ protocol: "TCP", port: 80 }] }))],
      policy,
      `Expected egress rule 4 to exclude 169.254.169.254 but found any destination on port 80 in ${name}; restrict spec.egress[4].to to an ipBlock whose except lists 169.254.169.254/32 ${fix}`,
    );
  });
  it("rejects a namespace-wide policy that allows all egress", async () => {
    await expectOnly(
      [variant(find(run, TYPES.networkPolicy, "default-deny"), (n) => (n.spec.egress = [{}]))],
      policy,
      `Expected egress rule 0 to exclude 169.254.169.254 but found any destination on any port in NetworkPolicy ${NS}/default-deny; restrict spec.egress[0].to to an ipBlock whose except lists 169.254.169.254/32 ${fix}`,
    );
  });
  it("passes an except of exactly 169.254.169.254/32, and the hub's own egress (near miss)", async () => {
    await expectNone(
      [
        variant(singleuser(), (n) => (n.spec.egress[3].to[0].ipBlock.except = ["169.254.169.254/32"])),
        variant(
          find(run, TYPES.networkPolicy, "hub-network-policy"),
          (n) => (n.spec.egress[3].to[0].ipBlock.except = []),
        ),
      ],
      { only: policy },
    );
  });
});

describe("classhub-enforce-namespaced-rbac", () => {
  const policy = "classhub-enforce-namespaced-rbac";
  const role = () => find(run, TYPES.role);
  const fix = "classhub's hub needs only HUB_RULES in components/hub/manifests.ts";
  it("rejects a wildcard verb", async () => {
    await expectOnly(
      [variant(role(), (r) => (r.rules[0].verbs = ["*"]))],
      policy,
      `Expected explicit verbs but found "*" in rules[0] of Role ${NS}/hub; list only what is needed (${fix})`,
    );
  });
  it("rejects a Role without a namespace", async () => {
    await expectOnly(
      [variant(role(), (r) => delete r.metadata.namespace)],
      policy,
      `Expected the class namespace but found no metadata.namespace in Role hub; set metadata.namespace so the Role cannot land in the provider's default namespace`,
    );
  });
  it("rejects a ClusterRole that grants secrets", async () => {
    const clusterRole: Resource = {
      type: TYPES.clusterRole,
      name: "hub-secrets",
      inputs: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "hub-secrets" },
        rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }],
      },
    };
    await expectOnly(
      [clusterRole],
      policy,
      `Expected a namespaced Role but found ClusterRole hub-secrets, which grants secrets cluster-wide; replace it with a Role in the class namespace (${fix})`,
    );
  });
  it("rejects a ClusterRoleBinding", async () => {
    const binding: Resource = {
      type: TYPES.clusterRoleBinding,
      name: "hub-admin",
      inputs: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "hub-admin" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [],
      },
    };
    await expectOnly(
      [binding],
      policy,
      `Expected a RoleBinding in the class namespace but found ClusterRoleBinding hub-admin to "admin"; replace it with a RoleBinding to a namespaced Role`,
    );
  });
  it("rejects a RoleBinding to the edit ClusterRole", async () => {
    await expectOnly(
      [
        variant(
          find(run, TYPES.roleBinding),
          (b) => (b.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" }),
        ),
      ],
      policy,
      `Expected roleRef kind Role but found "ClusterRole" "edit" in RoleBinding ${NS}/hub; bind the hub's own namespaced Role (a ClusterRole such as edit can read secrets)`,
    );
  });
  it("passes a Role that adds an explicit verb (near miss)", async () => {
    await expectNone([variant(role(), (r) => r.rules[0].verbs.push("patch"))], { only: policy });
  });

  describe("the packing scheduler's exception", () => {
    /** The ClusterRoleBindings components/scheduling/manifests.ts builds for a class, as the engine would see them. */
    const schedulerBindings = (): Resource[] =>
      clusterRoleBindings(NS).map((binding, i) => ({
        type: TYPES.clusterRoleBinding,
        name: `user-scheduler-${i}`,
        inputs: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          ...structuredClone(binding),
          metadata: { ...structuredClone(binding.metadata), name: `user-scheduler-${i}` },
        } as Record<string, unknown>,
      }));
    const expected = (name: string, role: string, found: string) =>
      `Expected only ServiceAccount user-scheduler of the class namespace as the subject of ClusterRoleBinding ${name} ` +
      `to "${role}" but found ${found}; a scheduler's cluster-wide rights belong to the packing scheduler alone ` +
      "(classhub:class.packing.scheduler, components/scheduling/manifests.ts)";

    it("passes the scheduler's bindings of system:kube-scheduler and system:volume-scheduler", async () => {
      await expectNone(schedulerBindings(), { only: policy });
    });
    it("rejects system:kube-scheduler bound to the hub's ServiceAccount", async () => {
      const [binding] = schedulerBindings();
      await expectOnly(
        [variant(binding, (b) => (b.subjects[0].name = "hub"))],
        policy,
        expected("user-scheduler-0", "system:kube-scheduler", `ServiceAccount ${NS}/hub`),
      );
    });
    it("rejects a second subject next to the scheduler's ServiceAccount", async () => {
      const [, binding] = schedulerBindings();
      await expectOnly(
        [variant(binding, (b) => b.subjects.push({ kind: "Group", name: "system:authenticated" }))],
        policy,
        expected(
          "user-scheduler-1",
          "system:volume-scheduler",
          `ServiceAccount ${NS}/user-scheduler, Group system:authenticated`,
        ),
      );
    });
    it("rejects a User named like the scheduler's ServiceAccount", async () => {
      const [binding] = schedulerBindings();
      await expectOnly(
        [variant(binding, (b) => (b.subjects = [{ kind: "User", name: "user-scheduler" }]))],
        policy,
        expected("user-scheduler-0", "system:kube-scheduler", "User user-scheduler"),
      );
    });
    it("rejects any other ClusterRole bound to the scheduler's ServiceAccount", async () => {
      const [binding] = schedulerBindings();
      await expectOnly(
        [variant(binding, (b) => (b.roleRef.name = "cluster-admin"))],
        policy,
        `Expected a RoleBinding in the class namespace but found ClusterRoleBinding user-scheduler-0 to "cluster-admin"; replace it with a RoleBinding to a namespaced Role`,
      );
    });
    it("rejects a binding to a Role that bears a scheduler role's name", async () => {
      const [binding] = schedulerBindings();
      await expectOnly(
        [variant(binding, (b) => (b.roleRef.kind = "Role"))],
        policy,
        `Expected a RoleBinding in the class namespace but found ClusterRoleBinding user-scheduler-0 to "system:kube-scheduler"; replace it with a RoleBinding to a namespaced Role`,
      );
    });
  });
});

describe("classhub-disallow-secrets-in-configmaps", () => {
  const policy = "classhub-disallow-secrets-in-configmaps";
  const name = `ConfigMap ${NS}/hub-config-<digest>`;
  const fix = "keep it in the hub Secret and pass it as an env var (components/hub/manifests.ts SECRET_ENV)";
  it("rejects a secret-named data key", async () => {
    await expectOnly(
      [variant(configMap, (c) => (c.data["oauth-client-secret"] = "s3cr3t-value"))],
      policy,
      `Expected no secret in a ConfigMap but found data key "oauth-client-secret" in ${name}; ${fix}`,
    );
  });
  it("rejects a client secret inside hub-settings.json", async () => {
    await expectOnly(
      [settingsVariant(configMap, (s) => (s.auth.clientSecret = "s3cr3t-value"))],
      policy,
      `Expected no secret in hub-settings.json but found auth.clientSecret in ${name}; ${fix}`,
    );
  });
  it("rejects a private key in any data value", async () => {
    await expectOnly(
      [
        variant(
          configMap,
          (c) => (c.data["tls.pem"] = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"),
        ),
      ],
      policy,
      `Expected no secret in a ConfigMap but found a private key in data key "tls.pem" of ${name}; ${fix}`,
    );
  });
  it("rejects a Secret's value copied into a ConfigMap (stack check)", async () => {
    const secret = find(run, TYPES.secret, "hub-secret");
    const cookie = JSON.stringify(secret.inputs).match(/"cookie-secret":"([0-9a-f]{64})"/)![1];
    await expectOnly(
      [
        secret,
        variant(
          configMap,
          (c) => (c.data["jupyterhub_config.py"] += `\nc.JupyterHub.cookie_secret = bytes.fromhex("${cookie}")\n`),
        ),
      ],
      policy,
      `Expected no Secret values in a ConfigMap but found the value of Secret ${NS}/hub key "cookie-secret" in data key "jupyterhub_config.py" of ${name}; ${fix}`,
    );
  });
  it("passes names that only mention secrets and tokens: tokenUrl, secretName (near miss)", async () => {
    await expectNone(
      [
        settingsVariant(
          configMap,
          (s) => (s.auth.genericOAuth = { tokenUrl: "https://sso.example.edu/token", allowedGroups: [] }),
        ),
        variant(configMap, (c) => (c.data.secretName = "proxy-public-tls")),
      ],
      { only: policy },
    );
  });
});
