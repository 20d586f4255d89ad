import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import { parseConfig } from "../../components/config";
import { CERT_CHECK_SCRIPT } from "../../components/proxy/certCheck";
import {
  apiService,
  deployment,
  PROXY_IMAGE,
  type ProxyOptions,
  proxyCommand,
  proxyProbes,
  proxyResources,
  publicService,
} from "../../components/proxy/manifests";
import { withClass } from "../support/stacks";

it("without TLS the proxy serves HTTP on 8000 and routes to the hub", () => {
  const command = proxyCommand(false);
  assert.ok(command.includes("--port=8000"));
  assert.ok(command.includes("--default-target=http://hub:8081"));
  assert.ok(command.includes("--api-port=8001"));
  assert.ok(!command.some((flag) => flag.startsWith("--ssl")));
});

it("with TLS the proxy serves HTTPS from the mounted Secret and redirects HTTP", () => {
  const d = deployment({
    namespace: "c",
    image: PROXY_IMAGE,
    tokenChecksum: "0".repeat(64),
    tlsSecretName: "tls",
    resources: proxyResources(40),
    nodeSelector: {},
  });
  const container = (d.spec as any).template.spec.containers![0] as any;
  assert.deepEqual(container.command.slice(-5), [
    "--port=8443",
    "--redirect-port=8000",
    "--redirect-to=443",
    "--ssl-key=/etc/classhub/tls/tls.key",
    "--ssl-cert=/etc/classhub/tls/tls.crt",
  ]);
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/_chp_healthz", port: "https", scheme: "HTTPS" });
  assert.deepEqual(((d.spec as any).template.spec.volumes as any[])[0], { name: "tls", secret: { secretName: "tls" } });
  assert.equal((d.spec as any).template.spec.automountServiceAccountToken, false);
});

it("proxy-public exposes 80 and, with TLS, 443 on the chosen type", () => {
  const plain = publicService("c", { type: "NodePort", tls: false, nodePort: 30080 }).spec as any;
  assert.deepEqual(plain.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", nodePort: 30080 }]);
  const tls = publicService("c", { type: "LoadBalancer", tls: true, loadBalancerIP: "203.0.113.10" }).spec as any;
  assert.deepEqual(
    tls.ports.map((p: any) => p.port),
    [80, 443],
  );
  assert.equal(tls.loadBalancerIP, "203.0.113.10");
});

it("the proxy is sized for its class: more memory for routes and connections, at most one core", () => {
  assert.deepEqual(proxyResources(4), {
    requests: { cpu: "100m", memory: "144Mi" },
    limits: { cpu: "1", memory: "288Mi" },
  });
  assert.deepEqual(proxyResources(1203), {
    requests: { cpu: "1000m", memory: "640Mi" },
    limits: { cpu: "1", memory: "1280Mi" },
  });
});

it("a roster edit of a few students does not resize, and so does not restart, the proxy", () => {
  assert.deepEqual(proxyResources(40), proxyResources(64));
  assert.deepEqual(proxyResources(1100), proxyResources(1203));
  assert.notDeepEqual(proxyResources(64), proxyResources(65));
});

it("the proxy stays ready through a stall and is restarted after a minute without answers", () => {
  for (const tls of [false, true]) {
    const probes = proxyProbes(tls) as any;
    assert.ok(probes.readinessProbe.periodSeconds * probes.readinessProbe.failureThreshold >= 30 * 60);
    assert.equal((probes.livenessProbe as any).periodSeconds * (probes.livenessProbe as any).failureThreshold, 60);
  }
});

it("with TLS, liveness fails when the served certificate is not the mounted one", () => {
  const liveness = proxyProbes(true).livenessProbe as any;
  assert.deepEqual(liveness.exec.command, ["node", "-e", CERT_CHECK_SCRIPT, "8443", "/etc/classhub/tls/tls.crt"]);
});

it("proxy-api is created without waiting for endpoints, so it exists before the hub and proxy pods", () => {
  assert.deepEqual((apiService("c").metadata as any).annotations, { "pulumi.com/skipAwait": "true" });
});

const plainProxy = (image: string): ProxyOptions => ({
  namespace: "c",
  image,
  tokenChecksum: "0".repeat(64),
  resources: proxyResources(40),
  nodeSelector: {},
});
const proxyImage = (image: string) =>
  ((deployment(plainProxy(image)).spec as any).template.spec.containers as any[])[0].image;
const proxyImageOfClass = (change: (c: any) => void) =>
  proxyImage(parseConfig(withClass("dev", change)).class!.proxy.image);

it("the proxy container runs the image it is given: classhub:class.proxy.image", () => {
  assert.equal(proxyImage("localhost/classhub/proxy:5.2.0-3f9a2c1"), "localhost/classhub/proxy:5.2.0-3f9a2c1");
  assert.equal(
    proxyImageOfClass((c) => (c.proxy = { image: "registry.campus.edu:5000/configurable-http-proxy:5.2.0" })),
    "registry.campus.edu:5000/configurable-http-proxy:5.2.0",
  );
});

it("without classhub:class.proxy.image the proxy runs the configurable-http-proxy version the tests run", () => {
  assert.equal(
    proxyImageOfClass(() => undefined),
    PROXY_IMAGE,
  );
  const chp = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")).devDependencies[
    "configurable-http-proxy"
  ];
  assert.equal(PROXY_IMAGE, `quay.io/jupyterhub/configurable-http-proxy:${chp}`);
});
