// npm run reference: writes docs/config-reference.md, the stack-file reference, from the zod schemas in
// components/config/schema/. It reads their JSON Schema on the input side (what a stack file may hold, with the
// defaults the schema fills in) and each key's `.describe()` text. A key without a description stops it.
// test/config/reference.test.ts fails while the committed file differs from what this writes.
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { z } from "zod";
import { classSchema, clusterSchema, LABEL_KEY, LABEL_VALUE } from "../../components/config/schema";

export const REFERENCE_FILE = path.join(__dirname, "..", "..", "docs", "config-reference.md");

type Json = Record<string, any>;

/** A phrase for a type, alone ("DNS name") and after "list of" ("DNS names"). */
interface Words {
  one: string;
  many: string;
}
const words = (one: string, many = one): Words => ({ one, many });

/** The schema's regular expressions in words. A pattern missing here shows as the regular expression itself. */
const PATTERNS = new Map<string, Words>([
  [/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.source, words("lowercase letters, digits and `-`")],
  [/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.source, words("GCP project id", "GCP project ids")],
  [/^[a-z]+-[a-z]+\d+$/.source, words("GCP region", "GCP regions")],
  [/^[\w.-]+\/[\w.-]+\/[\w.-]+$/.source, words("`org/project/stack`")],
  [/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.source, words("DNS name", "DNS names")],
  [/^[A-Za-z0-9-]+(:[A-Za-z0-9_.-]+)?$/.source, words("`org` or `org:team`")],
  [
    /^[a-z0-9.\-_/:]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/.source,
    words("image with a tag or digest", "images with a tag or digest"),
  ],
  [/^\/[\w./-]*$/.source, words("absolute path", "absolute paths")],
  [/\S/.source, words("text, not blank", "texts, not blank")],
  [/^[A-Za-z_][A-Za-z0-9_]*$/.source, words("variable name", "variable names")],
  [/^(\/[\w.-]+)+$/.source, words("absolute path", "absolute paths")],
  [/^0?[0-7]{3}$/.source, words('octal mode as text, e.g. `"0644"`', "octal modes as text")],
  [/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.source, words("label value", "label values")],
  [LABEL_KEY.source, words("Kubernetes label key", "Kubernetes label keys")],
  [LABEL_VALUE.source, words("Kubernetes label value", "Kubernetes label values")],
  [/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.source, words("GKE node pool name", "GKE node pool names")],
  [/^(https?|urn):\S+$/.source, words("CILogon EntityID", "CILogon EntityIDs")],
]);

const FORMATS: Record<string, Words> = {
  cidrv4: words("IPv4 CIDR block", "IPv4 CIDR blocks"),
  uri: words("URL", "URLs"),
  memory: words("bytes or a quantity such as `2Gi`", "bytes or quantities such as `2Gi`"),
};

const code = (text: string) => `\`${text}\``;

/** "a", "a or b", "a, b or c" (or with "and"). */
function either(items: string[], conjunction = "or"): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1)}`;
}

/** A value as a stack file (YAML, flow style) would write it: strings bare unless YAML would read them otherwise. */
function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${yamlValue(v)}`)
      .join(", ")}}`;
  }
  const plain =
    typeof value === "string" &&
    /^[\w/][\w ./@:-]*$/.test(value) &&
    !value.endsWith(" ") &&
    !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) &&
    !/^(true|false|null|yes|no|on|off|~)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** The object schemas a schema stands for: itself, or the branches of a union of objects. */
function branchesOf(s: Json): Json[] | undefined {
  if (s.properties !== undefined) return [s];
  const branches: Json[] | undefined = s.oneOf ?? s.anyOf;
  return branches?.every((b) => b.properties !== undefined) ? branches : undefined;
}

function numberWords(s: Json, kind: "number" | "integer"): Words {
  const low = s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined;
  const range =
    s.minimum !== undefined && s.maximum !== undefined
      ? `${s.minimum}–${s.maximum}`
      : s.minimum !== undefined
        ? `≥ ${s.minimum}`
        : s.maximum !== undefined
          ? `≤ ${s.maximum}`
          : low;
  return range === undefined ? words(kind, `${kind}s`) : words(`${kind} ${range}`, `${kind}s ${range}`);
}

function stringWords(s: Json): Words {
  let w = words("string", "strings");
  if (s.format !== undefined && FORMATS[s.format] !== undefined) w = FORMATS[s.format];
  else if (s.pattern !== undefined) w = PATTERNS.get(s.pattern) ?? words(`text matching ${code(s.pattern)}`);
  if (s.maxLength !== undefined)
    w = words(`${w.one}, at most ${s.maxLength} characters`, `${w.many}, each at most ${s.maxLength} characters`);
  return w;
}

/** What a value of this schema is, in words. Objects with keys of their own link to their section. */
function typeWords(s: Json, link?: string): Words {
  const linked = (w: Words) =>
    link === undefined ? w : words(`${w.one}, [below](${link})`, `${w.many}, [below](${link})`);
  if (s.const !== undefined) return words(code(String(s.const)));
  if (s.enum !== undefined) return words(either(s.enum.map((v: unknown) => code(String(v)))));
  // A value of several JSON types that one format names, e.g. memory: a number of bytes or a quantity.
  if (Array.isArray(s.type) && s.format !== undefined && FORMATS[s.format] !== undefined) return FORMATS[s.format];
  if (branchesOf(s) !== undefined) return linked(words("object", "objects"));
  switch (s.type) {
    case "string":
      return stringWords(s);
    case "number":
    case "integer":
      return numberWords(s, s.type);
    case "boolean":
      return words("boolean", "booleans");
    case "array": {
      const items = typeWords(s.items, link);
      const atLeast = s.minItems === undefined ? "" : `, at least ${s.minItems}`;
      return words(`list of ${items.many}${atLeast}`, `lists of ${items.many}${atLeast}`);
    }
    case "object":
      if (s.propertyNames !== undefined && s.additionalProperties !== undefined) {
        return words(
          `map of ${typeWords(s.propertyNames).many} to ${typeWords(s.additionalProperties).many}`,
          `maps of ${typeWords(s.propertyNames).many} to ${typeWords(s.additionalProperties).many}`,
        );
      }
  }
  throw new Error(`no words for the JSON Schema ${JSON.stringify(s)}`);
}

/** One stack-file key as it appears in one branch of a union (or the only one). */
interface Variant {
  schema: Json;
  required: boolean;
  branch: number;
}

export interface Row {
  /** The stack-file key, e.g. classhub:class.resources.cpuLimit. */
  key: string;
  /** Type or allowed values, default or whether it is required, and the branch it belongs to. */
  type: string;
  description: string;
}

export interface Section {
  /** The object's key, e.g. classhub:class.resources, or classhub:class.profiles[] for a list's entries. */
  key: string;
  /** What the section is about, for top-level keys (nested objects are described in their parent's row). */
  intro?: string;
  rows: Row[];
}

/** GitHub's anchor for a heading that is this key in backticks. */
export const anchor = (key: string) => `#${key.toLowerCase().replace(/[^\w\- ]/g, "")}`;

/** The one description of a key across a union's branches; every key must have one. */
function descriptionOf(key: string, variants: Variant[]): string {
  const found = [...new Set(variants.map((v) => v.schema.description).filter((d) => d !== undefined))];
  if (found.length !== 1) {
    throw new Error(
      found.length === 0
        ? `${key} has no description; add .describe("...") to it in components/config/schema/`
        : `${key} has different descriptions in the union's branches: ${found.map((d) => JSON.stringify(d)).join(", ")}`,
    );
  }
  return found[0];
}

/**
 * The sections for an object schema at `key`: a table of its keys, then a section for each key that is an object
 * of its own (or a list of objects). Keys of a union's branches are merged, and say which branch they belong to.
 */
export function sections(schema: Json, key: string, intro?: string): Section[] {
  const branches = branchesOf(schema);
  if (branches === undefined) throw new Error(`${key} is not an object`);
  const discriminator = Object.keys(branches[0].properties).find(
    (name) => branches.length > 1 && branches.every((b) => b.properties[name]?.const !== undefined),
  );
  const fields = new Map<string, Variant[]>();
  branches.forEach((b, branch) => {
    for (const [name, child] of Object.entries<Json>(b.properties)) {
      fields.set(name, [
        ...(fields.get(name) ?? []),
        { schema: child, required: (b.required ?? []).includes(name), branch },
      ]);
    }
  });

  const rows: Row[] = [];
  const nested: Section[] = [];
  for (const [name, variants] of fields) {
    const child = `${key}.${name}`;
    const description = descriptionOf(child, variants);
    const s = variants[0].schema;
    if (name === discriminator) {
      rows.push({
        key: child,
        type: `${either(variants.map((v) => code(String(v.schema.const))))}; required`,
        description,
      });
      continue;
    }
    const objectKey =
      branchesOf(s) !== undefined ? child : s.type === "array" && branchesOf(s.items) ? `${child}[]` : undefined;
    for (const v of variants.slice(1)) {
      if (JSON.stringify(v.schema) !== JSON.stringify(s))
        throw new Error(`${child} differs between the union's branches`);
    }
    const parts = [typeWords(s, objectKey === undefined ? undefined : anchor(objectKey)).one];
    const fillsEmptyObject =
      s.default !== undefined && branchesOf(s) !== undefined && Object.keys(s.default).length === 0;
    if (s.default !== undefined && !fillsEmptyObject) parts.push(`default ${code(yamlValue(s.default))}`);
    else if (variants.every((v) => v.required)) parts.push("required");
    else if (s.default === undefined) parts.push("optional");
    if (variants.length < branches.length) {
      if (discriminator !== undefined) {
        const values = variants.map((v) => String(branches[v.branch].properties[discriminator].const));
        parts.push(
          values.length === 1
            ? `only with ${code(`${discriminator}: ${values[0]}`)}`
            : `only with ${code(discriminator)} ${either(values.map(code))}`,
        );
      } else {
        // Alternatives without a discriminator (tls): a key is one way to set the object, the others' keys another.
        const others = branches
          .filter((_, i) => !variants.some((v) => v.branch === i))
          .flatMap((b) => Object.keys(b.properties));
        if (parts.at(-1) === "required") parts.pop();
        parts.push(`either this or ${either(others.map(code))}`);
      }
    }
    rows.push({ key: child, type: parts.join("; "), description });
    if (objectKey !== undefined) nested.push(...sections(objectKey === child ? s : s.items, objectKey));
  }
  return [{ key, intro, rows }, ...nested];
}

const OAUTH_CLIENT_SECRET: Section = {
  key: "classhub:oauthClientSecret",
  intro:
    "The OAuth app's client secret, kept encrypted in the stack file. Set it with " +
    "`pulumi config set --secret classhub:oauthClientSecret <secret>`.",
  rows: [
    {
      key: "classhub:oauthClientSecret",
      type: "secret string; required with `auth.type` `github`, `google` or `generic-oauth`",
      description:
        "The OAuth app's client secret. It reaches the hub as an environment variable from the hub Secret, never " +
        "through the hub ConfigMap.",
    },
  ],
};

/** Every section of the reference, in order: classhub:cluster, classhub:class, then the secret. */
export function referenceSections(): Section[] {
  const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input" }) as Json;
  const cluster = json(clusterSchema);
  const cls = json(classSchema);
  return [
    ...sections(cluster, "classhub:cluster", cluster.description),
    ...sections(cls, "classhub:class", cls.description),
    OAUTH_CLIENT_SECRET,
  ];
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The reference as Markdown, formatted as prettier formats the repository. */
export async function configReference(): Promise<string> {
  const all = referenceSections();
  const topLevel = all.filter((s) => s.intro !== undefined);
  const markdown = [
    "<!-- Generated by `npm run reference` (tools/dev/reference.ts) from components/config/schema/. Do not edit. -->",
    "",
    "# Stack config reference",
    "",
    `A stack file (\`Pulumi.<stack>.yaml\`) sets up to three keys under \`config:\`: ${either(
      topLevel.map((s) => `[${code(s.key)}](${anchor(s.key)})`),
      "and",
    )}. ` +
      "Unknown keys are errors, and every error names the key, the bad value and what is allowed. Quantities are " +
      "Kubernetes quantities (`512Mi`, `2Gi`); CPU is in cores. A default is what the key takes when the stack file " +
      'leaves it out; a default the schema derives from other keys is stated as "Defaults to …".',
    "",
    ...all.flatMap((s) => [
      `${s.intro === undefined ? "###" : "##"} ${code(s.key)}`,
      "",
      ...(s.intro === undefined ? [] : [s.intro, ""]),
      "| key | type and default | description |",
      "| --- | --- | --- |",
      ...s.rows.map((r) => `| ${code(r.key)} | ${cell(r.type)} | ${cell(r.description)} |`),
      "",
    ]),
  ].join("\n");
  const options = (await prettier.resolveConfig(REFERENCE_FILE)) ?? {};
  return prettier.format(markdown, { ...options, parser: "markdown" });
}

async function main(): Promise<void> {
  fs.mkdirSync(path.dirname(REFERENCE_FILE), { recursive: true });
  fs.writeFileSync(REFERENCE_FILE, await configReference());
  process.stdout.write(`wrote ${path.relative(process.cwd(), REFERENCE_FILE)}\n`);
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(1);
  });
}
