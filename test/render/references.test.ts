// The render (`npm run render`) as reviewers and other Kubernetes tools read it: for every example stack, every
// object has a name, and every name one object uses to find another resolves to an object of the same render.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { SETTINGS_FILE } from "../../components/hub/settings";
import { kubernetesObjects } from "../../tools/dev/render";
import { runStack } from "../../tools/harness/mockrun";
import { listStacks } from "../../tools/harness/stackfile";
import { rawConfig } from "../support/stacks";

type Obj = Record<string, any>;

const renders = new Map<string, Obj[]>();
before(async () => {
  for (const stack of listStacks()) renders.set(stack, kubernetesObjects((await runStack(stack)).resources));
});

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Names a class stack takes from outside its render, by design: a TLS Secret the platform team renews. */
function externalSecrets(stack: string): string[] {
  const cls = parseConfig(rawConfig(stack)).class;
  return cls?.hostname !== undefined && "secretName" in cls.tls ? [cls.tls.secretName] : [];
}

/** Every reference in the render as [where, kind, namespace, name, key?]: what must exist for the objects to work. */
function references(objects: Obj[]): [string, string, string, string, string?][] {
  const out: [string, string, string, string, string?][] = [];
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    const where = `${o.kind} ${o.metadata?.name}`;
    const pod = o.spec?.template?.spec;
    if (pod !== undefined) {
      if (pod.serviceAccountName) out.push([where, "ServiceAccount", ns, pod.serviceAccountName]);
      for (const v of pod.volumes ?? []) {
        if (v.configMap) out.push([`${where} volume ${v.name}`, "ConfigMap", ns, v.configMap.name]);
        if (v.secret) out.push([`${where} volume ${v.name}`, "Secret", ns, v.secret.secretName]);
        if (v.persistentVolumeClaim)
          out.push([`${where} volume ${v.name}`, "PersistentVolumeClaim", ns, v.persistentVolumeClaim.claimName]);
        for (const s of v.projected?.sources ?? []) {
          if (s.configMap) out.push([`${where} volume ${v.name}`, "ConfigMap", ns, s.configMap.name]);
          if (s.secret) out.push([`${where} volume ${v.name}`, "Secret", ns, s.secret.name]);
        }
      }
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
          if (ref === undefined || ref.optional) continue;
          const kind = e.valueFrom.secretKeyRef ? "Secret" : "ConfigMap";
          out.push([`${where} env ${e.name}`, kind, ns, ref.name, ref.key]);
        }
        for (const e of c.envFrom ?? []) {
          if (e.secretRef) out.push([`${where} envFrom`, "Secret", ns, e.secretRef.name]);
          if (e.configMapRef) out.push([`${where} envFrom`, "ConfigMap", ns, e.configMapRef.name]);
        }
      }
    }
    if (o.kind === "RoleBinding") {
      out.push([where, o.roleRef.kind, ns, o.roleRef.name]);
      for (const s of o.subjects) out.push([where, s.kind, s.namespace ?? ns, s.name]);
    }
    if (o.kind === "PersistentVolumeClaim" && o.spec.volumeName) {
      out.push([where, "PersistentVolume", "", o.spec.volumeName]);
    }
  }
  return out;
}

/** Which object provides a name: itself, or for Secrets also a cert-manager Certificate that issues it. */
function provided(objects: Obj[], kind: string, ns: string, name: string): Obj | undefined {
  return objects.find(
    (o) =>
      (o.kind === kind && (o.metadata.namespace ?? "") === (ns ?? "") && o.metadata.name === name) ||
      (kind === "Secret" && o.kind === "Certificate" && o.metadata.namespace === ns && o.spec.secretName === name),
  );
}

/** The labels KubeSpawner gives students' pods, from the hub settings of the render. */
function studentPodLabels(objects: Obj[]): Record<string, string>[] {
  return objects
    .filter((o) => o.kind === "ConfigMap" && o.data?.[SETTINGS_FILE] !== undefined)
    .map((o) => JSON.parse(o.data[SETTINGS_FILE]).spawner.extraLabels);
}

for (const stack of listStacks()) {
  describe(`render of ${stack}`, () => {
    const objects = () => renders.get(stack)!;

    it("names every object", () => {
      const unnamed = objects().filter((o) => typeof o.metadata?.name !== "string" || o.metadata.name === "");
      assert.deepEqual(
        unnamed.map((o) => o.kind),
        [],
      );
    });

    it("names each object once per kind and namespace", () => {
      const seen = new Set<string>();
      for (const o of objects()) {
        const id = `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        assert.ok(!seen.has(id), `${id} twice`);
        seen.add(id);
      }
    });

    it("resolves every Secret, ConfigMap, ServiceAccount, claim, volume and Role it refers to", () => {
      const external = externalSecrets(stack);
      const dangling = references(objects())
        .filter(([, kind, ns, name, key]) => {
          if (kind === "Secret" && external.includes(name)) return false;
          const target = provided(objects(), kind, ns, name);
          if (target === undefined) return true;
          if (key === undefined || target.kind === "Certificate") return false;
          return !(key in (target.stringData ?? {}) || key in (target.data ?? {}));
        })
        .map(([where, kind, ns, name, key]) => `${where} -> ${kind} ${ns}/${name}${key ? ` key ${key}` : ""}`);
      assert.deepEqual(dangling, []);
    });

    it("selects pods of the render with every Service", () => {
      for (const svc of objects().filter((o) => o.kind === "Service" && o.spec.selector)) {
        const pods = objects().filter(
          (o) => o.metadata.namespace === svc.metadata.namespace && o.spec?.template?.metadata?.labels,
        );
        assert.ok(
          pods.some((p) => matches(svc.spec.selector, p.spec.template.metadata.labels)),
          `Service ${svc.metadata.name} selects no pod`,
        );
      }
    });

    it("selects existing pods with every NetworkPolicy, students' pods included", () => {
      const students = studentPodLabels(objects());
      for (const policy of objects().filter((o) => o.kind === "NetworkPolicy")) {
        const ns = policy.metadata.namespace;
        const inNamespace = objects().filter((o) => o.metadata.namespace === ns);
        const labelSets = [
          ...inNamespace.filter((o) => o.spec?.template?.metadata?.labels).map((o) => o.spec.template.metadata.labels),
          // a CronJob's pods, from its Jobs' template
          ...inNamespace
            .filter((o) => o.kind === "CronJob")
            .map((o) => o.spec.jobTemplate.spec.template.metadata.labels),
          ...students,
        ];
        const rules = [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])];
        const peers = rules.flatMap((r: Obj) => [...(r.from ?? []), ...(r.to ?? [])]);
        const selectors = [
          policy.spec.podSelector.matchLabels ?? {},
          ...peers.filter((p: Obj) => p.podSelector && !p.namespaceSelector).map((p: Obj) => p.podSelector.matchLabels),
        ];
        for (const selector of selectors) {
          assert.ok(
            labelSets.some((l) => matches(selector, l)),
            `NetworkPolicy ${policy.metadata.name} selects no pod with ${JSON.stringify(selector)}`,
          );
        }
      }
    });
  });
}
