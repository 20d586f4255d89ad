// A class's Pulumi.<stack>.yaml, read and checked the way `pulumi up` will read it. An edit adds a line to the
// text, so the comments and layout staff wrote stay as they were.
import * as fs from "node:fs";
import * as path from "node:path";
import { type Document, isMap, isScalar, type Node, parseDocument, type Scalar, stringify } from "yaml";
import { ConfigError, parseConfig, type RawConfig } from "../../components/config";
import { listStacks } from "../harness/stackfile";
import { ToolError } from "./cli";

export const CLASS_KEY = "classhub:class";
export const SECRET_KEY = "classhub:oauthClientSecret";

export const stackFileName = (stack: string) => `Pulumi.${stack}.yaml`;

/** Options for YAML that reads like the examples: no folded lines, flow lists as `[a, b]`. */
export const YAML_STYLE = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The stack file as a YAML document. */
export function readStackDoc(dir: string, stack: string): Document {
  const file = path.join(dir, stackFileName(stack));
  if (!fs.existsSync(file)) {
    throw new ToolError(`no stack file ${stackFileName(stack)}; stacks here: ${listStacks(dir).join(", ")}`, 2);
  }
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  if (doc.errors.length > 0) throw new ToolError(`${stackFileName(stack)}: not valid YAML: ${doc.errors[0].message}`);
  return doc;
}

/** The stack's config block, keys fully qualified, values as plain data. */
export function configOf(doc: Document): Record<string, unknown> {
  const config = (doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {};
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `classhub:${k}`, v]));
}

/**
 * The stack file's text with `classhub:class.<key>: <value>` added on the line after key `after`'s value, and not
 * one other byte changed: re-printing the whole document would restyle what staff wrote.
 */
export function withClassKey(text: string, key: string, value: string, after: string): string {
  const doc = parseDocument(text);
  const cls = doc.getIn(["config", CLASS_KEY], true);
  if (!isMap(cls) || cls.flow) throw new ToolError(`${CLASS_KEY}: expected a block of keys; set ${key} by hand`);
  const pair = cls.items.find((p) => isScalar(p.key) && p.key.value === after) ?? cls.items.at(-1)!;
  const keyStart = (pair.key as Scalar).range![0];
  const indent = keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1);
  const valueEnd = (pair.value as Node).range![1];
  const lineEnd = text.indexOf("\n", Math.max(valueEnd - 1, keyStart));
  const at = lineEnd < 0 ? text.length : lineEnd;
  const line = `${" ".repeat(indent)}${key}: ${stringify(value).trimEnd()}`;
  return `${text.slice(0, at)}\n${line}${text.slice(at)}`;
}

/**
 * Every problem `pulumi up` would report for this config, reading the files it names under `dir`, or in `files`
 * (project-relative path to content) for files not written yet.
 */
export function stackProblems(
  stack: string,
  config: Record<string, unknown>,
  dir: string,
  files: Record<string, string> = {},
): string[] {
  const raw: RawConfig = {
    stack,
    cluster: config["classhub:cluster"],
    class: config[CLASS_KEY],
    hasOauthClientSecret: config[SECRET_KEY] !== undefined,
    keys: Object.keys(config).filter((k) => k.startsWith("classhub:")),
    readFile: (file) => files[file] ?? fs.readFileSync(path.resolve(dir, file), "utf8"),
    readBytes: (file) => fs.readFileSync(path.resolve(dir, file)),
  };
  try {
    parseConfig(raw);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}
