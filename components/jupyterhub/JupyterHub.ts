import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ApiServer } from "../cluster/apiServer";
import { Hub, type HubArgs } from "../hub/Hub";
import type { SecretKey } from "../hub/manifests";
import type { HubSettings } from "../hub/settings";
import { Proxy, type ProxyArgs } from "../proxy/Proxy";
import type { ServerFile } from "../config/schema";
import type { Egress } from "./egress";
import { serverFilesConfigMap } from "./files";
import { singleuserNetworkPolicy } from "./manifests";

export interface JupyterHubArgs {
  /** The class namespace. */
  namespace: string;
  /** The hub settings. */
  settings: pulumi.Input<HubSettings>;
  /** The OAuth client secret, for OAuth authenticators. */
  oauthClientSecret?: pulumi.Input<string>;
  /** Storage class for the hub database. Defaults to the cluster default. */
  dbStorageClass?: pulumi.Input<string>;
  /** Where the hub and proxy pods may run. Defaults to anywhere. */
  coreNodeSelector?: Record<string, string>;
  /** The hub's image. */
  hub: Pick<HubArgs, "image" | "shared" | "resources" | "databaseSize" | "branding">;
  /** The proxy's image, its size and how the proxy is exposed. */
  proxy: Pick<ProxyArgs, "image" | "serviceType" | "nodePort" | "hostname" | "tls" | "gcp" | "resources">;
  /** The API server as pods reach it, for the hub's egress. */
  apiServer: pulumi.Input<ApiServer>;
  /** Where students' servers may connect besides the defaults: classhub:class.egress. */
  egress: Egress;
  /** Files mounted into every student's server: classhub:class.files. */
  files: ServerFile[];
  /** Provider of the class's cluster. */
  provider: k8s.Provider;
}

/** One class's JupyterHub: generated secrets, the hub, the proxy and the student servers' NetworkPolicy. */
export class JupyterHub extends pulumi.ComponentResource {
  readonly hub: Hub;
  readonly proxy: Proxy;

  constructor(name: string, args: JupyterHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:jupyterhub:JupyterHub", name, {}, opts);
    const children = { parent: this };

    // Random values live in Pulumi state, so every `up` sees the same secrets and nobody is logged out.
    const token = (suffix: string) =>
      new random.RandomPassword(`${name}-${suffix}`, { length: 64, special: false }, children).result;
    const key32 = (suffix: string) => new random.RandomId(`${name}-${suffix}`, { byteLength: 32 }, children).hex;
    const proxyToken = token("proxy-token");
    const secrets: Partial<Record<SecretKey, pulumi.Input<string>>> = {
      "cookie-secret": pulumi.secret(key32("cookie-secret")),
      "crypt-key": pulumi.secret(key32("crypt-key")),
      "culler-token": token("culler-token"),
      // `npm run check`'s service token: the tool reads it from the hub Secret with the operator's kubectl.
      "check-token": token("check-token"),
      ...(args.oauthClientSecret === undefined ? {} : { "oauth-client-secret": args.oauthClientSecret }),
    };

    // The proxy first: the hub calls its API as it starts.
    this.proxy = new Proxy(
      `${name}-proxy`,
      {
        ...args.proxy,
        namespace: args.namespace,
        token: proxyToken,
        nodeSelector: args.coreNodeSelector,
        provider: args.provider,
      },
      children,
    );
    this.hub = new Hub(
      `${name}-hub`,
      {
        ...args.hub,
        namespace: args.namespace,
        settings: args.settings,
        secrets,
        dbStorageClass: args.dbStorageClass,
        nodeSelector: args.coreNodeSelector,
        proxy: { tokenSecret: this.proxy.tokenSecret, token: proxyToken, ready: this.proxy.ready },
        apiServer: args.apiServer,
        provider: args.provider,
      },
      children,
    );
    new k8s.networking.v1.NetworkPolicy(`${name}-singleuser`, singleuserNetworkPolicy(args.namespace, args.egress), {
      ...children,
      provider: args.provider,
    });
    if (args.files.length > 0) {
      new k8s.core.v1.ConfigMap(`${name}-files`, serverFilesConfigMap(args.namespace, args.files), {
        ...children,
        provider: args.provider,
      });
    }
    this.registerOutputs({});
  }
}
