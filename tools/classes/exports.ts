// Reads the students out of an LMS export or a plain list: Canvas's gradebook export, Moodle's participants
// download, Google Classroom's grades download, or one login per line. It finds the header row, picks the column
// the class's authenticator logs people in by, skips the rows that are not students (Canvas's "Points Possible"
// and test student), and says, by line number, which rows it could not use and why.
import { parse } from "csv-parse/sync";
import { EMAIL } from "../../components/config/schema";
import { ToolError } from "./cli";
import { atLogins, type Auth, loginVerdicts, normalizeLogin } from "./logins";

export const FORMATS = {
  canvas: "Canvas gradebook export",
  moodle: "Moodle participants export",
  classroom: "Google Classroom grades export",
  list: "list of logins",
} as const;
export type Format = keyof typeof FORMATS;

/** A row of the file with the line it ends on. */
interface Row {
  line: number;
  cells: string[];
}

/** Something about one line of the file. */
export interface Note {
  line: number;
  value?: string;
  message: string;
}

/** A note as one line of a report: `  line 7: "value" message`. */
export const noteLine = (n: Note) =>
  `  line ${n.line}: ${n.value === undefined ? "" : `${JSON.stringify(n.value)} `}${n.message}`;

export interface Export {
  format: Format;
  /** Line of the header row; undefined when the file has none. */
  headerLine?: number;
  /** The login column as the person would name it: its header, or its number. */
  column: string;
  /** Each student once, in file order, as the hub compares logins. */
  students: { line: number; login: string }[];
  /** Rows that hold no student. */
  skipped: Note[];
  /** Students listed again; kept once. */
  duplicates: Note[];
  /** Rows that name someone who could not log in as written. */
  bad: Note[];
}

export interface ReadOptions {
  /** The login column: a header (any case) or a number from 1. Defaults to the one the format and auth call for. */
  column?: string;
  /** Added to logins without '@', for authenticators whose logins are user@domain. */
  domain?: string;
}

// Header names, lowercased with single spaces. Logins first for authenticators without '@', emails first otherwise.
const EMAIL_HEADERS = ["email address", "email", "e-mail", "e-mail address", "mail"];
const LOGIN_HEADERS = ["sis login id", "login id", "username", "user name", "login", "netid", "github", "user"];
const OTHER_HEADERS = [
  "student",
  "students",
  "name",
  "full name",
  "first name",
  "last name",
  "surname",
  "id",
  "sis user id",
];
/** First cells of each format's rows that are not students: Canvas's points row and the "Student View" student
 * every Canvas course has; Classroom's due dates, points and class average. */
const NOT_STUDENTS: Record<Format, Record<string, string>> = {
  canvas: { "points possible": "Canvas's points row", "student, test": "Canvas's test student" },
  classroom: {
    date: "Classroom's due dates",
    points: "Classroom's points row",
    "class average": "Classroom's average",
  },
  moodle: {},
  list: {},
};

const norm = (cell: string) => cell.trim().toLowerCase().replace(/\s+/g, " ");

function delimiter(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trimStart().startsWith("#")) ?? "";
  const counts = [",", ";", "\t"].map((d) => [d, first.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** Every row with its line number; `#` lines and blank lines are skipped, as the stack's roster loader skips them. */
function rows(file: string, original: string): Row[] {
  // one line end: csv-parse takes a CRLF file's \r alone for the record end, and its raw text loses the \n
  const text = original.replace(/\r\n?/g, "\n");
  let records: { record: string[]; raw: string }[];
  try {
    // csv-parse's types do not know that `raw` makes each record {record, raw}
    records = parse(text, {
      bom: true,
      delimiter: delimiter(text),
      comment: "#",
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      raw: true,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new ToolError(`${file}:${err.lines ?? "?"}: not readable as CSV: ${err.message}`);
  }
  // a record's raw text holds the comment and blank lines before it, which csv-parse's own count does not place
  let consumed = 0;
  return records.map(({ record, raw }) => {
    const line = consumed + (raw.replace(/\n$/, "").match(/\n/g)?.length ?? 0) + 1;
    consumed += raw.match(/\n/g)?.length ?? 0;
    return { line, cells: record };
  });
}

const KNOWN_HEADERS = [...EMAIL_HEADERS, ...LOGIN_HEADERS, ...OTHER_HEADERS];
const isHeader = (row: Row | undefined) => row !== undefined && row.cells.some((c) => KNOWN_HEADERS.includes(norm(c)));

function formatOf(header: string[] | undefined): Format {
  if (header === undefined) return "list";
  const has = (name: string) => header.includes(name);
  if (has("student") && (has("sis login id") || (has("id") && has("section")))) return "canvas";
  // Classroom puts the last name first; Moodle's download starts with the first name
  if (header.slice(0, 3).join("|") === "last name|first name|email address") return "classroom";
  if (has("first name") && (has("last name") || has("surname"))) return "moodle";
  return "list";
}

/** The login column's index and how to name it in messages. */
function loginColumn(header: string[] | undefined, rawHeader: string[] | undefined, auth: Auth, asked?: string) {
  const name = (i: number) => (rawHeader === undefined ? `column ${i + 1}` : `column "${rawHeader[i]}"`);
  if (asked !== undefined) {
    const i = /^\d+$/.test(asked) ? Number(asked) - 1 : (header?.indexOf(norm(asked)) ?? -1);
    if (i < 0 || (header !== undefined && i >= header.length)) {
      const have = rawHeader === undefined ? "it has no header row; give the column's number" : rawHeader.join(", ");
      throw new ToolError(`--column ${JSON.stringify(asked)}: no such column; ${have}`, 2);
    }
    return { index: i, name: name(i) };
  }
  if (header === undefined) return { index: 0, name: name(0) };
  const order = atLogins(auth) ? [...EMAIL_HEADERS, ...LOGIN_HEADERS] : [...LOGIN_HEADERS, ...EMAIL_HEADERS];
  const index = order.map((h) => header.indexOf(h)).find((i) => i >= 0);
  if (index === undefined) return undefined;
  return { index, name: name(index) };
}

/** The first column of every row, as the stack's roster loader reads a roster file. */
export function firstColumn(text: string, file: string): string[] {
  return rows(file, text)
    .map((r) => normalizeLogin(r.cells[0] ?? ""))
    .filter((login) => login !== "");
}

/** Reads the students of `text` (the file `file`) for a class that logs in with `auth`. */
export function readExport(text: string, file: string, auth: Auth, options: ReadOptions = {}): Export {
  const domain = options.domain?.toLowerCase();
  if (domain !== undefined && !atLogins(auth)) {
    throw new ToolError(`--domain ${options.domain}: this class's ${auth.type} logins have no '@'`, 2);
  }
  if (domain !== undefined && !EMAIL.test(`a@${domain}`)) {
    throw new ToolError(`--domain ${options.domain}: expected a domain such as berkeley.edu`, 2);
  }
  const all = rows(file, text);
  const headerRow = isHeader(all[0]) ? all[0] : undefined;
  const header = headerRow?.cells.map(norm);
  const column = loginColumn(header, headerRow?.cells, auth, options.column);
  if (column === undefined) {
    throw new ToolError(
      `${file}:${headerRow!.line}: no login column among ${headerRow!.cells.map((c) => JSON.stringify(c)).join(", ")}; ` +
        "name it with --column",
      2,
    );
  }
  const result: Export = {
    format: formatOf(header),
    headerLine: headerRow?.line,
    column: column.name,
    students: [],
    skipped: [],
    duplicates: [],
    bad: [],
  };
  const candidates: { line: number; value: string; login: string }[] = [];
  for (const row of headerRow === undefined ? all : all.slice(1)) {
    const first = norm(row.cells[0] ?? "");
    const value = row.cells[column.index] ?? "";
    const notStudent = NOT_STUDENTS[result.format][first];
    if (notStudent !== undefined) {
      result.skipped.push({ line: row.line, message: notStudent });
    } else if (value === "" && first === "") {
      result.skipped.push({ line: row.line, message: "no student" });
    } else if (value === "") {
      result.bad.push({ line: row.line, value: row.cells[0], message: `has no login in ${column.name}` });
    } else {
      const login = normalizeLogin(value);
      const withDomain = domain !== undefined && !login.includes("@") ? `${login}@${domain}` : login;
      candidates.push({ line: row.line, value, login: withDomain });
    }
  }
  const firstLine = new Map<string, number>();
  const unique = candidates.filter((c) => {
    const seen = firstLine.get(c.login);
    if (seen !== undefined) result.duplicates.push({ line: c.line, value: c.login, message: `again (line ${seen})` });
    else firstLine.set(c.login, c.line);
    return seen === undefined;
  });
  const verdicts = loginVerdicts(
    auth,
    unique.map((c) => c.login),
  );
  unique.forEach((c, i) => {
    if (verdicts[i] === undefined) result.students.push({ line: c.line, login: c.login });
    else result.bad.push({ line: c.line, value: c.value, message: verdicts[i]! });
  });
  result.bad.sort((a, b) => a.line - b.line);
  return result;
}
