// The kubeconfig classhub writes for a GKE cluster: its DNS control-plane endpoint, and tokens from
// gke-gcloud-auth-plugin, so the text holds no credential.
import { stringify } from "yaml";

/**
 * A kubeconfig for the cluster's DNS endpoint (`gke-<id>.<region>.gke.goog`). Google IAM checks every request there
 * (container.clusters.connect) before Kubernetes RBAC does, and it answers with a publicly trusted certificate, so
 * the kubeconfig carries no CA, as `gcloud container clusters get-credentials --dns-endpoint` writes it.
 */
export function kubeconfig(clusterName: string, dnsEndpoint: string): string {
  if (dnsEndpoint === "") {
    throw new Error(`GKE reported no DNS endpoint for cluster ${clusterName}; classhub's kubeconfig needs it`);
  }
  return stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: clusterName, cluster: { server: `https://${dnsEndpoint}` } }],
      contexts: [
        {
          name: clusterName,
          context: { cluster: clusterName, user: clusterName },
        },
      ],
      "current-context": clusterName,
      users: [
        {
          name: clusterName,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "gke-gcloud-auth-plugin",
              installHint:
                "Install gke-gcloud-auth-plugin for kubectl: gcloud components install gke-gcloud-auth-plugin " +
                "(https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin)",
              provideClusterInfo: true,
            },
          },
        },
      ],
    },
    // No line folding: people read and grep this file.
    { lineWidth: 0 },
  );
}
