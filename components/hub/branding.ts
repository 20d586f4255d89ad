// The hub's branding ConfigMap (classhub:class.branding): classhub's login template, which extends JupyterHub's
// login page with the course name and message, and the logo. The hub mounts it at BRANDING_DIR; the hub
// settings point JupyterHub's template_paths and logo_file there.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Branding } from "../config/schema";
import { labels } from "../labels";
import { BRANDING_DIR, LOGIN_TEMPLATE } from "./operatorSettings";

const TEMPLATE_SOURCE = path.join(__dirname, "..", "..", "hub", "templates", LOGIN_TEMPLATE);
/** Named: the hub Deployment mounts it by name. */
export const BRANDING_CONFIGMAP = "hub-branding";

/** The template as text and the logo as bytes (binaryData, base64). */
export function brandingConfigMap(ns: string, branding: Branding, template: string): k8s.types.input.core.v1.ConfigMap {
  return {
    metadata: { namespace: ns, name: BRANDING_CONFIGMAP, labels: labels(ns, "hub") },
    data: { [LOGIN_TEMPLATE]: template },
    ...(branding.logo === undefined ? {} : { binaryData: { [branding.logo.fileName]: branding.logo.base64 } }),
  };
}

/** classhub's login template, from hub/templates/. */
export const loginTemplate = () => fs.readFileSync(TEMPLATE_SOURCE, "utf8");

/** The hub pod's volume and mount of the branding ConfigMap. */
export function brandingVolume(configMapName: pulumi.Input<string>) {
  return {
    volume: { name: "branding", configMap: { name: configMapName } },
    mount: { name: "branding", mountPath: BRANDING_DIR, readOnly: true },
  };
}
