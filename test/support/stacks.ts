// Raw stack-file config for tests: the example stacks as the program sees them, ready to vary.
import assert from "node:assert/strict";
import { ConfigError, parseConfig, type RawConfig } from "../../components/config";
import { readStackFile } from "../../tools/harness/stackfile";

/** The raw config of an example stack, as parseConfig receives it from loadConfig. */
export function rawConfig(stack: string): RawConfig {
  const file = readStackFile(stack);
  const json = (key: string) => (file.config[key] === undefined ? undefined : JSON.parse(file.config[key]));
  return {
    stack,
    cluster: json("classhub:cluster"),
    class: json("classhub:class"),
    hasOauthClientSecret: "classhub:oauthClientSecret" in file.config,
    keys: Object.keys(file.config),
  };
}

/** A deep copy of a stack's class config with `change` applied, for one-field variations. */
export function withClass(stack: string, change: (cls: any) => void, raw: Partial<RawConfig> = {}): RawConfig {
  const base = rawConfig(stack);
  const cls = structuredClone(base.class) as any;
  change(cls);
  return { ...base, class: cls, ...raw };
}

/** The problems parseConfig reports for a config, or [] when it is valid. */
export function problems(raw: RawConfig): string[] {
  try {
    parseConfig(raw);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.problems;
  }
}
