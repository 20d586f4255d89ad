import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gkeProblems } from "../../components/config/clusterRules";
import { ConfigError } from "../../components/config";
import { gke, unchecked } from "../cluster/fixtures";

describe("gkeProblems", () => {
  it("finds nothing wrong with the defaults", () => {
    assert.deepEqual(gkeProblems(gke()), []);
  });

  it("names a pool whose minimum exceeds its maximum", () => {
    assert.deepEqual(gkeProblems(unchecked({ userPool: { minNodes: 12 } })), [
      "classhub:cluster.gke.userPool.minNodes = 12: exceeds maxNodes 10; set minNodes at most maxNodes",
    ]);
  });

  it("names a zone outside the region", () => {
    assert.deepEqual(gkeProblems(unchecked({ nodeLocations: ["us-central1-b", "us-east1-b"] })), [
      'classhub:cluster.gke.nodeLocations[1] = "us-east1-b": is not a zone of region us-central1; expected e.g. us-central1-b',
    ]);
  });

  it("names overlapping ranges", () => {
    assert.deepEqual(gkeProblems(unchecked({ network: { servicesCidr: "10.10.8.0/24" } })), [
      'classhub:cluster.gke.network.servicesCidr = "10.10.8.0/24": overlaps network.nodesCidr 10.10.0.0/20; ' +
        "the node, pod, service and control-plane ranges must not overlap",
    ]);
  });

  it("needs a /28 control plane range given by its network address", () => {
    assert.deepEqual(gkeProblems(unchecked({ network: { controlPlaneCidr: "172.16.0.8/24" } })), [
      'classhub:cluster.gke.network.controlPlaneCidr = "172.16.0.8/24": has host bits set; GCP needs the network address, e.g. 172.16.0.0/24',
      'classhub:cluster.gke.network.controlPlaneCidr = "172.16.0.8/24": GKE needs a /28 for the control plane, e.g. 172.16.0.0/28',
    ]);
  });

  it("stops parseConfig, so that nothing is registered", () => {
    assert.throws(
      () => gke({ corePool: { minNodes: 4 } }),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.problems, [
          "classhub:cluster.gke.corePool.minNodes = 4: exceeds maxNodes 3; set minNodes at most maxNodes",
        ]);
        return true;
      },
    );
  });
});
