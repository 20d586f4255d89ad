// classhub:class.files and classhub:class.branding: what operators put into every student's server and onto the
// hub's login page. Their `source` and `logo` files are read when the config loads (components/config/sources.ts).
import { z } from "zod";

/** An absolute path of plain segments: no `.` or `..`, no trailing slash, no braces (KubeSpawner fills those in). */
const targetPath = z
  .string()
  .regex(/^(\/[\w.-]+)+$/, { error: "expected an absolute path such as /etc/jupyter/jupyter_server_config.json" })
  .refine((p) => !p.split("/").some((segment) => segment === "." || segment === ".."), {
    error: "expected a path without . or .. segments",
  });

/** YAML reads 0644 as a number, octal or decimal by version: the mode is text, so it means one thing. */
const MODE_ERROR = 'expected an octal mode as text, such as "0644" or "0755"';

const serverFile = z
  .strictObject({
    path: targetPath.describe(
      "Where the file appears in each server, an absolute path outside the home volume, e.g. " +
        "`/etc/jupyter/jupyter_server_config.json` or `/etc/gitconfig`.",
    ),
    mode: z
      .string({ error: MODE_ERROR })
      .regex(/^0?[0-7]{3}$/, { error: MODE_ERROR })
      .default("0644")
      .describe('Permission bits, octal, as text (`"0644"`, `"0755"` for a script). The file is read-only anyway.'),
    content: z.string().optional().describe("The file's text, inline. Give `content` or `source`."),
    source: z
      .string()
      .min(1)
      .optional()
      .describe("A text file in the project whose content is used, relative to the project, e.g. `files/gitconfig`."),
  })
  .superRefine((file, ctx) => {
    if ((file.content === undefined) === (file.source === undefined)) {
      ctx.addIssue({ code: "custom", message: "expected either content or source, not both or neither", input: file });
    }
  });

export const filesSchema = z
  .array(serverFile)
  .default([])
  .describe(
    "Files placed, read-only, into every student's server: a Jupyter server config, a git config, a kernel-culling " +
      "setting. They go into a ConfigMap, which anyone who may read the namespace can read: never put a secret " +
      "here. Together at most 512KiB. A server gets the files as they were when it started.",
  );

export const LOGO_MAX_BYTES = 256 * 1024;

export const brandingSchema = z
  .strictObject({
    title: z
      .string()
      .regex(/\S/, { error: "expected a course name, not blank" })
      .max(120)
      .describe(
        "The course name, shown on the login page and in its browser tab, e.g. `Data 8: Foundations of Data Science`.",
      ),
    message: z
      .string()
      .max(2000)
      .default("")
      .describe(
        "A message under the course name on the login page, as plain text: HTML in it is shown, not run (escaped).",
      ),
    logo: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A PNG or SVG file in the project, at most 256KiB, shown on every hub page in place of JupyterHub's logo " +
          "(and served at `/hub/logo`). Defaults to JupyterHub's logo.",
      ),
  })
  .optional()
  .describe("The hub's login page: the course name, a message and a logo. Without it, JupyterHub's own page.");

/** A file for students' servers, its content read: what the program works with after the config loads. */
export interface ServerFile {
  path: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  content: string;
}

/** The login page's branding, its logo read. */
export interface Branding {
  title: string;
  message: string;
  /** The logo's bytes and the file name the hub serves it under (its type follows the extension). */
  logo?: { fileName: "logo.png" | "logo.svg"; base64: string };
}
