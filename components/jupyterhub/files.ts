// The students' files ConfigMap (classhub:class.files): KubeSpawner mounts each key read-only at its path, by the
// items in the hub settings (hub/operatorSettings.ts). Text only, never secrets: a ConfigMap is readable by
// anyone who may read the namespace, and the policy pack checks it as it checks every ConfigMap.
import type * as k8s from "@pulumi/kubernetes";
import type { ServerFile } from "../config/schema";
import { fileKey, SERVER_FILES_CONFIGMAP } from "../hub/operatorSettings";
import { labels } from "../labels";

/**
 * Named: KubeSpawner's pod spec names it. Updated in place: servers that start afterwards get the new files;
 * running servers keep the ones they started with (a subPath mount never follows a ConfigMap).
 */
export function serverFilesConfigMap(ns: string, files: ServerFile[]): k8s.types.input.core.v1.ConfigMap {
  return {
    metadata: { namespace: ns, name: SERVER_FILES_CONFIGMAP, labels: labels(ns, "singleuser-server") },
    data: Object.fromEntries(files.map((f, i) => [fileKey(f, i), f.content])),
  };
}
