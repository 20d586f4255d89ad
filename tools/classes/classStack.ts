// The config block of a new class stack: a stack to start from (an example or last term's class), with what
// names that class, its people and its OAuth app replaced by the new class's answers.
import { type Document, isScalar, visit, Document as YamlDocument } from "yaml";
import { auth as authSchema } from "../../components/config/schema";
import { ToolError } from "./cli";
import { normalizeLogin } from "./logins";
import { CLASS_KEY, stackFileName, YAML_STYLE } from "./stackDoc";

/** Per-student CPU and memory for `--size`; a size sets `resources`, nothing else. */
export const SIZES = {
  small: { cpuGuarantee: 0.05, cpuLimit: 1, memoryGuarantee: "512Mi", memoryLimit: "1Gi" },
  medium: { cpuGuarantee: 0.1, cpuLimit: 2, memoryGuarantee: "1Gi", memoryLimit: "2Gi" },
  large: { cpuGuarantee: 0.5, cpuLimit: 4, memoryGuarantee: "4Gi", memoryLimit: "8Gi" },
} as const;
export type Size = keyof typeof SIZES;

export const AUTH_TYPES = authSchema.options.map((o) => o.shape.type.value);
/** Authenticators whose settings beyond the client id (provider URLs, identity providers) only a stack can give. */
const PROVIDER_SETTINGS = ["generic-oauth", "cilogon"];

export interface ClassAnswers {
  course: string;
  term: string;
  /** The stack to start from. */
  from: string;
  /** Login type; defaults to the `from` stack's. */
  auth?: string;
  /** The OAuth app's client id; never taken from the `from` stack, whose app is another class's. */
  clientId?: string;
  hostname?: string;
  admins: string[];
  /** The roster file, relative to the project, as the stack will name it. */
  rosterFile?: string;
  /** `expectedStudents`. */
  students?: number;
  image?: string;
  size?: Size;
}

/** Keys of a class that belong to that class alone: its names, people, DNS name, look and node port. */
const OWN_KEYS = [
  "name",
  "term",
  "namespace",
  "admins",
  "roster",
  "rosterFile",
  "expectedStudents",
  "hostname",
  "branding",
  "nodePort",
];

type Obj = Record<string, unknown>;

function authFor(answers: ClassAnswers, from: Obj, stacksByAuth: Record<string, string[]>): Obj {
  // their client id is their OAuth app's, registered for their hostname: never carried over
  const { type: theirType, ...rest } = from as { type?: string };
  const settings = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== "clientId"));
  const type = answers.auth ?? theirType;
  const clientId = answers.clientId === undefined ? {} : { clientId: answers.clientId };
  if (type === theirType) return { type, ...clientId, ...settings };
  if (PROVIDER_SETTINGS.includes(String(type))) {
    const using = stacksByAuth[String(type)] ?? [];
    const where =
      using.length > 0
        ? using.map((s) => `--from ${s}`).join(", ")
        : "none here; write auth by hand (docs/config-reference.md)";
    throw new ToolError(
      `--auth ${type}: --from ${answers.from} logs in with ${theirType}; ${type} needs the provider's settings, ` +
        `which come from a stack that uses it: ${where}`,
      2,
    );
  }
  return { type, ...clientId };
}

/**
 * The config of stack `<course>-<term>` and the keys it kept from `from`'s config (fully qualified keys, plain
 * values), which the person should review.
 */
export function classConfig(
  answers: ClassAnswers,
  from: Obj,
  stacksByAuth: Record<string, string[]>,
): { config: Obj; kept: string[] } {
  const theirs = from[CLASS_KEY] as Obj;
  const carried = Object.keys(theirs).filter((k) => !OWN_KEYS.includes(k) && k !== "auth");
  const replaced: Obj = {
    ...(answers.image === undefined ? {} : { image: answers.image }),
    ...(answers.size === undefined ? {} : { resources: SIZES[answers.size] }),
  };
  const auth = authFor(answers, theirs.auth as Obj, stacksByAuth);
  const cls: Obj = {
    name: answers.course,
    term: answers.term,
    admins: answers.admins.map(normalizeLogin),
    ...(answers.rosterFile === undefined ? {} : { rosterFile: answers.rosterFile }),
    ...(answers.students === undefined ? {} : { expectedStudents: answers.students }),
    auth,
    ...(answers.hostname === undefined ? {} : { hostname: answers.hostname }),
    // in their order; a replaced key keeps its place
    ...Object.fromEntries(carried.map((k) => [k, theirs[k]])),
    ...replaced,
  };
  const cluster = from["classhub:cluster"];
  return {
    config: { ...(cluster === undefined ? {} : { "classhub:cluster": cluster }), [CLASS_KEY]: cls },
    kept: [
      ...(cluster === undefined ? [] : ["cluster"]),
      ...(auth.type === (theirs.auth as Obj).type ? ["auth settings"] : []),
      ...carried.filter((k) => !(k in replaced)),
    ],
  };
}

/** The stack file: a comment saying where it came from, then the config block, lists of plain values on one line. */
export function stackFileText(stack: string, from: string, config: Obj): string {
  const doc: Document = new YamlDocument({ config });
  visit(doc, {
    Seq: (_, node) => {
      if (node.items.every(isScalar)) node.flow = true;
    },
  });
  doc.commentBefore =
    ` ${stack}: written by \`npm run new-class\`, starting from ${stackFileName(from)}.\n` +
    ` Check it with \`npm run render -- ${stack}\`; every key is in docs/config-reference.md.`;
  return doc.toString(YAML_STYLE);
}
