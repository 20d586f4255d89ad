// The files classhub:class.files and .branding name in the project, read when the config loads, like rosterFile:
// the program then holds their content, and a missing or unfit file stops it with the key and the file named.
import type { z } from "zod";
import { problem } from "./errors";
import type { Branding, ServerFile } from "./schema";
import { type brandingSchema, type filesSchema, LOGO_MAX_BYTES } from "./schema/files";

/** Reads a project file as text, and as bytes. */
export interface Reader {
  text(file: string): string;
  bytes(file: string): Uint8Array;
}

/** What a ConfigMap may hold is 1MiB; the files share one with room to spare. */
export const FILES_MAX_BYTES = 512 * 1024;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CLASS = "classhub:class";

function read<T>(at: (string | number)[], file: string, how: () => T, problems: string[]): T | undefined {
  try {
    return how();
  } catch (e) {
    problems.push(problem(CLASS, at, file, `cannot be read (${(e as Error).message})`));
    return undefined;
  }
}

/** The files with their content, inline or read from `source`; none holds a private key; all fit a ConfigMap. */
export function serverFiles(files: z.output<typeof filesSchema>, reader: Reader, problems: string[]): ServerFile[] {
  const out: ServerFile[] = [];
  files.forEach((f, i) => {
    const at = f.source === undefined ? ["files", i, "content"] : ["files", i, "source"];
    const content = f.source === undefined ? f.content! : read(at, f.source, () => reader.text(f.source!), problems);
    if (content === undefined) return;
    if (PRIVATE_KEY.test(content)) {
      problems.push(
        problem(
          CLASS,
          at,
          f.source,
          "holds a private key; files go into a ConfigMap that anyone who may read the namespace can read: keep " +
            "secrets out of them",
        ),
      );
    }
    out.push({ path: f.path, mode: parseInt(f.mode, 8), content });
  });
  const total = out.reduce((sum, f) => sum + Buffer.byteLength(f.content, "utf8"), 0);
  if (total > FILES_MAX_BYTES) {
    problems.push(
      problem(
        "classhub:class.files",
        [],
        undefined,
        `hold ${total} bytes together; at most ${FILES_MAX_BYTES} (512KiB) fit the ConfigMap they go into`,
      ),
    );
  }
  return out;
}

/** What kind of image the logo is, from its name and its first bytes; undefined if neither PNG nor SVG. */
function logoKind(file: string, data: Uint8Array): "png" | "svg" | undefined {
  if (/\.png$/i.test(file) && PNG_SIGNATURE.every((b, i) => data[i] === b)) return "png";
  if (/\.svg$/i.test(file) && /<svg[\s>]/.test(Buffer.from(data).toString("utf8"))) return "svg";
  return undefined;
}

/** The branding with its logo read: a PNG or an SVG of at most LOGO_MAX_BYTES. */
export function branding(
  value: z.output<typeof brandingSchema>,
  reader: Reader,
  problems: string[],
): Branding | undefined {
  if (value === undefined) return undefined;
  const { logo, ...text } = value;
  if (logo === undefined) return text;
  const data = read(["branding", "logo"], logo, () => reader.bytes(logo), problems);
  if (data === undefined) return text;
  const kind = logoKind(logo, data);
  if (kind === undefined) {
    problems.push(problem(CLASS, ["branding", "logo"], logo, "expected a PNG (.png) or SVG (.svg) image"));
  } else if (data.length > LOGO_MAX_BYTES) {
    problems.push(
      problem(CLASS, ["branding", "logo"], logo, `is ${data.length} bytes; at most ${LOGO_MAX_BYTES} (256KiB)`),
    );
  }
  return { ...text, logo: { fileName: `logo.${kind ?? "png"}`, base64: Buffer.from(data).toString("base64") } };
}
