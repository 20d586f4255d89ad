import assert from "node:assert/strict";
import { it } from "node:test";
import { singleuserNetworkPolicy } from "../../components/jupyterhub/manifests";

const ipToInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const inCidr = (ip: string, cidr: string) => {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
};
/** Whether any egress rule of the policy lets a pod reach ip on some port. */
const reaches = (ip: string) =>
  ((singleuserNetworkPolicy("c").spec as any).egress as any[]).some((rule) =>
    (rule.to ?? []).some(
      (peer: any) =>
        peer.ipBlock &&
        inCidr(ip, peer.ipBlock.cidr) &&
        !(peer.ipBlock.except ?? []).some((e: string) => inCidr(ip, e)),
    ),
  );

it("student servers reach the public internet but never the metadata server or private ranges", () => {
  assert.equal(reaches("151.101.1.1"), true);
  for (const ip of ["169.254.169.254", "10.0.0.1", "172.16.0.2", "192.168.1.1", "100.64.0.1"])
    assert.equal(reaches(ip), false, ip);
});

it("student servers accept connections only from the proxy and the hub, on the server port", () => {
  const [rule] = (singleuserNetworkPolicy("c").spec as any).ingress as any[];
  assert.deepEqual(rule.ports, [{ protocol: "TCP", port: 8888 }]);
  assert.deepEqual(
    rule.from.map((p: any) => p.podSelector.matchLabels["app.kubernetes.io/component"]),
    ["proxy", "hub"],
  );
});
