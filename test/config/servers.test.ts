// The student's server in the stack file: placement (node pools, node selectors, tolerations), the choices within
// profiles, the command and working directory, and named servers. Each bad value is refused with its key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig, type RawConfig } from "../../components/config";
import { problems, withClass } from "../support/stacks";

/** The dev class on a GKE cluster this stack creates, with one extra user pool `highmem`. */
const onGke = (change: (cls: any) => void): RawConfig =>
  withClass(
    "dev",
    (c) => {
      delete c.serviceType;
      delete c.nodePort;
      change(c);
    },
    {
      cluster: {
        source: "gke",
        gke: {
          project: "ucb-classhub",
          region: "us-central1",
          extraUserPools: [{ name: "highmem", machineType: "n2-highmem-16", maxNodes: 4 }],
        },
      },
      keys: ["classhub:cluster", "classhub:class"],
    },
  );

const profile = (extra: Record<string, unknown> = {}) => ({ slug: "py", displayName: "Python", ...extra });
const sizes = {
  name: "size",
  displayName: "Size",
  choices: [
    { slug: "small", displayName: "Small" },
    { slug: "large", displayName: "Large", resources: { cpuLimit: 2, memoryLimit: "4Gi" } },
  ],
};

describe("valid server settings", () => {
  it("a class and profile naming the cluster's pool, options, a command and named servers pass", () => {
    const raw = onGke((c) => {
      c.placement = { nodePool: "highmem" };
      c.cmd = ["jupyterhub-singleuser"];
      c.args = ["--ServerApp.terminals_enabled=False"];
      c.workingDir = "/home/jovyan/work";
      c.namedServers = { enabled: true, limitPerStudent: 3 };
      c.profiles = [profile({ placement: { nodeSelector: { "example.edu/disk": "ssd" } }, options: [sizes] })];
    });
    assert.deepEqual(problems(raw), []);
  });

  it("defaults: no placement, no command, named servers off with a limit of 2, no options", () => {
    const cls = parseConfig(withClass("dev", (c) => (c.profiles = [profile()]))).class!;
    assert.deepEqual(cls.placement, {});
    assert.deepEqual([cls.cmd, cls.args, cls.workingDir], [undefined, undefined, undefined]);
    assert.deepEqual(cls.namedServers, { enabled: false, limitPerStudent: 2 });
    assert.deepEqual(cls.profiles[0].options, []);
    assert.equal(cls.defaultUrl, "/lab");
  });
});

describe("bad server settings name their key", () => {
  const cases: [string, RawConfig, string][] = [
    [
      "a pool the cluster does not have",
      onGke((c) => (c.placement = { nodePool: "bigmem" })),
      'classhub:class.placement.nodePool = "bigmem": is not one of the cluster\'s extra user pools (highmem); add it to classhub:cluster.gke.extraUserPools',
    ],
    [
      "a profile's pool the cluster does not have",
      onGke((c) => (c.profiles = [profile({ placement: { nodePool: "gpu" } })])),
      'classhub:class.profiles[0].placement.nodePool = "gpu": is not one of the cluster\'s extra user pools (highmem); add it to classhub:cluster.gke.extraUserPools',
    ],
    [
      "a pool on an ambient cluster",
      withClass("dev", (c) => (c.placement = { nodePool: "highmem" })),
      'classhub:class.placement.nodePool = "highmem": names a GKE node pool, but classhub:cluster is an ambient cluster whose pools classhub does not know; use nodeSelector and tolerations',
    ],
    [
      "a GPU profile on an extra pool",
      onGke((c) => (c.profiles = [profile({ gpus: 1, placement: { nodePool: "highmem" } })])),
      'classhub:class.profiles[0].placement.nodePool = "highmem": keeps GPU profile py off the GPU pool; a GPU profile runs on the GPU pool',
    ],
    [
      "a label key Kubernetes refuses",
      withClass("dev", (c) => (c.placement = { nodeSelector: { "-disk": "ssd" } })),
      "classhub:class.placement.nodeSelector.-disk = \"-disk\": expected a Kubernetes label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    ],
    [
      "a label value Kubernetes refuses",
      withClass("dev", (c) => (c.placement = { nodeSelector: { disk: "fast ssd" } })),
      "classhub:class.placement.nodeSelector.disk = \"fast ssd\": expected a Kubernetes label value: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)",
    ],
    [
      "a toleration with a value and Exists",
      withClass(
        "dev",
        (c) => (c.placement = { tolerations: [{ key: "k", operator: "Exists", value: "v", effect: "NoSchedule" }] }),
      ),
      'classhub:class.placement.tolerations[0].value = "v": must be left out with operator Exists, which matches any value',
    ],
    [
      "a toleration without key that is not Exists",
      withClass("dev", (c) => (c.placement = { tolerations: [{ effect: "NoSchedule" }] })),
      'classhub:class.placement.tolerations[0].operator = "Equal": a toleration without key needs operator Exists (it then tolerates every taint)',
    ],
    [
      "tolerationSeconds without NoExecute",
      withClass(
        "dev",
        (c) => (c.placement = { tolerations: [{ key: "k", value: "v", effect: "NoSchedule", tolerationSeconds: 30 }] }),
      ),
      "classhub:class.placement.tolerations[0].tolerationSeconds = 30: applies only with effect NoExecute",
    ],
    [
      "a toleration without an effect",
      withClass("dev", (c) => (c.placement = { tolerations: [{ key: "k", operator: "Exists" }] })),
      'classhub:class.placement.tolerations[0].effect: Invalid option: expected one of "NoSchedule"|"PreferNoSchedule"|"NoExecute"',
    ],
    [
      "an unknown toleration effect",
      withClass("dev", (c) => (c.placement = { tolerations: [{ key: "k", effect: "NoRun" }] })),
      'classhub:class.placement.tolerations[0].effect = "NoRun": Invalid option: expected one of "NoSchedule"|"PreferNoSchedule"|"NoExecute"',
    ],
    [
      "args without a command",
      withClass("dev", (c) => (c.args = ["--debug"])),
      'classhub:class.args = ["--debug"]: needs cmd: KubeSpawner drops arguments when the image\'s own command runs',
    ],
    [
      "a profile's args without any command",
      withClass("dev", (c) => (c.profiles = [profile({ args: ["--debug"] })])),
      "classhub:class.profiles[0].args = [\"--debug\"]: needs cmd (the profile's or the class's): KubeSpawner drops arguments when the image's own command runs",
    ],
    [
      "a relative working directory",
      withClass("dev", (c) => (c.workingDir = "work")),
      'classhub:class.workingDir = "work": expected an absolute path such as /home/jovyan',
    ],
    [
      "a profile default URL that is not a path",
      withClass("dev", (c) => (c.profiles = [profile({ defaultUrl: "lab" })])),
      'classhub:class.profiles[0].defaultUrl = "lab": expected a path such as /lab',
    ],
    [
      "a profile environment value with an unknown field",
      withClass("dev", (c) => (c.profiles = [profile({ environment: { HOME_URL: "{home}" } })])),
      'classhub:class.profiles[0].environment.HOME_URL = "{home}": expected text in which KubeSpawner\'s fields are {username}, {unescaped_username}, {userid}, {servername}, {user_server}; write a literal brace as {{ or }}',
    ],
    [
      "a named server limit of 0",
      withClass("dev", (c) => (c.namedServers = { enabled: true, limitPerStudent: 0 })),
      "classhub:class.namedServers.limitPerStudent = 0: expected at least 1",
    ],
    [
      "an option named profile",
      withClass("dev", (c) => (c.profiles = [profile({ options: [{ ...sizes, name: "profile" }] })])),
      "classhub:class.profiles[0].options[0].name = \"profile\": 'profile' is the name of the profile itself; pick another",
    ],
    [
      "an option name with a double dash, which the profile form's field names use",
      withClass("dev", (c) => (c.profiles = [profile({ options: [{ ...sizes, name: "a--b" }] })])),
      "classhub:class.profiles[0].options[0].name = \"a--b\": expected an option name: lowercase letters and digits, words joined by single '-'",
    ],
    [
      "an option without choices",
      withClass("dev", (c) => (c.profiles = [profile({ options: [{ ...sizes, choices: [] }] })])),
      "classhub:class.profiles[0].options[0].choices = []: expected at least one choice",
    ],
    [
      "a choice slug that is not a slug",
      withClass(
        "dev",
        (c) => (c.profiles = [profile({ options: [{ ...sizes, choices: [{ slug: "Big", displayName: "Big" }] }] })]),
      ),
      "classhub:class.profiles[0].options[0].choices[0].slug = \"Big\": expected a choice slug: lowercase letters, digits and '-', starting and ending with a letter or digit",
    ],
    [
      "a choice that sets what it may not",
      withClass(
        "dev",
        (c) =>
          (c.profiles = [profile({ options: [{ ...sizes, choices: [{ slug: "a", displayName: "A", gpus: 1 }] }] })]),
      ),
      "classhub:class.profiles[0].options[0].choices[0]: unknown key(s) 'gpus'",
    ],
    [
      "a choice slug used twice",
      withClass(
        "dev",
        (c) =>
          (c.profiles = [
            profile({ options: [{ ...sizes, choices: [sizes.choices[0], { ...sizes.choices[1], slug: "small" }] }] }),
          ]),
      ),
      'classhub:class.profiles[0].options[0].choices[1].slug = "small": is used twice in this option',
    ],
    [
      "two default choices",
      withClass(
        "dev",
        (c) =>
          (c.profiles = [
            profile({ options: [{ ...sizes, choices: sizes.choices.map((ch) => ({ ...ch, default: true })) }] }),
          ]),
      ),
      'classhub:class.profiles[0].options[0].choices = ["small","large"]: more than one choice is marked default; mark one',
    ],
    [
      "an option name used twice",
      withClass("dev", (c) => (c.profiles = [profile({ options: [sizes, sizes] })])),
      'classhub:class.profiles[0].options[1].name = "size": is used twice in this profile',
    ],
    [
      "resources decided by two options",
      withClass(
        "dev",
        (c) =>
          (c.profiles = [
            profile({
              options: [
                sizes,
                { name: "memory", displayName: "Memory", choices: [{ slug: "m", displayName: "M", resources: {} }] },
              ],
            }),
          ]),
      ),
      "classhub:class.profiles[0].options[1].choices[0].resources = {}: is also set by option 'size'; let the choices of one option decide resources",
    ],
    [
      "a choice whose guarantee exceeds the limit it leaves in place",
      withClass(
        "dev",
        (c) =>
          (c.profiles = [
            profile({
              options: [
                { ...sizes, choices: [{ slug: "s", displayName: "S", resources: { memoryGuarantee: "1Gi" } }] },
              ],
            }),
          ]),
      ),
      'classhub:class.profiles[0].options[0].choices[0].resources.memoryGuarantee = "1Gi": exceeds memoryLimit 512Mi in this choice; a guarantee must be at most its limit',
    ],
    [
      "a choice naming a pool on an ambient cluster",
      withClass(
        "dev",
        (c) =>
          (c.profiles = [
            profile({
              options: [{ ...sizes, choices: [{ slug: "s", displayName: "S", placement: { nodePool: "highmem" } }] }],
            }),
          ]),
      ),
      'classhub:class.profiles[0].options[0].choices[0].placement.nodePool = "highmem": names a GKE node pool, but classhub:cluster is an ambient cluster whose pools classhub does not know; use nodeSelector and tolerations',
    ],
  ];
  for (const [what, raw, message] of cases) {
    it(what, () => assert.ok(problems(raw).includes(message), `got:\n${problems(raw).join("\n")}`));
  }
});
