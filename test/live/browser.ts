// A person at a browser, as the node's live tests need one: curl with a cookie jar of its own, talking to the hub
// through the real proxy on 127.0.0.1. JupyterHub's forms and API want an _xsrf token beside the cookies, as a
// browser sends them.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Live } from "./support";

export interface Response {
  /** The last response's status, after redirects. */
  status: number;
  /** Where the redirects ended. */
  url: string;
  body: string;
}

export class Browser {
  private readonly jar: string;

  constructor(
    private readonly live: Live,
    /** e.g. http://127.0.0.1:30101 */
    readonly base: string,
    name: string,
    private readonly curlArgs: string[] = [],
  ) {
    this.jar = path.join(live.env.dir, `cookies-${name}.txt`);
    fs.writeFileSync(this.jar, "");
  }

  /**
   * A request; the status is the caller's to check. curl's own arguments choose the method: none for a GET, form
   * data for a POST, which turns into a GET after a redirect, as in a browser. Redirects are followed.
   */
  async request(urlPath: string, extra: string[] = []): Promise<Response> {
    const marker = "\n--classhub-curl--";
    const r = await this.live.run(
      "curl",
      [
        ...this.curlArgs,
        "-sS",
        "-L",
        "--max-time",
        "20",
        "-b",
        this.jar,
        "-c",
        this.jar,
        "-w",
        `${marker}%{http_code} %{url_effective}`,
        ...extra,
        `${this.base}${urlPath}`,
      ],
      undefined,
      30_000,
    );
    if (r.status !== 0) throw new Error(`curl ${urlPath} exited ${r.status}: ${r.stderr}`);
    const at = r.stdout.lastIndexOf(marker);
    const [status, url] = r.stdout.slice(at + marker.length).split(" ");
    return { status: Number(status), url, body: r.stdout.slice(0, at) };
  }

  get(urlPath: string): Promise<Response> {
    return this.request(urlPath);
  }

  /** The _xsrf cookie the hub set for /hub/: forms and cookie-authenticated API calls must echo it. */
  xsrf(): string {
    const line = fs
      .readFileSync(this.jar, "utf8")
      .split("\n")
      .find((l) => l.split("\t")[5] === "_xsrf" && l.split("\t")[2] === "/hub/");
    if (line === undefined) throw new Error("no _xsrf cookie for /hub/ yet");
    return line.split("\t")[6];
  }

  /** Fills in and sends the login form; the response is where the hub sends the person next. */
  async logIn(username: string): Promise<Response> {
    await this.get("/hub/login");
    return this.request("/hub/login", [
      "--data-urlencode",
      `username=${username}`,
      "--data-urlencode",
      "password=",
      "--data-urlencode",
      `_xsrf=${this.xsrf()}`,
    ]);
  }

  /** A call to the hub's REST API with the login cookie, as the hub's own pages make them. */
  api(method: string, apiPath: string): Promise<Response> {
    return this.request(`/hub/api${apiPath}`, ["-X", method, "-H", `X-XSRFToken: ${this.xsrf()}`]);
  }
}
