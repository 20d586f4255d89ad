import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { apiServerFromSlice } from "../../components/cluster/apiServer";
import { parseConfig } from "../../components/config";
import {
  deployment,
  HUB_IMAGE,
  HUB_PROBES,
  hubResources,
  type HubDeploymentInputs,
  identityProviderPorts,
  networkPolicy,
  service,
} from "../../components/hub/manifests";
import { hubSettings, ROUTE_CHECK_SECONDS } from "../../components/hub/settings";
import { withClass } from "../support/stacks";

const auth = (stack: string, change: (c: any) => void = () => undefined) =>
  hubSettings(parseConfig(withClass(stack, change)).class!, { userPool: false }).auth;
/** Seconds a probe tolerates failures before it acts. */
const tolerance = (probe: any) => (probe.periodSeconds as number) * (probe.failureThreshold as number);

describe("hub egress", () => {
  const minikube = { addresses: ["192.168.49.2"], ports: [8443] };

  it("reaches the API server at the address and port pods reach it on, and nothing else on that rule", () => {
    const egress = (networkPolicy("demo-dev", { apiServer: minikube, identityProviderPorts: [] }).spec as any).egress;
    assert.deepEqual(egress.at(-1), {
      to: [{ ipBlock: { cidr: "192.168.49.2/32" } }],
      ports: [{ protocol: "TCP", port: 8443 }],
    });
    // Dummy login calls no identity provider: no rule reaches beyond the cluster's own addresses.
    assert.ok(!JSON.stringify(egress).includes("0.0.0.0/0"), "no open egress without an identity provider");
  });

  it("reaches the identity provider on the ports of its URLs, never the metadata server", () => {
    const sso = auth("data8-fa26", (c) => {
      c.auth = {
        type: "generic-oauth",
        clientId: "classhub",
        authorizeUrl: "https://sso.example.edu/authorize",
        tokenUrl: "https://sso.example.edu:8443/token",
        userdataUrl: "https://sso.example.edu:8443/userinfo",
      };
      c.admins = ["instructor"];
      c.roster = ["ada"];
    });
    assert.deepEqual(identityProviderPorts(sso), [8443]);
    assert.deepEqual(identityProviderPorts(auth("data8-fa26")), [443]);
    assert.deepEqual(identityProviderPorts(auth("dev")), []);
    const egress = (networkPolicy("c", { apiServer: minikube, identityProviderPorts: [8443] }).spec as any).egress;
    assert.deepEqual(egress.at(-1), {
      to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }],
      ports: [{ protocol: "TCP", port: 8443 }],
    });
  });

  it("takes the API server from its EndpointSlice, and refuses a slice that would open everything", () => {
    assert.deepEqual(
      apiServerFromSlice({
        endpoints: [{ addresses: ["10.0.0.3"] }, { addresses: ["10.0.0.2", "10.0.0.3"] }],
        ports: [{ port: 6443 }],
      }),
      { addresses: ["10.0.0.2", "10.0.0.3"], ports: [6443] },
    );
    assert.throws(
      () => apiServerFromSlice({ endpoints: [], ports: [{ port: 443 }] }),
      new Error(
        "the EndpointSlice default/kubernetes lists no API server address and port; the hub's NetworkPolicy " +
          "needs them so that KubeSpawner can reach the API server",
      ),
    );
  });
});

describe("hub probes and start", () => {
  it("keep the hub in its Service through a long stall and restart only a hub silent for five minutes", () => {
    assert.ok(tolerance(HUB_PROBES.readinessProbe) >= 30 * 60, "readiness tolerates a 30-minute stall");
    assert.equal(tolerance(HUB_PROBES.livenessProbe), 5 * 60);
    assert.equal(tolerance(HUB_PROBES.startupProbe), 5 * 60);
    assert.equal(HUB_PROBES.readinessProbe.periodSeconds, 2, "ready within seconds of answering");
  });

  it("the hub Service is created without waiting for endpoints, so it can exist before the hub pod", () => {
    assert.deepEqual((service("c").metadata as any).annotations, { "pulumi.com/skipAwait": "true" });
  });

  it("routes lost in a proxy restart come back within a minute", () => {
    assert.ok(ROUTE_CHECK_SECONDS <= 30);
    assert.equal(
      hubSettings(parseConfig(withClass("dev", () => undefined)).class!, { userPool: false }).hub.lastActivityInterval,
      ROUTE_CHECK_SECONDS,
    );
  });
});

describe("hub image", () => {
  const inputs = (image: string): HubDeploymentInputs => ({
    namespace: "demo-dev",
    image,
    configMapName: "hub-config",
    secretName: "hub-secret",
    secretKeys: ["cookie-secret"],
    proxyToken: { name: "proxy-api-token", key: "token" },
    serviceAccountName: "hub",
    claimName: "hub-db",
    resources: hubResources(1),
    secretChecksum: "1".repeat(64),
    nodeSelector: {},
  });
  const imageOf = (image: string) =>
    ((deployment(inputs(image)).spec as any).template.spec.containers as any[])[0].image;
  const imageOfClass = (change: (c: any) => void) => imageOf(parseConfig(withClass("dev", change)).class!.hub.image);

  it("the hub container runs the image it is given: classhub:class.hub.image", () => {
    assert.equal(imageOf("localhost/classhub/hub:5.5.0-3f9a2c1"), "localhost/classhub/hub:5.5.0-3f9a2c1");
    assert.equal(
      imageOfClass((c) => (c.hub = { image: "registry.campus.edu:5000/k8s-hub:4.4.0-ldap" })),
      "registry.campus.edu:5000/k8s-hub:4.4.0-ldap",
    );
  });

  it("without classhub:class.hub.image the hub runs the image requirements-hub.txt matches", () => {
    assert.equal(
      imageOfClass(() => undefined),
      HUB_IMAGE,
    );
    const pins = fs.readFileSync(path.join(__dirname, "..", "..", "requirements-hub.txt"), "utf8");
    assert.equal(/^# matches (\S+);/.exec(pins)?.[1], HUB_IMAGE);
  });
});
