// The policy pack on the shared entry point's objects: a class on the Gateway and a class on an ingress class pass the
// whole pack, and a route to anything but proxy-public is refused, as a Service of that kind would be.
import { before, describe, it } from "node:test";
import { GATEWAY_NAMESPACE } from "../../components/ingress/manifests";
import { MOCK_CLUSTER_STACK_OUTPUTS, runStack, type StackRun } from "../../tools/harness/mockrun";
import { readStackFile } from "../../tools/harness/stackfile";
import { expectNone, expectViolations } from "../policy/assertions";
import { find, variant } from "../policy/fixtures";

const POLICY = "classhub-disallow-external-services";
const json = (stack: string, key: string) => JSON.parse(readStackFile(stack).config[`classhub:${key}`]);
const GATEWAY = { namespace: GATEWAY_NAMESPACE, name: "classhub", certificateMap: "classhub-platform-classes" };

let onGateway: StackRun;
let onIngress: StackRun;
let platform: StackRun;
before(async () => {
  onGateway = await runStack("ds100-sp27", { cluster: { ...json("ds100-sp27", "cluster"), gateway: true } }, ".", {
    ...MOCK_CLUSTER_STACK_OUTPUTS,
    gateway: GATEWAY,
  });
  const dev = json("dev", "class");
  delete dev.serviceType;
  onIngress = await runStack("dev", {
    cluster: { source: "ambient", sharedIngress: { ingressClassName: "nginx", clusterIssuer: "letsencrypt" } },
    class: { ...dev, hostname: "dev.classhub.example.edu" },
  });
  const cluster = json("platform", "cluster");
  platform = await runStack("platform", { cluster: { ...cluster, gke: { ...cluster.gke, gateway: true } } });
});

describe("the policy pack on a shared entry point", () => {
  it("passes a class on the Gateway, a class on an ingress class, and the cluster stack's Gateway", async () => {
    await expectNone(onGateway.resources, { stack: "ds100-sp27" });
    await expectNone(onIngress.resources, { stack: "dev" });
    await expectNone(platform.resources, { stack: "platform" });
  });

  it("refuses an HTTPRoute to the hub, which would bypass the proxy", async () => {
    const route = variant(
      find(onGateway, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"),
      (r) => (r.spec.rules[0].backendRefs[0].name = "hub"),
    );
    await expectViolations([route], { stack: "ds100-sp27" }, [
      [
        POLICY,
        "Expected a route only to proxy-public but found one to Service hub in HTTPRoute ds100-sp27/proxy-public; " +
          "route to proxy-public (classhub:cluster.sharedIngress and gke.gateway route there)",
      ],
    ]);
  });

  it("refuses an Ingress to the proxy's API", async () => {
    const ingress = variant(
      find(onIngress, "kubernetes:networking.k8s.io/v1:Ingress"),
      (i) => (i.spec.rules[0].http.paths[0].backend.service.name = "proxy-api"),
    );
    await expectViolations([ingress], { stack: "dev" }, [
      [
        POLICY,
        "Expected a route only to proxy-public but found one to Service proxy-api in Ingress demo-dev/proxy-public; " +
          "route to proxy-public (classhub:cluster.sharedIngress and gke.gateway route there)",
      ],
    ]);
  });

  it("passes a route to a Service the pack config allows (near miss)", async () => {
    const route = variant(
      find(onGateway, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"),
      (r) => (r.spec.rules[0].backendRefs[0].name = "status-page"),
    );
    await expectNone([route], {
      stack: "ds100-sp27",
      only: POLICY,
      config: { [POLICY]: { allowedServices: ["proxy-public", "status-page"] } },
    });
  });
});
