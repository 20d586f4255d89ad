// The names and ports by which classhub's pods find each other. Services with these names are the only objects
// in a class whose metadata.name is addressed by DNS; the hub settings, the proxy's flags and every
// NetworkPolicy port come from here.

/** The hub: the proxy and student servers call http://hub:8081. */
export const HUB_SERVICE = "hub";
export const HUB_PORT = 8081;
/** The proxy's API: the hub calls http://proxy-api:8001. */
export const PROXY_API_SERVICE = "proxy-api";
export const PROXY_API_PORT = 8001;
/** Where students arrive; staff and DNS records find the class's address on it. */
export const PROXY_PUBLIC_SERVICE = "proxy-public";
/** The proxy's own ports: HTTP, and HTTPS when the class has a hostname. */
export const HTTP_PORT = 8000;
export const HTTPS_PORT = 8443;
/** Student servers listen here (KubeSpawner's default). */
export const SINGLEUSER_PORT = 8888;
