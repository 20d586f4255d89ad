import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  autoNameFits,
  gcpName,
  nodeRoleArgs,
  reservedAddressName,
  resourceNames,
  routerNatArgs,
  subnetworkArgs,
} from "../../components/cluster/gke";
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
      ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"],
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

  it("leaves a reserved address auto-named while Pulumi's name fits, so existing addresses stay", () => {
    assert.equal(reservedAddressName("data8-fa26-jupyterhub-proxy-address", "data8-fa26"), undefined);
    // 55 characters and Pulumi's 8 make 63: the longest auto-name GCE takes.
    const longest = `${"a".repeat(30)}-jupyterhub-proxy-address`;
    assert.equal(longest.length, 55);
    assert.equal(autoNameFits(longest), true);
    assert.equal(reservedAddressName(longest, "s"), undefined);
  });

  it("names a reserved address itself when the auto-name would be too long or start with a digit", () => {
    const ns = `data8-${"x".repeat(57)}`;
    assert.equal(ns.length, 63);
    const name = reservedAddressName(`${ns}-jupyterhub-proxy-address`, "data8-fa26")!;
    assert.ok(name.length <= 63 && GKE_NAME.test(name), name);
    assert.equal(name, reservedAddressName(`${ns}-jupyterhub-proxy-address`, "data8-fa26"));
    assert.notEqual(name, reservedAddressName(`${ns}-jupyterhub-proxy-address`, "data8-sp27"));
    assert.equal(autoNameFits(`${"a".repeat(31)}-jupyterhub-proxy-address`), false);
    const digit = reservedAddressName("61b-fa26-jupyterhub-proxy-address", "s")!;
    assert.match(digit, /^b-fa26-jupyterhub-proxy-address-[0-9a-f]{8}$/);
  });
});
