// Recommended Kubernetes labels on every object classhub creates. The NetworkPolicies select pods by
// instance (the class namespace) and component, so the keys here are a contract with KubeSpawner's
// extra_labels in the hub settings.

export type Component =
  "hub" | "proxy" | "singleuser-server" | "namespace" | "storage" | "user-scheduler" | "placeholder" | "image-puller";

/** Labels that select one component's pods in one class. */
export function selectorLabels(instance: string, component: Component): Record<string, string> {
  return { "app.kubernetes.io/instance": instance, "app.kubernetes.io/component": component };
}

/** A NetworkPolicy peer or target: one component's pods in one class. */
export function podsOf(instance: string, component: Component) {
  return { podSelector: { matchLabels: selectorLabels(instance, component) } };
}

/** Annotation that lets a later `pulumi up` adopt an object a previous destroy retained. */
export const ADOPT_ANNOTATION = { "pulumi.com/patchForce": "true" };

/**
 * Annotation that makes Pulumi create an object without waiting for it to be ready: a Service before its endpoints
 * (pods look Services up by name when they start: the hub calls http://proxy-api:8001 at once, so those Services
 * come first), and the hub's database claim before it is bound (the hub's readiness, which needs it mounted,
 * proves that).
 */
export const NO_AWAIT_ANNOTATION = { "pulumi.com/skipAwait": "true" };

/** All labels for an object of one component in one class. */
export function labels(instance: string, component: Component): Record<string, string> {
  return {
    "app.kubernetes.io/name": "jupyterhub",
    ...selectorLabels(instance, component),
    "app.kubernetes.io/part-of": "classhub",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}
