// Asks, in a terminal, for what new-class was not given as flags. The questions are plain data over an Asker, so
// tests answer them without a terminal; the Asker that runs in one is @inquirer/prompts.
import { input, select } from "@inquirer/prompts";
import { slug } from "../../components/config/schema";
import { AUTH_TYPES, type ClassAnswers, type Size, SIZES } from "./classStack";

export interface Asker {
  input(message: string, options?: { default?: string; validate?: (value: string) => true | string }): Promise<string>;
  select(message: string, choices: string[], defaultChoice?: string): Promise<string>;
}

export const terminalAsker: Asker = {
  input: (message, options) => input({ message, ...options }),
  select: (message, choices, defaultChoice) =>
    select({ message, choices: choices.map((value) => ({ value })), default: defaultChoice }),
};

/** The answers given so far; `rosterExport` is the file to import the roster from. */
export type Given = Partial<ClassAnswers> & { rosterExport?: string };

/** What the `from` stack offers as defaults. */
export interface FromDefaults {
  authType: string;
  image?: string;
  hostname?: string;
}

const isSlug = (what: string) => (value: string) =>
  slug(what).safeParse(value).success || `expected ${what}: lowercase letters, digits and '-'`;
const required = (value: string) => value.trim() !== "" || "required";
const isOAuth = (type: string | undefined) => type !== undefined && type !== "dummy";
const KEEP = "as in the stack I start from";

/**
 * Asks for each missing answer in order; `defaultsOf` reads the chosen stack's defaults once `from` is known.
 */
export async function askMissing(
  given: Given,
  stacks: string[],
  defaultsOf: (stack: string) => FromDefaults,
  ask: Asker,
): Promise<Given> {
  const a = { ...given };
  a.from ??= await ask.select("Start from which stack (an example, or last term's class)?", stacks);
  const defaults = defaultsOf(a.from);
  a.course ??= await ask.input("Course name (e.g. data8):", { validate: isSlug("a course name") });
  a.term ??= await ask.input("Term (e.g. fa26):", { validate: isSlug("a term") });
  a.auth ??= await ask.select("How do people log in?", AUTH_TYPES, defaults.authType);
  if (isOAuth(a.auth)) {
    a.clientId ??= await ask.input("OAuth client id (register the app first):", { validate: required });
    const guess = defaults.hostname?.replace(/^[^.]+/, a.course);
    a.hostname ??= await ask.input("Hostname of the hub:", { default: guess, validate: required });
  }
  a.admins ??= (await ask.input("Admins (course staff logins, comma-separated):", { validate: required }))
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (a.rosterExport === undefined) {
    const file = await ask.input("Roster: an LMS export or a list of logins (blank for none yet):");
    a.rosterExport = file.trim() === "" ? undefined : file.trim();
  }
  if (a.rosterExport === undefined && a.students === undefined) {
    const count = await ask.input("Expected number of students (blank if the roster will say):", {
      validate: (v) => /^\d*$/.test(v.trim()) || "expected a whole number",
    });
    a.students = count.trim() === "" ? undefined : Number(count);
  }
  a.image ??= await ask.input("Students' image, with a pinned tag:", { default: defaults.image, validate: required });
  if (a.size === undefined) {
    const size = await ask.select("Server size per student:", [KEEP, ...Object.keys(SIZES)], KEEP);
    a.size = size === KEEP ? undefined : (size as Size);
  }
  return a;
}
