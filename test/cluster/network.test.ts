import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gcpName, nodeRoleArgs, resourceNames, routerNatArgs, subnetworkArgs } from "../../components/cluster/gke";
import { gke } from "./fixtures";

const names = resourceNames("platform");

describe("network and node account", () => {
  it("subnetwork holds the node range and the named pod and service ranges, with Private Google Access", () => {
    const args = subnetworkArgs(gke({ network: { podsCidr: "10.64.0.0/14" } }), names, "net-id");
    assert.equal(args.ipCidrRange, "10.10.0.0/20");
    assert.deepEqual(args.secondaryIpRanges, [
      { rangeName: "pods", ipCidrRange: "10.64.0.0/14" },
      { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
    ]);
    assert.equal(args.privateIpGoogleAccess, true);
    assert.equal(args.region, "us-central1");
  });

  it("NAT covers the dedicated VPC so private nodes can pull images", () => {
    const args = routerNatArgs(gke(), names, "platform-router");
    assert.equal(args.router, "platform-router");
    assert.equal(args.sourceSubnetworkIpRangesToNat, "ALL_SUBNETWORKS_ALL_IP_RANGES");
    assert.equal(args.natIpAllocateOption, "AUTO_ONLY");
  });

  it("grants the node account exactly the roles nodes need", () => {
    const roles = nodeRoleArgs(gke(), "serviceAccount:nodes@ucb-classhub.iam");
    assert.deepEqual(
      roles.map((r) => r.role),
      [
        "roles/logging.logWriter",
        "roles/monitoring.metricWriter",
        "roles/monitoring.viewer",
        "roles/stackdriver.resourceMetadata.writer",
        "roles/artifactregistry.reader",
      ],
    );
    for (const r of roles) {
      assert.equal(r.member, "serviceAccount:nodes@ucb-classhub.iam");
      assert.equal(r.project, "ucb-classhub");
    }
  });
});

describe("names", () => {
  const GKE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
  const ACCOUNT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;

  it("keeps a short name as it is", () => {
    assert.deepEqual(resourceNames("platform"), {
      cluster: "platform",
      network: "platform-vpc",
      subnetwork: "platform-nodes",
      router: "platform-router",
      nat: "platform-nat",
      serviceAccount: "platform-nodes",
    });
  });

  it("lowercases and replaces characters GCP does not allow", () => {
    assert.equal(gcpName("CS294_DL.fa26--Cluster-", 40), "cs294-dl-fa26-cluster");
    assert.equal(gcpName("2026-data8", 40), "data8");
    assert.equal(gcpName("___", 40), "classhub");
  });

  it("shortens long names within GKE's and IAM's limits, keeping them distinct", () => {
    const a = resourceNames("classhub-data8-fall-2026-instructional-cluster-east");
    const b = resourceNames("classhub-data8-fall-2026-instructional-cluster-west");
    assert.equal(a.cluster.length, 40);
    assert.match(a.cluster, GKE_NAME);
    assert.match(a.serviceAccount, ACCOUNT_ID);
    assert.equal(a.serviceAccount.length, 30);
    assert.ok(a.serviceAccount.endsWith("-nodes"));
    assert.notEqual(a.cluster, b.cluster);
    assert.notEqual(a.serviceAccount, b.serviceAccount);
    assert.deepEqual(resourceNames("classhub-data8-fall-2026-instructional-cluster-east"), a);
    for (const name of Object.values(a)) assert.ok(name.length <= 63 && GKE_NAME.test(name), name);
  });

  it("gives even a one-letter name a valid service account id", () => {
    assert.match(resourceNames("x").serviceAccount, ACCOUNT_ID);
  });
});
