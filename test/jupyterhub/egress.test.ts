// Egress: classhub:class.egress adds destinations to the students' egress NetworkPolicy; the metadata range stays
// blocked whatever is allowed, and the policy pack's metadata rule passes what the program renders.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { BLOCKED_EGRESS, singleuserNetworkPolicy } from "../../components/jupyterhub/manifests";
import { problems, withClass } from "../support/stacks";
import { expectNone, expectViolations } from "../policy/assertions";

const POLICY = "classhub-disallow-metadata-server-egress";

const withEgress = (egress: unknown) => withClass("dev", (c) => (c.egress = egress));
const rulesOf = (egress: unknown) => {
  const cls = parseConfig(withEgress(egress)).class!;
  return (singleuserNetworkPolicy(cls.namespace, cls.egress).spec as any).egress as any[];
};
/** The program's NetworkPolicy as the policy pack sees it. */
const asResource = (egress: unknown) => {
  const cls = parseConfig(withEgress(egress)).class!;
  return {
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    name: "demo-dev-jupyterhub-singleuser",
    inputs: singleuserNetworkPolicy(cls.namespace, cls.egress) as any,
  };
};

describe("egress rendering", () => {
  it("without egress, the students' policy has its four default rules", () => {
    assert.equal(rulesOf(undefined).length, 4);
    assert.deepEqual(rulesOf(undefined)[3], { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: BLOCKED_EGRESS } }] });
  });

  it("a service in another namespace is one rule: its namespace by name, its pods by label, its ports", () => {
    const rules = rulesOf({ services: [{ namespace: "datasets", podSelector: { app: "postgres" }, ports: [5432] }] });
    assert.deepEqual(rules.slice(4), [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "datasets" } },
            podSelector: { matchLabels: { app: "postgres" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 5432 }],
      },
    ]);
  });

  it("a service without podSelector opens every pod of its namespace, on its ports only", () => {
    assert.deepEqual(rulesOf({ services: [{ namespace: "datasets", ports: [80, 443] }] })[4], {
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "datasets" } } }],
      ports: [
        { protocol: "TCP", port: 80 },
        { protocol: "TCP", port: 443 },
      ],
    });
  });

  it("a private block is allowed as written; one that contains the metadata range keeps it out", () => {
    const rules = rulesOf({
      cidrs: [
        { cidr: "10.20.0.0/16", ports: [5432] },
        { cidr: "128.0.0.0/1", ports: [8080] },
      ],
    });
    assert.deepEqual(rules[4].to, [{ ipBlock: { cidr: "10.20.0.0/16" } }]);
    assert.deepEqual(rules[5].to, [{ ipBlock: { cidr: "128.0.0.0/1", except: ["169.254.0.0/16"] } }]);
  });
});

describe("egress validation", () => {
  const cases: [string, unknown, string[]][] = [
    [
      "a block that is no IPv4 CIDR",
      { cidrs: [{ cidr: "10.20.0.0", ports: [80] }] },
      [
        'classhub:class.egress.cidrs[0].cidr = "10.20.0.0": expected an IPv4 CIDR block such as 10.20.0.0/16 or 192.0.2.10/32',
      ],
    ],
    [
      "an octet above 255",
      { cidrs: [{ cidr: "10.256.0.0/16", ports: [80] }] },
      [
        'classhub:class.egress.cidrs[0].cidr = "10.256.0.0/16": expected an IPv4 CIDR block such as 10.20.0.0/16 or 192.0.2.10/32',
      ],
    ],
    [
      "a block with host bits set",
      { cidrs: [{ cidr: "10.20.1.0/16", ports: [80] }] },
      ['classhub:class.egress.cidrs[0].cidr = "10.20.1.0/16": has bits set past its /16 prefix; write 10.20.0.0/16'],
    ],
    [
      "the metadata server itself",
      { cidrs: [{ cidr: "169.254.169.254/32", ports: [80] }] },
      [
        'classhub:class.egress.cidrs[0].cidr = "169.254.169.254/32": lies in 169.254.0.0/16, where the cloud metadata server hands out node credentials; it stays blocked',
      ],
    ],
    [
      "the whole metadata range",
      { cidrs: [{ cidr: "169.254.0.0/16", ports: [80] }] },
      [
        'classhub:class.egress.cidrs[0].cidr = "169.254.0.0/16": lies in 169.254.0.0/16, where the cloud metadata server hands out node credentials; it stays blocked',
      ],
    ],
    [
      "a block without ports",
      { cidrs: [{ cidr: "10.20.0.0/16", ports: [] }] },
      ["classhub:class.egress.cidrs[0].ports = []: expected at least one port"],
    ],
    [
      "a port out of range",
      { services: [{ namespace: "datasets", ports: [70000] }] },
      ["classhub:class.egress.services[0].ports[0] = 70000: expected at most 65535"],
    ],
    [
      "the class's own namespace",
      { services: [{ namespace: "demo-dev", ports: [8888] }] },
      [
        "classhub:class.egress.services[0].namespace = \"demo-dev\": is the class's own namespace; students' servers reach only its hub and proxy there, never each other",
      ],
    ],
    [
      "a bad label key",
      { services: [{ namespace: "datasets", podSelector: { "bad key": "x" }, ports: [80] }] },
      [
        'classhub:class.egress.services[0].podSelector.bad key = "bad key": expected a label key such as app or app.kubernetes.io/name',
      ],
    ],
    [
      "an unknown key",
      { cidrs: [{ cidr: "10.20.0.0/16", port: 80, ports: [80] }] },
      ["classhub:class.egress.cidrs[0]: unknown key(s) 'port'"],
    ],
  ];
  for (const [what, egress, expected] of cases) {
    it(`refuses ${what}`, () => assert.deepEqual(problems(withEgress(egress)), expected));
  }
  it("accepts a block that contains the metadata range (it gets an except)", () => {
    assert.deepEqual(problems(withEgress({ cidrs: [{ cidr: "0.0.0.0/0", ports: [5432] }] })), []);
  });
});

describe("the policy pack's metadata rule", () => {
  it("passes services and blocks the program renders, the metadata range kept out of a wide one", async () => {
    await expectNone(
      [
        asResource({
          services: [{ namespace: "datasets", ports: [5432] }],
          cidrs: [
            { cidr: "0.0.0.0/0", ports: [5432] },
            { cidr: "10.20.0.0/16", ports: [80] },
          ],
        }),
      ],
      { stack: "dev", only: POLICY },
    );
  });

  it("would reject the wide block without the except the program adds", async () => {
    const r = asResource({ cidrs: [{ cidr: "0.0.0.0/0", ports: [5432] }] });
    delete r.inputs.spec.egress[4].to[0].ipBlock.except;
    await expectViolations([r], { stack: "dev", only: POLICY }, [
      [
        POLICY,
        "Expected egress rule 4 to exclude 169.254.169.254 but found ipBlock 0.0.0.0/0 without it in except in " +
          "NetworkPolicy demo-dev/singleuser; add 169.254.169.254/32 to " +
          "spec.egress[4].to[0].ipBlock.except (BLOCKED_EGRESS in components/jupyterhub/manifests.ts)",
      ],
    ]);
  });
});
