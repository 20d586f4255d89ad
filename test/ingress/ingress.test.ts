// The shared entry point (issue 14) under Pulumi mocks: the Gateway a GKE cluster stack creates once, what a class
// adds to it, a class's Ingress on an ambient cluster's ingress class, and a class that keeps its own Service.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { GATEWAY_CLASS, GATEWAY_NAMESPACE, PROXY_HEALTH_PATH } from "../../components/ingress/manifests";
import { readStackFile } from "../../tools/harness/stackfile";
import {
  MOCK_CLUSTER_STACK_OUTPUTS,
  type RecordedResource,
  runStack,
  type StackRun,
} from "../../tools/harness/mockrun";

const TYPES = {
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  health: "kubernetes:networking.gke.io/v1:HealthCheckPolicy",
  backend: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  service: "kubernetes:core/v1:Service",
  deployment: "kubernetes:apps/v1:Deployment",
  certificate: "gcp:certificatemanager/certificate:Certificate",
  entry: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
  map: "gcp:certificatemanager/certificateMap:CertificateMap",
  globalAddress: "gcp:compute/globalAddress:GlobalAddress",
  address: "gcp:compute/address:Address",
  certManager: "kubernetes:cert-manager.io/v1:Certificate",
};

const ofType = (run: StackRun, type: string) => run.resources.filter((r) => r.type === type);
const id = (r: RecordedResource) => `${r.type}::${r.name}`;
function one(run: StackRun, type: string, suffix = ""): RecordedResource {
  const found = ofType(run, type).filter((r) => r.name.endsWith(suffix));
  assert.equal(found.length, 1, `one ${type} named *${suffix}: ${found.map((r) => r.name).join(", ")}`);
  return found[0];
}
const json = (stack: string, key: string) => JSON.parse(readStackFile(stack).config[`classhub:${key}`]);
const proxyCommand = (run: StackRun): string[] =>
  one(run, TYPES.deployment, "proxy-deployment").inputs.spec.template.spec.containers[0].command;

/** The platform example with classhub:cluster.gke.gateway. */
function platformWithGateway() {
  const cluster = json("platform", "cluster");
  cluster.gke.gateway = true;
  return { cluster };
}

/** What the platform stack exports with its Gateway (the mock global address has no IP to export). */
const WITH_GATEWAY = {
  ...MOCK_CLUSTER_STACK_OUTPUTS,
  gateway: { namespace: GATEWAY_NAMESPACE, name: "classhub", certificateMap: "classhub-platform-classes" },
};

/** ds100-sp27, a class on the platform cluster stack, with classhub:cluster.gateway and `change` to its class. */
function ds100OnGateway(change: (cls: any) => void = () => {}) {
  const cluster = json("ds100-sp27", "cluster");
  const cls = json("ds100-sp27", "class");
  change(cls);
  return { cluster: { ...cluster, gateway: true }, class: cls };
}

describe("a GKE cluster stack's shared Gateway", () => {
  let platform: StackRun;
  before(async () => {
    platform = await runStack("platform", platformWithGateway());
  });

  it("is GKE's global external Gateway on a reserved global address, serving the certificate map's certificates", () => {
    const gateway = one(platform, TYPES.gateway);
    const address = one(platform, TYPES.globalAddress);
    const map = one(platform, TYPES.map);
    assert.equal(gateway.inputs.spec.gatewayClassName, GATEWAY_CLASS);
    assert.equal(gateway.inputs.metadata.namespace, GATEWAY_NAMESPACE);
    assert.deepEqual(gateway.inputs.spec.addresses, [{ type: "NamedAddress", value: address.inputs.name }]);
    assert.equal(gateway.inputs.metadata.annotations["networking.gke.io/certmap"], map.inputs.name);
    assert.equal(address.inputs.project, "ucb-classhub");
    assert.equal(map.inputs.project, "ucb-classhub");
    // certmap and a listener's tls exclude each other on GKE
    for (const listener of gateway.inputs.spec.listeners) assert.equal(listener.tls, undefined);
  });

  it("takes HTTPS routes from class namespaces only, and redirects plain HTTP to HTTPS", () => {
    const [http, https] = one(platform, TYPES.gateway).inputs.spec.listeners;
    assert.deepEqual(http, {
      name: "http",
      protocol: "HTTP",
      port: 80,
      allowedRoutes: { namespaces: { from: "Same" } },
    });
    assert.deepEqual(https.allowedRoutes.namespaces, {
      from: "Selector",
      selector: {
        matchLabels: { "app.kubernetes.io/part-of": "classhub", "app.kubernetes.io/component": "namespace" },
      },
    });
    const redirect = one(platform, TYPES.route, "https-redirect");
    assert.deepEqual(redirect.inputs.spec.parentRefs, [{ name: "classhub", sectionName: "http" }]);
    assert.deepEqual(redirect.inputs.spec.rules[0].filters[0].requestRedirect, { scheme: "https", statusCode: 301 });
  });

  it("lives in a restricted namespace of its own, and its map waits for the Certificate Manager API", () => {
    const ns = ofType(platform, "kubernetes:core/v1:Namespace").find(
      (n) => n.inputs.metadata.name === GATEWAY_NAMESPACE,
    );
    assert.equal(ns?.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    const api = ofType(platform, "gcp:projects/service:Service").find(
      (s) => s.inputs.service === "certificatemanager.googleapis.com",
    );
    assert.ok(api, "the Certificate Manager API is enabled");
    assert.ok(one(platform, TYPES.map).options.dependsOn.includes(id(api)));
  });

  it("is exported for class stacks, with the reserved global address hostnames point at", () => {
    const [address] = ofType(platform, TYPES.globalAddress);
    assert.ok(address, "a reserved global address");
    assert.deepEqual(platform.outputs.gateway, { ...WITH_GATEWAY.gateway, address: "203.0.113.20" });
  });

  it("turns the cluster's Gateway API on, so its GatewayClasses exist", () => {
    assert.deepEqual(one(platform, "gcp:container/cluster:Cluster").inputs.gatewayApiConfig, {
      channel: "CHANNEL_STANDARD",
    });
  });

  it("a cluster stack without gke.gateway creates and exports none", async () => {
    const plain = await runStack("platform");
    assert.deepEqual([...ofType(plain, TYPES.gateway), ...ofType(plain, TYPES.globalAddress)], []);
    assert.equal(plain.outputs.gateway, undefined);
  });
});

describe("a class on the cluster stack's Gateway", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack("ds100-sp27", ds100OnGateway(), ".", WITH_GATEWAY);
  });

  it("routes its hostname over HTTPS to proxy-public, now a ClusterIP Service serving plain HTTP", () => {
    const route = one(run, TYPES.route);
    assert.deepEqual(route.inputs.spec, {
      parentRefs: [{ kind: "Gateway", name: "classhub", namespace: GATEWAY_NAMESPACE, sectionName: "https" }],
      hostnames: ["ds100.datahub.berkeley.edu"],
      rules: [{ backendRefs: [{ name: "proxy-public", port: 80 }] }],
    });
    const service = one(run, TYPES.service, "proxy-public");
    assert.equal(service.inputs.spec.type, "ClusterIP");
    assert.deepEqual(
      service.inputs.spec.ports.map((p: any) => p.name),
      ["http"],
    );
    assert.ok(proxyCommand(run).includes("--port=8000"));
    assert.ok(!proxyCommand(run).some((flag) => flag.startsWith("--ssl-")), "TLS ends at the Gateway");
    assert.deepEqual([...ofType(run, TYPES.certManager), ...ofType(run, TYPES.address)], []);
    assert.equal(run.outputs.hubUrl, "https://ds100.datahub.berkeley.edu/");
  });

  it("has Google check the proxy's health path and keep websockets open for a day", () => {
    const target = { group: "", kind: "Service", name: "proxy-public" };
    const health = one(run, TYPES.health).inputs.spec;
    assert.deepEqual(health.targetRef, target);
    assert.equal(health.default.config.httpHealthCheck.requestPath, PROXY_HEALTH_PATH);
    assert.deepEqual(one(run, TYPES.backend).inputs.spec, { default: { timeoutSec: 86400 }, targetRef: target });
  });

  it("adds a Google-managed certificate for its hostname to the cluster stack's map", () => {
    const certificate = one(run, TYPES.certificate);
    const entry = one(run, TYPES.entry);
    assert.deepEqual(certificate.inputs.managed, { domains: ["ds100.datahub.berkeley.edu"] });
    assert.equal(certificate.inputs.project, "ucb-classhub");
    assert.equal(entry.inputs.map, "classhub-platform-classes");
    assert.equal(entry.inputs.hostname, "ds100.datahub.berkeley.edu");
    assert.deepEqual(entry.inputs.certificates, [`${certificate.name}-id`]);
  });

  it("keeps a load balancer of its own when it sets serviceType", async () => {
    const own = await runStack(
      "ds100-sp27",
      ds100OnGateway((cls) => (cls.serviceType = "LoadBalancer")),
      ".",
      WITH_GATEWAY,
    );
    assert.equal(one(own, TYPES.service, "proxy-public").inputs.spec.type, "LoadBalancer");
    assert.deepEqual([...ofType(own, TYPES.route), ...ofType(own, TYPES.certificate)], []);
    assert.ok(proxyCommand(own).some((flag) => flag.startsWith("--ssl-cert=")));
  });

  it("keeps a load balancer of its own without classhub:cluster.gateway, as before", async () => {
    const own = await runStack("ds100-sp27", {}, ".", WITH_GATEWAY);
    assert.equal(one(own, TYPES.service, "proxy-public").inputs.spec.type, "LoadBalancer");
    assert.deepEqual(ofType(own, TYPES.route), []);
  });

  it("fails, naming both keys, on a cluster stack that exports no gateway", async () => {
    await assert.rejects(runStack("ds100-sp27", ds100OnGateway(), ".", MOCK_CLUSTER_STACK_OUTPUTS), {
      message:
        /classhub:cluster\.gateway: the cluster stack exports no gateway; set classhub:cluster\.gke\.gateway there/,
    });
  });
});

describe("a class on an ambient cluster's shared ingress class", () => {
  const SHARED = { ingressClassName: "traefik", clusterIssuer: "letsencrypt-http01" };
  /** The dev example with a hostname, no serviceType and the cluster's sharedIngress. */
  function devWithIngress(change: (cls: any) => void = () => {}) {
    const cls = json("dev", "class");
    delete cls.serviceType;
    cls.hostname = "dev.classhub.example.edu";
    change(cls);
    return { cluster: { source: "ambient", sharedIngress: SHARED }, class: cls };
  }

  it("adds an Ingress of that class for its hostname, with cert-manager's issuer and a solver it admits", async () => {
    const run = await runStack("dev", devWithIngress());
    const ingress = one(run, TYPES.ingress).inputs;
    assert.deepEqual(ingress.metadata.annotations, {
      "cert-manager.io/cluster-issuer": "letsencrypt-http01",
      // a controller that publishes no address would otherwise hold `pulumi up` for ten minutes, then fail it
      "pulumi.com/skipAwait": "true",
    });
    assert.equal(ingress.spec.ingressClassName, "traefik");
    assert.deepEqual(ingress.spec.tls, [{ hosts: ["dev.classhub.example.edu"], secretName: "proxy-public-tls" }]);
    assert.deepEqual(ingress.spec.rules[0].http.paths[0].backend, {
      service: { name: "proxy-public", port: { name: "http" } },
    });
    assert.equal(one(run, TYPES.service, "proxy-public").inputs.spec.type, "ClusterIP");
    const solver = one(run, TYPES.policy, "acme-solver").inputs.spec;
    assert.deepEqual(solver.podSelector, { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } });
    assert.deepEqual(solver.ingress, [{ ports: [{ protocol: "TCP", port: 8089 }] }]);
    assert.deepEqual(ofType(run, TYPES.certManager), [], "ingress-shim makes the Certificate, not classhub");
  });

  it("serves the class's own TLS Secret when tls.secretName names one, with no issuer and no solver", async () => {
    const run = await runStack(
      "dev",
      devWithIngress((cls) => (cls.tls = { secretName: "dev-tls" })),
    );
    const ingress = one(run, TYPES.ingress).inputs;
    assert.deepEqual(ingress.metadata.annotations, { "pulumi.com/skipAwait": "true" });
    assert.equal(ingress.spec.tls[0].secretName, "dev-tls");
    assert.deepEqual(
      ofType(run, TYPES.policy).filter((p) => p.name.endsWith("acme-solver")),
      [],
    );
  });

  it("the proxy admits its public port from any source: the ingress controller and Google's load balancers", async () => {
    const run = await runStack("dev", devWithIngress());
    const [publicPort] = one(run, TYPES.policy, "proxy-network-policy").inputs.spec.ingress;
    assert.deepEqual(publicPort, { ports: [{ protocol: "TCP", port: 8000 }] });
  });
});
