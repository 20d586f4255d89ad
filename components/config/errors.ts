// How a config problem reads: the stack-file key, the bad value and what is allowed, one line each.
import type { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** A value as it appears in a message: JSON, cut at 80 characters. */
export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `key.path = value: message`, or `key.path: message` when there is no value to show. */
export function problem(key: string, at: PropertyKey[], value: unknown, message: string): string {
  const where = [key, ...at.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("");
  return value === undefined ? `${where}: ${message}` : `${where} = ${show(value)}: ${message}`;
}

/** zod's issues for one stack-file key, as problems. */
export function zodProblems(key: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return problem(key, issue.path, undefined, `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`);
    }
    const message = issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message;
    // A union's discriminator (auth.type, cluster.source) is reported on the whole object; show its value.
    const field = issue.path.at(-1);
    const input =
      issue.code === "invalid_union" && typeof field === "string" && typeof issue.input === "object" && issue.input
        ? (issue.input as Record<string, unknown>)[field]
        : issue.input;
    return problem(key, issue.path, input, message);
  });
}
