// One student at the start of a lecture, as make bench-lecture plays them: a browser's requests through the class's
// proxy. Logs in with the dummy authenticator, which starts the server (the hub's default after login), follows the
// spawn-pending page's progress stream, opens the server (JupyterLab, through the server's OAuth with the hub) and
// sends it one API request. A 429 "too many users" is answered as a person would: wait the Retry-After the hub
// suggests, then load /hub/spawn again.
// Requests go through node:http with the Sec-Fetch-Mode header a browser sends, which JupyterHub's XSRF protection
// reads (it sets its cookie on page navigations only); fetch() cannot send it, it always says "cors".
import * as http from "node:http";

/** What one student saw. `seconds` runs from the first request for the login page to the server's answer. */
export interface Outcome {
  user: string;
  ok: boolean;
  seconds: number;
  http429: number;
  /** What went wrong, as the student would report it; empty when ok. */
  error: string;
}

/** A connection that says nothing for this long has failed; the progress stream sends a keepalive every 8 s. */
const IDLE_TIMEOUT_MS = 120_000;
const MAX_REDIRECTS = 12;

/** A page the browser navigates to, or a script's API call from such a page. */
type Kind = "page" | "api";

interface Cookie {
  name: string;
  value: string;
  path: string;
}

interface Page {
  status: number;
  /** The path (and query) where redirects ended. */
  path: string;
  body: string;
  retryAfter: number | undefined;
}

class StudentFailure extends Error {}

/** Whether a cookie with this path goes with a request for that path. */
const under = (cookiePath: string, requestPath: string) =>
  requestPath === cookiePath || requestPath.startsWith(cookiePath.endsWith("/") ? cookiePath : `${cookiePath}/`);

/** A cookie jar for one host: cookies by name and path, sent to the paths under their own. */
class Jar {
  private readonly cookies = new Map<string, Cookie>();

  store(lines: string[], requestPath: string): void {
    for (const line of lines) {
      const [pair, ...attributes] = line.split(";").map((part) => part.trim());
      const attr = (name: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
      const at = pair.indexOf("=");
      const cookie = {
        name: pair.slice(0, at),
        value: pair.slice(at + 1),
        path: attr("path") ?? requestPath.slice(0, requestPath.lastIndexOf("/") + 1),
      };
      const expires = attr("expires");
      const gone = attr("max-age") === "0" || (expires !== undefined && Date.parse(expires) < Date.now());
      if (gone) this.cookies.delete(`${cookie.name} ${cookie.path}`);
      else this.cookies.set(`${cookie.name} ${cookie.path}`, cookie);
    }
  }

  header(requestPath: string): string {
    return [...this.cookies.values()]
      .filter((c) => under(c.path, requestPath))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  /** The XSRF token for a path: the _xsrf cookie of the hub (/hub/) or of the student's server (/user/<name>/). */
  xsrf(requestPath: string): string | undefined {
    return [...this.cookies.values()]
      .filter((c) => c.name === "_xsrf" && under(c.path, requestPath))
      .sort((a, b) => b.path.length - a.path.length)[0]?.value;
  }
}

export class Student {
  private readonly jar = new Jar();
  /** A browser's own connections: six to a host at most. */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  private http429 = 0;

  constructor(
    /** The proxy's address, e.g. http://127.0.0.1:30180 */
    private readonly base: string,
    readonly user: string,
  ) {}

  /** One request, no redirect followed; cookies stored. The caller reads or discards the body. */
  private hop(path: string, kind: Kind, form?: URLSearchParams): Promise<http.IncomingMessage> {
    const url = new URL(path, this.base);
    const xsrf = this.jar.xsrf(url.pathname);
    const headers: Record<string, string> = {
      "Sec-Fetch-Mode": kind === "page" ? "navigate" : "cors",
      "Sec-Fetch-Site": "same-origin",
      ...(kind === "api" && xsrf !== undefined ? { "X-XSRFToken": xsrf } : {}),
      ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
    };
    const cookie = this.jar.header(url.pathname);
    if (cookie !== "") headers.Cookie = cookie;
    return new Promise((resolve, reject) => {
      const request = http.request(
        url,
        { method: form ? "POST" : "GET", headers, agent: this.agent, timeout: IDLE_TIMEOUT_MS },
        (response) => {
          this.jar.store(response.headers["set-cookie"] ?? [], url.pathname);
          if (response.statusCode === 429) this.http429++;
          resolve(response);
        },
      );
      request.on("timeout", () =>
        request.destroy(new StudentFailure(`no answer for ${IDLE_TIMEOUT_MS / 1000} s from ${url.pathname}`)),
      );
      request.on("error", reject);
      request.end(form?.toString());
    });
  }

  /** A request that follows redirects as a browser does: a POST answered by a redirect becomes a GET. */
  private async load(path: string, kind: Kind, form?: URLSearchParams): Promise<Page> {
    let [at, body] = [path, form];
    for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
      const response = await this.hop(at, kind, body);
      const location = response.headers.location;
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        const next = new URL(location, new URL(at, this.base));
        [at, body] = [next.pathname + next.search, undefined];
        continue;
      }
      let text = "";
      for await (const chunk of response) text += chunk;
      const retryAfter = response.headers["retry-after"];
      return { status, path: at, body: text, retryAfter: retryAfter === undefined ? undefined : Number(retryAfter) };
    }
    throw new StudentFailure(`more than ${MAX_REDIRECTS} redirects from ${path}`);
  }

  /** Logs in (which starts the server), loading /hub/spawn again after each 429; returns where it landed. */
  private async logInAndSpawn(): Promise<string> {
    await this.load("/hub/login", "page");
    const xsrf = this.jar.xsrf("/hub/login");
    if (xsrf === undefined) throw new StudentFailure("the login page set no _xsrf cookie");
    let page = await this.load(
      "/hub/login",
      "page",
      new URLSearchParams({ username: this.user, password: "", _xsrf: xsrf }),
    );
    while (page.status === 429) {
      await sleep((page.retryAfter ?? 30) * 1000);
      page = await this.load("/hub/spawn", "page");
    }
    if (page.status !== 200) throw new StudentFailure(`${page.status} at ${page.path}: ${text(page.body)}`);
    return page.path;
  }

  /** Reads the spawn-pending page's event stream until the server is ready; returns the server's URL. */
  private async awaitReady(): Promise<string> {
    const path = `/hub/api/users/${this.user}/server/progress`;
    const response = await this.hop(`${path}?_xsrf=${encodeURIComponent(this.jar.xsrf(path) ?? "")}`, "api");
    if (response.statusCode !== 200) {
      let body = "";
      for await (const chunk of response) body += chunk;
      throw new StudentFailure(`${response.statusCode} from the progress stream: ${text(body)}`);
    }
    let buffered = "";
    for await (const chunk of response) {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const data = buffered.slice(0, end).trim();
        buffered = buffered.slice(end + 2);
        if (!data.startsWith("data:")) continue;
        const event = JSON.parse(data.slice("data:".length));
        if (event.failed) throw new StudentFailure(event.message ?? "spawn failed");
        if (event.ready) {
          response.destroy();
          return event.url as string;
        }
      }
    }
    throw new StudentFailure("the progress stream ended without ready or failed");
  }

  /** The whole arrival: login to the first answer of the student's own server. */
  async arrive(): Promise<Outcome> {
    const start = performance.now();
    const done = (ok: boolean, error = ""): Outcome => ({
      user: this.user,
      ok,
      seconds: (performance.now() - start) / 1000,
      http429: this.http429,
      error,
    });
    try {
      const landed = await this.logInAndSpawn();
      const server = landed.startsWith(`/user/${this.user}/`) ? landed : await this.awaitReady();
      // The browser opens the server, which sends it through the hub's OAuth for a cookie of its own.
      const lab = await this.load(server, "page");
      if (lab.status !== 200 || !lab.path.startsWith(`/user/${this.user}/`)) {
        throw new StudentFailure(`${lab.status} at ${lab.path} opening the server: ${text(lab.body)}`);
      }
      const status = await this.load(`/user/${this.user}/api/status`, "api");
      if (status.status !== 200 || !("started" in JSON.parse(status.body))) {
        throw new StudentFailure(`${status.status} from the server's api/status: ${text(status.body)}`);
      }
      return done(true);
    } catch (e) {
      return done(false, e instanceof StudentFailure ? e.message : `${(e as Error).name}: ${(e as Error).message}`);
    } finally {
      this.agent.destroy();
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An error page's message, without the HTML around it, short enough for one line. */
const text = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
