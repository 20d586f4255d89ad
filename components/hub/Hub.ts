import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as m from "./manifests";
import { type HubSettings, SETTINGS_FILE } from "./settings";

/** classhub's hub-side Python, mounted next to the settings JSON. */
export const HUB_PYTHON_FILES = ["jupyterhub_config.py", "classhub_settings.py"];
const HUB_SOURCE_DIR = path.join(__dirname, "..", "..", "hub");

export interface HubArgs {
  /** The class namespace. */
  namespace: string;
  /** The hub settings jupyterhub_config.py applies. */
  settings: pulumi.Input<HubSettings>;
  /** Secret values by hub Secret key; they reach the hub only as env vars. */
  secrets: Partial<Record<m.SecretKey, pulumi.Input<string>>>;
  /** Storage class for the hub database. Defaults to the cluster default. */
  dbStorageClass?: pulumi.Input<string>;
  /** Where the hub pod may run, e.g. the core node pool. Defaults to anywhere. */
  nodeSelector?: Record<string, string>;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/** The hub's files: the Python from hub/ and the settings as JSON. */
export function hubFiles(settings: HubSettings): Record<string, string> {
  return {
    ...Object.fromEntries(HUB_PYTHON_FILES.map((f) => [f, fs.readFileSync(path.join(HUB_SOURCE_DIR, f), "utf8")])),
    [SETTINGS_FILE]: JSON.stringify(settings, null, 2) + "\n",
  };
}

/** The JupyterHub hub: its identity and rights, config, secrets, database, Deployment, Service and NetworkPolicy. */
export class Hub extends pulumi.ComponentResource {
  /** Service name the proxy and student servers use to reach the hub. */
  readonly serviceName: pulumi.Output<string>;
  /** Name of the Secret holding the proxy token and the hub's secrets. */
  readonly secretName: pulumi.Output<string>;
  /** The hub database claim, retained on destroy. */
  readonly databaseClaimName: pulumi.Output<string>;

  constructor(name: string, args: HubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:hub:Hub", name, {}, opts);
    const ns = args.namespace;
    const children = { parent: this, provider: args.provider };

    const account = new k8s.core.v1.ServiceAccount(`${name}-account`, m.serviceAccount(ns), children);
    const role = new k8s.rbac.v1.Role(`${name}-role`, m.role(ns), children);
    new k8s.rbac.v1.RoleBinding(
      `${name}-role-binding`,
      m.roleBinding(ns, role.metadata.name, account.metadata.name),
      children,
    );

    const files = pulumi.output(args.settings).apply(hubFiles);
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, m.configMap(ns, files as any), children);
    const secretKeys = (Object.keys(args.secrets) as m.SecretKey[]).sort();
    const secret = new k8s.core.v1.Secret(`${name}-secret`, m.secret(ns, args.secrets), children);
    // The hub database outlives a destroy, like the namespace that holds the students' homes.
    const claim = new k8s.core.v1.PersistentVolumeClaim(`${name}-db`, m.databaseClaim(ns, args.dbStorageClass), {
      ...children,
      retainOnDelete: true,
    });

    // A digest of 256-bit random secrets reveals nothing, so it may show in the pod template as plain text.
    const secretChecksum = pulumi.unsecret(
      pulumi.all(secretKeys.map((k) => args.secrets[k]!)).apply((values) => sha256(JSON.stringify(values))),
    );
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      m.deployment({
        namespace: ns,
        configMapName: config.metadata.name,
        secretName: secret.metadata.name,
        secretKeys,
        serviceAccountName: account.metadata.name,
        claimName: claim.metadata.name,
        configChecksum: files.apply((f) => sha256(JSON.stringify(f))),
        secretChecksum,
        nodeSelector: args.nodeSelector ?? {},
      }),
      children,
    );
    const service = new k8s.core.v1.Service(`${name}-service`, m.service(ns), { ...children, dependsOn: [deployment] });
    new k8s.networking.v1.NetworkPolicy(`${name}-network-policy`, m.networkPolicy(ns), children);

    this.serviceName = service.metadata.name;
    this.secretName = secret.metadata.name;
    this.databaseClaimName = claim.metadata.name;
    this.registerOutputs({
      serviceName: this.serviceName,
      secretName: this.secretName,
      databaseClaimName: this.databaseClaimName,
    });
  }
}
