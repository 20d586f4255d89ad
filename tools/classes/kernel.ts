// One line of code through a Jupyter kernel: the Jupyter Server REST API starts the kernel, and its websocket
// channels (the JSON form of the Jupyter messaging protocol, v5) carry the execute request and the kernel's answer.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import type { Hub } from "./hubApi";

/** A kernel message as the websocket carries it (the fields read here). */
export interface KernelMessage {
  channel: string;
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, any>;
}

/** The execute_request for `code` on the shell channel. */
export function executeRequest(code: string, session: string, msgId: string): Record<string, unknown> {
  return {
    header: {
      msg_id: msgId,
      msg_type: "execute_request",
      username: "classhub-check",
      session,
      date: new Date().toISOString(),
      version: "5.3",
    },
    parent_header: {},
    metadata: {},
    content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false },
    channel: "shell",
    buffers: [],
  };
}

/** What the kernel answered to one request, from its messages, in order. */
export interface Execution {
  stdout: string;
  /** `ename: evalue` of an error the code raised. */
  error?: string;
  /** The shell's execute_reply came and the kernel went idle: nothing more will come. */
  done: boolean;
  replied: boolean;
  idle: boolean;
}

export const started = (): Execution => ({ stdout: "", done: false, replied: false, idle: false });

/** The execution after one more message; messages about other requests change nothing. */
export function next(e: Execution, m: KernelMessage, msgId: string): Execution {
  if (m.parent_header?.msg_id !== msgId) return e;
  const type = m.header.msg_type;
  const n = { ...e };
  if (type === "stream" && m.content.name === "stdout") n.stdout += m.content.text as string;
  if (type === "error") n.error = `${m.content.ename}: ${m.content.evalue}`;
  if (type === "execute_reply") {
    n.replied = true;
    if (m.content.status !== "ok" && n.error === undefined) n.error = `execute_reply status ${m.content.status}`;
  }
  if (type === "status" && m.content.execution_state === "idle") n.idle = true;
  n.done = n.replied && n.idle;
  return n;
}

/** Runs `code` in kernel `kernelId` of the server at `serverPath` (e.g. /user/x/), and returns what it printed. */
export function execute(hub: Hub, serverPath: string, kernelId: string, code: string, timeoutMs: number) {
  const url = hub.url(`${serverPath}api/kernels/${kernelId}/channels`).replace(/^http/, "ws");
  const msgId = randomUUID();
  return new Promise<Execution>((resolve, reject) => {
    const ws = new WebSocket(url, { headers: hub.authorization, handshakeTimeout: timeoutMs });
    let execution = started();
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no answer from the kernel within ${timeoutMs / 1000} s (printed so far: ${execution.stdout})`));
    }, timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      ws.close();
      if (error === undefined) resolve(execution);
      else reject(error);
    };
    ws.on("open", () => ws.send(JSON.stringify(executeRequest(code, randomUUID(), msgId))));
    ws.on("message", (data) => {
      execution = next(execution, JSON.parse(data.toString()) as KernelMessage, msgId);
      if (execution.done) finish();
    });
    ws.on("unexpected-response", (_req, res) =>
      finish(new Error(`websocket ${url}: ${res.statusCode} ${res.statusMessage ?? ""}`.trim())),
    );
    ws.on("error", (e) => finish(new Error(`websocket ${url}: ${e.message}`)));
  });
}
