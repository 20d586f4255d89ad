// The TLS liveness check against the real configurable-http-proxy (the npm package of the version the proxy
// image ships), on 127.0.0.1 with certificates made here.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { CERT_CHECK_SCRIPT } from "../../components/proxy/certCheck";

const CHP = path.join(__dirname, "..", "..", "node_modules", ".bin", "configurable-http-proxy");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function makeCertificate(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"],
      ...["-subj", `/CN=${name}.example.edu`, "-keyout", key, "-out", cert],
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

const fingerprint = (certFile: string) => new X509Certificate(fs.readFileSync(certFile)).fingerprint256;

/** Runs the check as the kubelet would: its exit status and what it printed. */
function check(port: number, certFile: string) {
  const run = spawnSync(process.execPath, ["-e", CERT_CHECK_SCRIPT, String(port), certFile], {
    encoding: "utf8",
    timeout: 15_000,
  });
  return { status: run.status, stderr: run.stderr.trim() };
}

async function waitForListening(port: number, proxy: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    assert.equal(proxy.exitCode, null, "configurable-http-proxy exited");
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(socket.end() !== undefined));
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after 30s waiting for configurable-http-proxy on ${port}`);
}

describe("the proxy's TLS liveness check", () => {
  let dir: string;
  let mounted: string;
  let first: { cert: string; key: string };
  let renewed: { cert: string; key: string };
  let port: number;
  let proxy: ChildProcess | undefined;

  async function startProxy(tls: { cert: string; key: string }) {
    proxy = spawn(
      CHP,
      [
        "--ip=127.0.0.1",
        `--port=${port}`,
        "--api-ip=127.0.0.1",
        `--api-port=${await freePort()}`,
        `--ssl-key=${tls.key}`,
        `--ssl-cert=${tls.cert}`,
      ],
      { stdio: "ignore", env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: "test-token" } },
    );
    await waitForListening(port, proxy);
  }

  async function stopProxy() {
    if (proxy === undefined || proxy.exitCode !== null) return;
    const exited = new Promise((resolve) => proxy!.once("exit", resolve));
    proxy.kill("SIGTERM");
    await exited;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "classhub-cert-"));
    first = makeCertificate(dir, "first");
    renewed = makeCertificate(dir, "renewed");
    mounted = path.join(dir, "tls.crt");
    fs.copyFileSync(first.cert, mounted);
    port = await freePort();
    await startProxy(first);
  });

  after(async () => {
    await stopProxy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("passes while the proxy serves the mounted certificate", () => {
    assert.deepEqual(check(port, mounted), { status: 0, stderr: "" });
  });

  it("fails once the mounted certificate is renewed and the proxy still serves the old one", () => {
    fs.copyFileSync(renewed.cert, mounted);
    assert.deepEqual(check(port, mounted), {
      status: 1,
      stderr: `serving certificate ${fingerprint(first.cert)} but ${mounted} is ${fingerprint(renewed.cert)}`,
    });
  });

  it("passes again once the restarted proxy has loaded the renewed certificate", async () => {
    await stopProxy();
    await startProxy(renewed);
    assert.deepEqual(check(port, mounted), { status: 0, stderr: "" });
  });

  it("fails when the proxy does not answer", async () => {
    await stopProxy();
    assert.deepEqual(check(port, mounted), { status: 1, stderr: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });
});
