import * as k8s from "@pulumi/kubernetes";
import {
  type PolicyConfigSchema,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { describe } from "../lib/describe";
import { SETTINGS_KEY } from "../lib/hubSettings";
import { known, skipUnknown } from "../lib/unknown";

interface Config {
  secretKeyPattern: string;
  minSecretLength: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    secretKeyPattern: {
      type: "string",
      default: "(secret|password|passwd|token|private[-_.]?key|api[-_.]?key|crypt[-_.]?key)$",
      description:
        "Case-insensitive regular expression for names of keys that hold secrets, in ConfigMap data and in the JSON inside it. Anchored at the end so that e.g. tokenUrl or secretName pass.",
    },
    minSecretLength: {
      type: "integer",
      minimum: 1,
      default: 8,
      description: "Secret values shorter than this are not searched for in ConfigMaps (short values match by chance).",
    },
  },
};

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const FIX = "keep it in the hub Secret and pass it as an env var (components/hub/manifests.ts SECRET_ENV)";

/** JSON keys (as dotted paths) whose name looks secret and whose value is set. */
function secretJsonKeys(value: unknown, pattern: RegExp, path = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const at = Array.isArray(value) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
    const set =
      child !== null && child !== "" && (typeof child !== "object" || Object.keys(child as object).length > 0);
    return !Array.isArray(value) && pattern.test(key) && set ? [at] : secretJsonKeys(child, pattern, at);
  });
}

function dataOf(configMap: any): Record<string, string> {
  const data = known(() => configMap.data) ?? {};
  return Object.fromEntries(
    Object.keys(data)
      .map((k) => [k, known(() => data[k])])
      .filter(([, v]) => typeof v === "string"),
  );
}

/** The values of a Secret's data (base64) and stringData, by key. */
function secretValues(secret: any): [string, string][] {
  const data = known(() => secret.data) ?? {};
  const stringData = known(() => secret.stringData) ?? {};
  return [
    ...Object.keys(data).map((k): [string, unknown] => [
      k,
      known(() => Buffer.from(String(data[k]), "base64").toString("utf8")),
    ]),
    ...Object.keys(stringData).map((k): [string, unknown] => [k, known(() => stringData[k])]),
  ].filter((entry): entry is [string, string] => typeof entry[1] === "string");
}

/**
 * ConfigMaps are readable by anyone who may read the namespace and are shown in plain text by `pulumi preview`
 * and `kubectl describe`. The hub's secrets (cookie secret, crypt key, proxy token, OAuth client secret) belong
 * in the hub Secret, never in the hub settings or its Python files.
 */
export const disallowSecretsInConfigMaps: ResourceValidationPolicy & StackValidationPolicy = {
  name: "classhub-disallow-secrets-in-configmaps",
  description:
    "No ConfigMap holds a secret: no secret-named keys (hub-settings.json included), no private keys, no Secret's value.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema,
  validateResource: validateResourceOfType(
    k8s.core.v1.ConfigMap,
    skipUnknown((configMap, args, reportViolation) => {
      const config = configWithDefaults<Config>(configSchema, args);
      const pattern = new RegExp(config.secretKeyPattern, "i");
      for (const [key, value] of Object.entries(dataOf(configMap))) {
        if (pattern.test(key)) {
          reportViolation(
            `Expected no secret in a ConfigMap but found data key ${JSON.stringify(key)} in ${describe(args)}; ${FIX}`,
          );
        }
        if (PRIVATE_KEY.test(value)) {
          reportViolation(
            `Expected no secret in a ConfigMap but found a private key in data key ${JSON.stringify(key)} of ${describe(args)}; ${FIX}`,
          );
        }
        if (key === SETTINGS_KEY) {
          let settings: unknown;
          try {
            settings = JSON.parse(value);
          } catch {
            continue;
          }
          for (const path of secretJsonKeys(settings, pattern)) {
            reportViolation(`Expected no secret in ${SETTINGS_KEY} but found ${path} in ${describe(args)}; ${FIX}`);
          }
        }
      }
    }),
  ),
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<Config>(configSchema, args);
    const secrets = args.resources
      .filter((r) => r.isType(k8s.core.v1.Secret))
      .flatMap((r) => secretValues(r.props).map(([key, value]) => ({ resource: describe(r), key, value })))
      .filter((s) => s.value.length >= config.minSecretLength);
    for (const r of args.resources.filter((r) => r.isType(k8s.core.v1.ConfigMap))) {
      for (const [key, value] of Object.entries(dataOf(r.props))) {
        for (const secret of secrets.filter((s) => value.includes(s.value))) {
          reportViolation(
            `Expected no Secret values in a ConfigMap but found the value of ${secret.resource} key ` +
              `${JSON.stringify(secret.key)} in data key ${JSON.stringify(key)} of ${describe(r)}; ${FIX}`,
            r.urn,
          );
        }
      }
    }
  },
};
