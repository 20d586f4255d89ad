// The shared entry point's keys: errors that name the key, and which classes take the entry point.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { classEntry, publicServiceType } from "../../components/ingress/entry";
import { readStackFile } from "../../tools/harness/stackfile";

const CLASS = {
  name: "data8",
  term: "fa26",
  admins: ["instructor"],
  roster: ["student1"],
  auth: { type: "dummy" },
  image: "quay.io/jupyter/scipy-notebook:2025-10-06",
};
const parse = (cluster: unknown, cls: Record<string, unknown> = {}) =>
  parseConfig({
    stack: "dev",
    cluster,
    class: { ...CLASS, ...cls },
    hasOauthClientSecret: false,
    keys: ["classhub:cluster", "classhub:class"],
  });
const INGRESS = { ingressClassName: "nginx", clusterIssuer: "letsencrypt-http01" };

describe("classhub:cluster's shared entry point keys", () => {
  it("name the key and the value that is wrong", () => {
    assert.throws(() => parse({ source: "ambient", sharedIngress: { ingressClassName: "nginx" } }), {
      message: /- classhub:cluster\.sharedIngress\.clusterIssuer: required/,
    });
    assert.throws(() => parse({ source: "ambient", sharedIngress: { ...INGRESS, ingressClassName: "" } }), {
      message: /- classhub:cluster\.sharedIngress\.ingressClassName = "": Too small/,
    });
    assert.throws(() => parse({ source: "stack", stack: "ucb/classhub/platform", gateway: "yes" }), {
      message: /- classhub:cluster\.gateway = "yes": Invalid input: expected boolean, received string/,
    });
  });

  it("send a class with a hostname and no serviceType through the shared entry point", () => {
    const config = parse({ source: "ambient", sharedIngress: INGRESS }, { hostname: "data8.example.edu" });
    assert.deepEqual(classEntry(config.class!, config.cluster), {
      kind: "ingress",
      hostname: "data8.example.edu",
      ingress: INGRESS,
    });
    assert.equal(publicServiceType(config.class!, config.cluster), "ClusterIP");
  });

  it("leave a class without a hostname, or with a serviceType, its own Service", () => {
    const cluster = { source: "ambient", sharedIngress: INGRESS };
    const bare = parse(cluster);
    assert.deepEqual(classEntry(bare.class!, bare.cluster), { kind: "own" });
    assert.equal(publicServiceType(bare.class!, bare.cluster), "NodePort");
    const chosen = parse(cluster, { hostname: "data8.example.edu", serviceType: "LoadBalancer" });
    assert.deepEqual(classEntry(chosen.class!, chosen.cluster), { kind: "own" });
  });

  it("default to no shared entry point anywhere", () => {
    const stack = parse({ source: "stack", stack: "ucb/classhub/platform" }, { hostname: "data8.example.edu" });
    assert.deepEqual(classEntry(stack.class!, stack.cluster), { kind: "own" });
    assert.equal(publicServiceType(stack.class!, stack.cluster), "LoadBalancer");
  });
});

describe("a class on a GKE cluster of its own stack", () => {
  const gke = (gateway: boolean) => {
    const platform = JSON.parse(readStackFile("platform").config["classhub:cluster"]);
    return { ...platform, gke: { ...platform.gke, gateway } };
  };
  const cls = { hostname: "data8.example.edu" };

  it("needs a TLS Secret without the Gateway (no cert-manager), and not with it (Google's certificate)", () => {
    assert.throws(() => parse(gke(false), cls), { message: /classhub:class\.tls = .*has no cert-manager/ });
    assert.equal(classEntry(parse(gke(true), cls).class!, parse(gke(true), cls).cluster).kind, "gateway");
  });
});
