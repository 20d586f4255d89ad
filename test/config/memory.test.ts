// Memory as plain numbers: every memory key takes a number of bytes, as YAML writes one, and the same as text; the
// program's parser (components/quantity.ts) and the policy pack's (policy/lib/quantity.ts) read the same cases alike.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { memoryBytes } from "../../components/quantity";
import { quantity } from "../../policy/lib/quantity";
import { problems, withClass } from "../support/stacks";

const ALLOWED =
  'expected a whole number of bytes (1951419879 or "1951419879") or a quantity such as 512Mi, 2Gi or 1.5G ' +
  "(suffixes Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E), at least one byte";

/** Every memory key of a class, and how to set it. */
const KEYS: [string, (c: any, v: unknown) => void][] = [
  ["resources.memoryLimit", (c, v) => (c.resources.memoryLimit = v)],
  ["resources.memoryGuarantee", (c, v) => (c.resources = { ...c.resources, memoryGuarantee: v, memoryLimit: "8Gi" })],
  ["storage.homeSize", (c, v) => (c.storage = { ...c.storage, homeSize: v })],
  ["quota.memory", (c, v) => (c.quota = { memory: v })],
  ["quota.storage", (c, v) => (c.quota = { storage: v })],
  ["hub.databaseSize", (c, v) => (c.hub = { databaseSize: v })],
  ["hub.resources.memoryLimit", (c, v) => (c.hub = { resources: { memoryLimit: v } })],
  ["proxy.resources.memoryLimit", (c, v) => (c.proxy = { resources: { memoryLimit: v } })],
  [
    "profiles[0].resources.memoryLimit",
    (c, v) => (c.profiles = [{ slug: "big", displayName: "Big", resources: { memoryLimit: v } }]),
  ],
];

describe("memory keys take bytes", () => {
  // 8 GiB is large enough for every key (the quota must hold the hub, the proxy and a server).
  const BYTES = 8 * 2 ** 30;
  for (const [key, set] of KEYS) {
    it(`${key} takes ${BYTES} as a number and as text, kept as text`, () => {
      for (const value of [BYTES, String(BYTES)]) {
        const raw = withClass("dev", (c) => set(c, value));
        assert.deepEqual(problems(raw), [], `${key} = ${JSON.stringify(value)}`);
        const cls = parseConfig(raw).class as any;
        const path = key.replace(/\[(\d+)\]/, ".$1").split(".");
        assert.equal(
          path.reduce((o, k) => o[k], cls),
          String(BYTES),
        );
      }
    });
    it(`${key} refuses a value that is no quantity, saying what is allowed`, () => {
      for (const value of ["3Gb", "1K", "-5", "0", 1.5, true]) {
        assert.deepEqual(problems(withClass("dev", (c) => set(c, value))), [
          `classhub:class.${key} = ${JSON.stringify(value)}: ${ALLOWED}`,
        ]);
      }
    });
  }
});

describe("a byte count reaches Kubernetes as the bytes it says", () => {
  it("a YAML number of bytes is the servers' memory limit in the hub settings", async () => {
    const cls = parseConfig(withClass("dev", (c) => (c.resources.memoryLimit = 1951419879))).class!;
    assert.equal(cls.resources.memoryLimit, "1951419879");
    const { hubSettings } = await import("../../components/hub/settings");
    assert.equal(hubSettings(cls, { userPool: false }).spawner.memLimit, 1951419879);
  });
});

/** Cases both parsers read: bytes, or undefined for what is no memory quantity. */
const CASES: [unknown, number | undefined][] = [
  [1951419879, 1951419879],
  ["1951419879", 1951419879],
  ["512Mi", 512 * 2 ** 20],
  ["2Gi", 2 * 2 ** 30],
  ["1.5G", 1.5e9],
  ["1.5Gi", 1.5 * 2 ** 30],
  ["10k", 10_000],
  ["1Ti", 2 ** 40],
  ["1Pi", 2 ** 50],
  ["2P", 2e15],
  ["3Gb", undefined],
  ["1K", undefined], // Kubernetes' kilo is k
  [" 1Gi", undefined],
  ["1Gi ", undefined],
  ["", undefined],
  ["-1Gi", undefined],
  ["Gi", undefined],
  ["1e9", undefined],
  [null, undefined],
];

describe("the program and the policy pack read quantities alike", () => {
  for (const [value, expected] of CASES) {
    it(`${JSON.stringify(value)} is ${expected ?? "no quantity"} to both`, () => {
      assert.equal(memoryBytes(value), expected);
      assert.equal(quantity(value), expected);
    });
  }
  it("a fraction of a byte is a quantity to the policy pack (CPU uses it) but no memory size to the program", () => {
    assert.equal(quantity("500m"), 0.5);
    assert.equal(memoryBytes("500m"), undefined);
    assert.equal(memoryBytes("0.1"), undefined);
  });
});
