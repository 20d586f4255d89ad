import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ApiServer } from "../cluster/apiServer";
import { secretDigest } from "../digest";
import type { ContainerResources } from "../quantity";
import * as m from "./manifests";
import { type HubSettings, SETTINGS_FILE } from "./settings";
import type { Branding } from "../config/schema";
import { brandingConfigMap, loginTemplate } from "./branding";
import type { HubSharedStorage } from "./sharedStorage";
import { SCHEMA_FILE } from "./settingsSchema";

/** classhub's hub-side Python and the settings' JSON Schema, mounted next to the settings JSON. */
export const HUB_FILES = [
  "jupyterhub_config.py",
  "classhub_settings.py",
  "classhub_storage.py",
  "classhub_auth.py",
  SCHEMA_FILE,
];
const HUB_SOURCE_DIR = path.join(__dirname, "..", "..", "hub");

export interface HubArgs {
  /** The class namespace. */
  namespace: string;
  /**
   * The hub's image, pinned: classhub:class.hub.image, whose default is HUB_IMAGE. Its JupyterHub and KubeSpawner
   * must be the versions requirements-hub.txt pins.
   */
  image: string;
  /** The hub settings jupyterhub_config.py applies. */
  settings: pulumi.Input<HubSettings>;
  /** Secret values by hub Secret key; they reach the hub only as env vars. */
  secrets: Partial<Record<m.SecretKey, pulumi.Input<string>>>;
  /** Storage class for the hub database. Defaults to the cluster default. */
  dbStorageClass?: pulumi.Input<string>;
  /** Size of the hub database's claim: classhub:class.hub.databaseSize. */
  databaseSize: string;
  /** The hub container's requests and limits (jupyterhub/sizing.ts). */
  resources: ContainerResources;
  /** Where the hub pod may run, e.g. the core node pool. Defaults to anywhere. */
  nodeSelector?: Record<string, string>;
  /** The proxy the hub drives: its API token and what must be up before the hub starts. */
  proxy: {
    tokenSecret: { name: pulumi.Input<string>; key: string };
    token: pulumi.Input<string>;
    ready: pulumi.Resource[];
  };
  /** The API server as pods reach it, for the hub's egress. */
  apiServer: pulumi.Input<ApiServer>;
  /** Homes on a shared volume, which the hub pod mounts to create them. Defaults to one claim per student. */
  shared?: HubSharedStorage;
  /** The login page's course name, message and logo: classhub:class.branding. Defaults to JupyterHub's page. */
  branding?: Branding;
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/** The hub's files: the Python and the schema from hub/, and the settings as JSON. */
export function hubFiles(settings: HubSettings): Record<string, string> {
  return {
    ...Object.fromEntries(HUB_FILES.map((f) => [f, fs.readFileSync(path.join(HUB_SOURCE_DIR, f), "utf8")])),
    [SETTINGS_FILE]: JSON.stringify(settings, null, 2) + "\n",
  };
}

/** The JupyterHub hub: its identity and rights, config, secrets, database, Deployment, Service and NetworkPolicy. */
export class Hub extends pulumi.ComponentResource {
  /** Service name the proxy and student servers use to reach the hub. */
  readonly serviceName: pulumi.Output<string>;
  /** Name of the Secret holding the hub's own secrets (the proxy's token is in the proxy's Secret). */
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
    // Updated in place: the mounted template and logo follow within a minute, with no hub restart.
    const branding =
      args.branding === undefined
        ? undefined
        : new k8s.core.v1.ConfigMap(
            `${name}-branding`,
            brandingConfigMap(ns, args.branding, loginTemplate()),
            children,
          );
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      m.configMap(ns, files, files.apply(m.configMapName)),
      children,
    );
    const secretKeys = (Object.keys(args.secrets) as m.SecretKey[]).sort();
    const secret = new k8s.core.v1.Secret(`${name}-secret`, m.secret(ns, args.secrets), children);
    // The hub database outlives a destroy, like the namespace that holds the students' homes.
    const claim = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-db`,
      m.databaseClaim(ns, args.dbStorageClass, args.databaseSize),
      {
        ...children,
        retainOnDelete: true,
      },
    );

    const service = new k8s.core.v1.Service(`${name}-service`, m.service(ns), children);
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      m.deployment({
        namespace: ns,
        image: args.image,
        configMapName: config.metadata.name,
        secretName: secret.metadata.name,
        secretKeys,
        proxyToken: args.proxy.tokenSecret,
        serviceAccountName: account.metadata.name,
        claimName: claim.metadata.name,
        resources: args.resources,
        secretChecksum: secretDigest(
          [...secretKeys.map((k) => args.secrets[k]!), args.proxy.token],
          args.secrets["crypt-key"]!,
        ),
        nodeSelector: args.nodeSelector ?? {},
        shared: args.shared,
        brandingConfigMapName: branding?.metadata.name,
      }),
      // The hub calls the proxy's API as it starts and gives up after about 30 s: start it once the proxy
      // answers. Its Service exists first, so student servers and the proxy find it by name at once.
      { ...children, dependsOn: [service, ...args.proxy.ready] },
    );
    const policy = pulumi
      .all([args.settings, args.apiServer])
      .apply(([settings, apiServer]) =>
        m.networkPolicy(ns, { apiServer, identityProviderPorts: m.identityProviderPorts(settings.auth) }),
      );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      {
        metadata: m.networkPolicyMetadata(ns),
        spec: policy.apply((p) => p.spec as k8s.types.input.networking.v1.NetworkPolicySpec),
      },
      children,
    );

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
