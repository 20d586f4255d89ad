// The hub's REST API and a user's Jupyter Server behind the proxy, with a service token, as `npm run check` and
// `npm run status` call them.

/** KubeSpawner's annotation with the hub user's name, on the user's pod and claims. */
export const USER_ANNOTATION = "hub.jupyter.org/username";

/** An answer the tool did not expect: the request, the status and what the hub said. */
export class HubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HubError";
  }
}

/** The model of a user's server in the hub API (the fields these tools read). */
export interface ServerModel {
  name: string;
  ready: boolean;
  pending: string | null;
  url: string;
  started: string | null;
  last_activity: string | null;
}

export interface UserModel {
  name: string;
  admin: boolean;
  last_activity: string | null;
  servers?: Record<string, ServerModel>;
}

export class Hub {
  /** `base`: the hub URL students use, e.g. http://localhost:30080/. */
  constructor(
    readonly base: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** A URL on the proxy, e.g. `url("/user/x/api/kernels")`. */
  url(urlPath: string): string {
    return new URL(urlPath.replace(/^\//, ""), this.base).toString();
  }

  get authorization(): Record<string, string> {
    return { Authorization: `token ${this.token}` };
  }

  /**
   * A request to `urlPath` on the proxy; a status outside `ok` is a HubError naming it. Returns the parsed JSON
   * body, or null for an empty one.
   */
  async request(method: string, urlPath: string, ok: number[], body?: unknown): Promise<any> {
    const what = `${method} ${urlPath}`;
    let response: Response;
    try {
      response = await fetch(this.url(urlPath), {
        method,
        headers: { ...this.authorization, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "manual",
      });
    } catch (e) {
      const cause = (e as { cause?: Error }).cause?.message;
      throw new HubError(0, `${what}: no answer from ${this.base} (${cause ?? (e as Error).message})`);
    }
    const text = await response.text();
    if (!ok.includes(response.status)) {
      throw new HubError(response.status, `${what}: ${response.status} ${hubMessage(text)}`);
    }
    return text === "" ? null : JSON.parse(text);
  }

  /** A call to the hub API, e.g. `api("GET", "/users")`. */
  api(method: string, apiPath: string, ok = [200], body?: unknown): Promise<any> {
    return this.request(method, `/hub/api${apiPath}`, ok, body);
  }
}

/** What an error page or JSON error says, short: the hub's JSON `message`, else the start of the text. */
export function hubMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: an HTML error page or the proxy's own answer
  }
  const plain = text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}
