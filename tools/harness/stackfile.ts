// Reads a Pulumi.<stack>.yaml the way the Pulumi CLI hands it to the program, minus decryption.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** Shown wherever a secret's value would be; the mock run never decrypts anything. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackFile {
  stack: string;
  /** Config as the engine passes it: fully qualified keys, structured values as JSON text. */
  config: Record<string, string>;
  /** Keys whose values are secret (`secure:` in the stack file). */
  secretKeys: string[];
}

/** Every stack with a Pulumi.<stack>.yaml in dir, sorted. */
export function listStacks(dir = "."): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

function hasSecure(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return true;
  return Object.values(value).some(hasSecure);
}

function redactSecure(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (hasSecure(value) && !Array.isArray(value) && "secure" in value) return SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(redactSecure);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecure(v)]));
}

export function readStackFile(stack: string, dir = ".", project = "classhub"): StackFile {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(`no stack file ${path.basename(file)}; stacks here: ${listStacks(dir).join(", ")}`);
  }
  const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    if (hasSecure(value)) secretKeys.push(key);
    const plain = redactSecure(value);
    config[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
  }
  return { stack, config, secretKeys };
}
