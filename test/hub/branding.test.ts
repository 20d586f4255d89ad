// Branding: classhub:class.branding reaches the hub settings (course name, message, template and logo paths),
// the branding ConfigMap (classhub's login template and the logo as binaryData) and the hub pod's mounts.
// test/hub/test_operator.py proves the page under the real JupyterHub.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig, type RawConfig } from "../../components/config";
import { brandingConfigMap, loginTemplate } from "../../components/hub/branding";
import { deployment, type HubDeploymentInputs } from "../../components/hub/manifests";
import { hubResources } from "../../components/hub/manifests";
import { hubSettings } from "../../components/hub/settings";
import { problems, withClass } from "../support/stacks";

/** The smallest PNG signature a logo check reads, then some bytes. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("rest")]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
const bytesOf = (files: Record<string, Buffer>) => (file: string) => {
  if (!(file in files)) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
  return files[file];
};
const withBranding = (branding: unknown, files: Record<string, Buffer> = {}): RawConfig => ({
  ...withClass("dev", (c) => (c.branding = branding)),
  readBytes: bytesOf(files),
});

const DATA8 = {
  title: "Data 8: Foundations of Data Science",
  message: "Log in with your <b>CalNet</b> ID.",
  logo: "branding/data8.png",
};

describe("branding", () => {
  it("reaches the hub settings: title, message, template directory and logo file", () => {
    const cls = parseConfig(withBranding(DATA8, { "branding/data8.png": PNG })).class!;
    assert.deepEqual(hubSettings(cls, { userPool: false }).branding, {
      title: DATA8.title,
      message: DATA8.message,
      templateDir: "/etc/classhub/branding",
      logoFile: "/etc/classhub/branding/logo.png",
    });
  });

  it("without a logo keeps JupyterHub's, and without branding the page is JupyterHub's own", () => {
    const noLogo = parseConfig(withBranding({ title: "Data 8" })).class!;
    assert.deepEqual(hubSettings(noLogo, { userPool: false }).branding, {
      title: "Data 8",
      message: "",
      templateDir: "/etc/classhub/branding",
      logoFile: null,
    });
    assert.equal(hubSettings(parseConfig(withBranding(undefined)).class!, { userPool: false }).branding, null);
  });

  it("puts the login template and the logo's bytes into the branding ConfigMap", () => {
    const cls = parseConfig(
      withBranding({ ...DATA8, logo: "branding/data8.svg" }, { "branding/data8.svg": SVG }),
    ).class!;
    const cm = brandingConfigMap(cls.namespace, cls.branding!, loginTemplate());
    assert.deepEqual(Object.keys(cm.data as object), ["login.html"]);
    assert.match((cm.data as any)["login.html"], /\{% extends "templates\/login.html" %\}/);
    assert.deepEqual(cm.binaryData, { "logo.svg": SVG.toString("base64") });
  });

  it("mounts the branding ConfigMap read-only in the hub pod, only when there is one", () => {
    const inputs = (brandingConfigMapName?: string): HubDeploymentInputs => ({
      namespace: "demo-dev",
      image: "quay.io/jupyterhub/k8s-hub:4.4.0",
      configMapName: "hub-config",
      secretName: "hub-secret",
      secretKeys: [],
      proxyToken: { name: "proxy-api-token", key: "token" },
      serviceAccountName: "hub",
      claimName: "hub-db",
      resources: hubResources(1),
      secretChecksum: "1",
      nodeSelector: {},
      brandingConfigMapName,
    });
    const pod = (name?: string) => (deployment(inputs(name)).spec as any).template.spec;
    assert.deepEqual(
      pod("hub-branding").volumes.find((v: any) => v.name === "branding"),
      { name: "branding", configMap: { name: "hub-branding" } },
    );
    assert.deepEqual(
      pod("hub-branding").containers[0].volumeMounts.find((m: any) => m.name === "branding"),
      { name: "branding", mountPath: "/etc/classhub/branding", readOnly: true },
    );
    assert.equal(
      pod().volumes.find((v: any) => v.name === "branding"),
      undefined,
    );
  });
});

describe("branding validation", () => {
  const cases: [string, unknown, Record<string, Buffer>, string[]][] = [
    ["a blank title", { title: " " }, {}, ['classhub:class.branding.title = " ": expected a course name, not blank']],
    [
      "a logo that cannot be read",
      { title: "Data 8", logo: "branding/missing.png" },
      {},
      [
        "classhub:class.branding.logo = \"branding/missing.png\": cannot be read (ENOENT: no such file or directory, open 'branding/missing.png')",
      ],
    ],
    [
      "a logo that is no PNG or SVG",
      { title: "Data 8", logo: "branding/logo.gif" },
      { "branding/logo.gif": Buffer.from("GIF89a") },
      ['classhub:class.branding.logo = "branding/logo.gif": expected a PNG (.png) or SVG (.svg) image'],
    ],
    [
      "a .png that is not a PNG",
      { title: "Data 8", logo: "branding/logo.png" },
      { "branding/logo.png": SVG },
      ['classhub:class.branding.logo = "branding/logo.png": expected a PNG (.png) or SVG (.svg) image'],
    ],
    [
      "a logo over 256KiB",
      { title: "Data 8", logo: "branding/logo.png" },
      { "branding/logo.png": Buffer.concat([PNG, Buffer.alloc(256 * 1024)]) },
      ['classhub:class.branding.logo = "branding/logo.png": is 262156 bytes; at most 262144 (256KiB)'],
    ],
    ["an unknown key", { title: "Data 8", name: "x" }, {}, ["classhub:class.branding: unknown key(s) 'name'"]],
  ];
  for (const [what, branding, files, expected] of cases) {
    it(`refuses ${what}`, () => assert.deepEqual(problems(withBranding(branding, files)), expected));
  }
});
