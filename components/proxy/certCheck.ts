// The proxy's liveness check when it serves HTTPS. configurable-http-proxy reads its certificate once, at
// start; cert-manager renews the Secret and the kubelet updates the mounted files, but the proxy would keep
// serving the old certificate until it expires. This check fails while the served certificate differs from
// the mounted one, so the kubelet restarts the container and it loads the new one. It runs with the proxy
// image's own node, and also fails when the proxy stops answering its health check.

/** Node.js source run as `node -e CERT_CHECK_SCRIPT <https port> <certificate file>`. */
export const CERT_CHECK_SCRIPT = `
const [port, certFile] = process.argv.slice(1);
const fail = (message) => { console.error(message); process.exit(1); };
const mounted = new (require("node:crypto").X509Certificate)(require("node:fs").readFileSync(certFile)).fingerprint256;
const request = require("node:https").get(
  { host: "127.0.0.1", port, path: "/_chp_healthz", rejectUnauthorized: false, timeout: 4000 },
  (response) => {
    const served = response.socket.getPeerX509Certificate()?.fingerprint256;
    response.resume();
    if (response.statusCode !== 200) fail("health check answered " + response.statusCode);
    if (served !== mounted) fail("serving certificate " + served + " but " + certFile + " is " + mounted);
    process.exit(0);
  },
);
request.on("timeout", () => request.destroy(new Error("no answer within 4s")));
request.on("error", (error) => fail(error.message));
`.trim();
