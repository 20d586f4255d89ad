// Files in the server: classhub:class.files, inline or read from the project, become one ConfigMap and the
// hub settings' items, which jupyterhub_config.py mounts read-only (test/hub/test_operator.py checks the pod).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig, type RawConfig } from "../../components/config";
import { hubSettings } from "../../components/hub/settings";
import { serverFilesConfigMap } from "../../components/jupyterhub/files";
import { expectNone, expectViolations } from "../policy/assertions";
import { problems, withClass } from "../support/stacks";

const CULLING = JSON.stringify({ MappingKernelManager: { cull_idle_timeout: 1200, cull_interval: 60 } });
const GITCONFIG = "[init]\n\tdefaultBranch = main\n";
const read = (files: Record<string, string>) => (file: string) => {
  if (!(file in files)) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
  return files[file];
};
const withFiles = (files: unknown, sources: Record<string, string> = {}): RawConfig => ({
  ...withClass("dev", (c) => (c.files = files)),
  readFile: read(sources),
});

const EXAMPLE = [
  { path: "/etc/jupyter/jupyter_server_config.json", content: CULLING },
  { path: "/etc/gitconfig", source: "files/gitconfig" },
  { path: "/usr/local/bin/course-setup", source: "files/setup.sh", mode: "0755" },
];
const SOURCES = { "files/gitconfig": GITCONFIG, "files/setup.sh": "#!/bin/sh\necho ready\n" };

describe("files in the server", () => {
  it("are read when the config loads: inline content, or a project file, with their modes", () => {
    assert.deepEqual(parseConfig(withFiles(EXAMPLE, SOURCES)).class!.files, [
      { path: "/etc/jupyter/jupyter_server_config.json", mode: 0o644, content: CULLING },
      { path: "/etc/gitconfig", mode: 0o644, content: GITCONFIG },
      { path: "/usr/local/bin/course-setup", mode: 0o755, content: "#!/bin/sh\necho ready\n" },
    ]);
  });

  it("become one named ConfigMap, a key per file", () => {
    const cls = parseConfig(withFiles(EXAMPLE, SOURCES)).class!;
    const cm = serverFilesConfigMap(cls.namespace, cls.files);
    assert.equal((cm.metadata as any).name, "singleuser-files");
    assert.deepEqual(cm.data, {
      "0-jupyter_server_config.json": CULLING,
      "1-gitconfig": GITCONFIG,
      "2-course-setup": "#!/bin/sh\necho ready\n",
    });
  });

  it("reach the hub settings as ConfigMap items: key, path and mode", () => {
    const cls = parseConfig(withFiles(EXAMPLE, SOURCES)).class!;
    assert.deepEqual(hubSettings(cls, { userPool: false }).storage.files, {
      configMap: "singleuser-files",
      volumeName: "classhub-files",
      items: [
        { key: "0-jupyter_server_config.json", path: "/etc/jupyter/jupyter_server_config.json", mode: 0o644 },
        { key: "1-gitconfig", path: "/etc/gitconfig", mode: 0o644 },
        { key: "2-course-setup", path: "/usr/local/bin/course-setup", mode: 0o755 },
      ],
    });
  });

  it("are absent from the settings when the class has none", () => {
    assert.equal(hubSettings(parseConfig(withFiles(undefined)).class!, { userPool: false }).storage.files, null);
  });
});

describe("files validation", () => {
  const one = (file: object) => [{ path: "/etc/gitconfig", ...file }];
  const cases: [string, unknown, string[]][] = [
    [
      "both content and source",
      one({ content: "x", source: "files/gitconfig" }),
      [
        'classhub:class.files[0] = {"path":"/etc/gitconfig","mode":"0644","content":"x","source":"files/gitconfig"}: expected either content or source, not both or neither',
      ],
    ],
    [
      "neither content nor source",
      one({}),
      [
        'classhub:class.files[0] = {"path":"/etc/gitconfig","mode":"0644"}: expected either content or source, not both or neither',
      ],
    ],
    [
      "a relative path",
      [{ path: "etc/gitconfig", content: "x" }],
      [
        'classhub:class.files[0].path = "etc/gitconfig": expected an absolute path such as /etc/jupyter/jupyter_server_config.json',
      ],
    ],
    [
      "a path with ..",
      [{ path: "/etc/../srv/x", content: "x" }],
      ['classhub:class.files[0].path = "/etc/../srv/x": expected a path without . or .. segments'],
    ],
    [
      "a mode that is not octal text",
      one({ content: "x", mode: 644 }),
      ['classhub:class.files[0].mode = 644: expected an octal mode as text, such as "0644" or "0755"'],
    ],
    [
      "a source that cannot be read",
      one({ source: "files/missing" }),
      [
        "classhub:class.files[0].source = \"files/missing\": cannot be read (ENOENT: no such file or directory, open 'files/missing')",
      ],
    ],
    [
      "a private key",
      one({ content: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n" }),
      [
        "classhub:class.files[0].content: holds a private key; files go into a ConfigMap that anyone who may read the namespace can read: keep secrets out of them",
      ],
    ],
    [
      "a path inside the home",
      [{ path: "/home/jovyan/.gitconfig", content: "x" }],
      [
        'classhub:class.files[0].path = "/home/jovyan/.gitconfig": is inside the home volume (storage.mountPath /home/jovyan), which the student owns and keeps; place the file elsewhere, e.g. under /etc',
      ],
    ],
    [
      "a path listed twice",
      [
        { path: "/etc/gitconfig", content: "a" },
        { path: "/etc/gitconfig", content: "b" },
      ],
      ['classhub:class.files[1].path = "/etc/gitconfig": is listed twice; list each path once'],
    ],
    [
      "more than a ConfigMap holds",
      [{ path: "/etc/big", content: "x".repeat(512 * 1024 + 1) }],
      ["classhub:class.files: hold 524289 bytes together; at most 524288 (512KiB) fit the ConfigMap they go into"],
    ],
  ];
  for (const [what, files, expected] of cases) {
    it(`refuses ${what}`, () => assert.deepEqual(problems(withFiles(files, SOURCES)), expected));
  }
  it("accepts exactly 512KiB", () => {
    assert.deepEqual(problems(withFiles([{ path: "/etc/big", content: "x".repeat(512 * 1024) }])), []);
  });
});

describe("the policy pack's secrets-in-ConfigMaps rule", () => {
  const POLICY = "classhub-disallow-secrets-in-configmaps";
  const resource = (data: Record<string, string>) => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: "singleuser-files",
    inputs: { metadata: { namespace: "demo-dev", name: "singleuser-files" }, data },
  });
  it("passes the files ConfigMap the program renders", async () => {
    const cls = parseConfig(withFiles(EXAMPLE, SOURCES)).class!;
    const cm = serverFilesConfigMap(cls.namespace, cls.files);
    await expectNone([resource(cm.data as Record<string, string>)], { stack: "dev", only: POLICY });
  });
  it("still catches a private key in it, had one slipped past the config", async () => {
    await expectViolations(
      [resource({ "0-id_rsa": "-----BEGIN RSA PRIVATE KEY-----\n" })],
      { stack: "dev", only: POLICY },
      [
        [
          POLICY,
          'Expected no secret in a ConfigMap but found a private key in data key "0-id_rsa" of ConfigMap demo-dev/singleuser-files; keep it in the hub Secret and pass it as an env var (components/hub/manifests.ts SECRET_ENV)',
        ],
      ],
    );
  });
});
