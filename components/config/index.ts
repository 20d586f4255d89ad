// Every stack-config read lives here: the stack file's keys are validated by the schema (schema/), then by the
// rules that span keys (clusterRules.ts, classRules.ts). A bad config stops the program before any resource.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { classProblems } from "./classRules";
import { gkeProblems } from "./clusterRules";
import { ConfigError, problem, zodProblems } from "./errors";
import { branding, type Reader, serverFiles } from "./sources";
import { type ClassConfig, type ClusterConfig, classSchema, clusterSchema } from "./schema";

export { ConfigError } from "./errors";
export { DEV_STACKS, serviceType } from "./classRules";
export type { Authenticator, ClassConfig, ClusterConfig, GkeConfig } from "./schema";
export { gkeSchema } from "./schema";

/** A validated stack: a class stack has `class`; a cluster-only stack has none. */
export interface StackConfig {
  stack: string;
  cluster: ClusterConfig;
  class?: ClassConfig;
}

/** What the stack file holds, before validation. */
export interface RawConfig {
  stack: string;
  cluster?: unknown;
  class?: unknown;
  /** Whether classhub:oauthClientSecret is set. Its value never enters validation. */
  hasOauthClientSecret: boolean;
  /** Every classhub:* key present, to catch typos in key names. */
  keys: string[];
  /** Reads rosterFile and the files' sources; injected so that validation stays pure. */
  readFile?: (file: string) => string;
  /** Reads the branding's logo. */
  readBytes?: (file: string) => Uint8Array;
}

export const CONFIG_KEYS = ["classhub:cluster", "classhub:class", "classhub:oauthClientSecret"];

function rosterFromFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(",")[0].trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Validates a raw stack config. Throws ConfigError listing every problem; registers nothing. */
export function parseConfig(raw: RawConfig): StackConfig {
  const problems = raw.keys
    .filter((k) => !CONFIG_KEYS.includes(k))
    .map((k) => `${k}: unknown key; classhub reads ${CONFIG_KEYS.join(", ")}`);
  if (raw.cluster === undefined && raw.class === undefined) {
    problems.push("classhub:class: required; set classhub:class for a class, or classhub:cluster for a cluster stack");
  }
  const cluster = clusterSchema.safeParse(raw.cluster ?? { source: "ambient" }, { reportInput: true });
  if (!cluster.success) problems.push(...zodProblems("classhub:cluster", cluster.error));
  const cls = raw.class === undefined ? undefined : classSchema.safeParse(raw.class, { reportInput: true });
  if (cls !== undefined && !cls.success) problems.push(...zodProblems("classhub:class", cls.error));
  if (cluster.success && cluster.data.source === "gke") problems.push(...gkeProblems(cluster.data.gke));
  if (cluster.success && cls === undefined && cluster.data.source !== "gke" && raw.cluster !== undefined) {
    problems.push(
      problem(
        "classhub:cluster.source",
        [],
        cluster.data.source,
        "a cluster-only stack creates a GKE cluster; use gke, or add classhub:class",
      ),
    );
  }
  if (problems.length > 0 || !cluster.success) throw new ConfigError(problems);
  if (cls === undefined) return { stack: raw.stack, cluster: cluster.data };

  const { rosterFile, namespace, files, branding: brand, ...parsed } = cls.data!;
  const reader: Reader = {
    text: raw.readFile ?? ((file: string) => fs.readFileSync(path.resolve(file), "utf8")),
    bytes: raw.readBytes ?? ((file: string) => fs.readFileSync(path.resolve(file))),
  };
  const klass: ClassConfig = {
    ...parsed,
    namespace: namespace ?? `${parsed.name}-${parsed.term}`,
    files: serverFiles(files, reader, problems),
    branding: branding(brand, reader, problems),
  };
  if (rosterFile !== undefined) {
    try {
      const read = reader.text;
      klass.roster = [...klass.roster, ...rosterFromFile(read(rosterFile)).map((u) => u.toLowerCase())];
    } catch (e) {
      problems.push(problem("classhub:class.rosterFile", [], rosterFile, `cannot be read (${(e as Error).message})`));
    }
  }
  problems.push(
    ...classProblems(klass, {
      stack: raw.stack,
      cluster: cluster.data,
      hasOauthClientSecret: raw.hasOauthClientSecret,
      explicitNamespace: namespace !== undefined,
    }),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return { stack: raw.stack, cluster: cluster.data, class: klass };
}

/** Reads and validates this stack's config. A bad config stops the program with a message and no stack trace. */
export function loadConfig(): StackConfig {
  const config = new pulumi.Config("classhub");
  const keys = Object.keys(pulumi.runtime.allConfig()).filter((k) => k.startsWith("classhub:"));
  try {
    return parseConfig({
      stack: pulumi.getStack(),
      cluster: readObject(config, "cluster"),
      class: readObject(config, "class"),
      hasOauthClientSecret: keys.includes("classhub:oauthClientSecret"),
      keys,
    });
  } catch (e) {
    throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
  }
}

/** A structured key's value; a value that is not JSON is passed on as text so validation names it. */
function readObject(config: pulumi.Config, key: string): unknown {
  const text = config.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The OAuth client secret, kept an Output secret end to end. */
export function oauthClientSecret(): pulumi.Output<string> | undefined {
  return new pulumi.Config("classhub").getSecret("oauthClientSecret");
}
