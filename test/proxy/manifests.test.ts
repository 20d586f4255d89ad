import assert from "node:assert/strict";
import { it } from "node:test";
import { deployment, proxyCommand, publicService } from "../../components/proxy/manifests";

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
    tokenSecretName: "s",
    tokenSecretKey: "proxy-token",
    tlsSecretName: "tls",
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
