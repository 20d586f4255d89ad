// The stack-file schema: one zod schema per structured key, which validates the file, fills in the documented
// defaults and describes each key for the config reference. Every key's `.describe()` text is its documentation:
// `npm run reference` (tools/dev/reference.ts) generates docs/config-reference.md from it, and a test fails while
// the committed file differs. Descriptions are Markdown; a default the schema cannot state says "Defaults to …".
import type { z } from "zod";
import type { classSchema } from "./class";
import type { clusterSchema, gkeSchema } from "./cluster";
import type { Branding, ServerFile } from "./files";
import type { resources } from "./values";

export * from "./auth";
export * from "./class";
export * from "./lecture";
export * from "./cluster";
export type { Branding, ServerFile } from "./files";
export * from "./servers";
export * from "./storage";
export { slug } from "./values";

export type GkeConfig = z.output<typeof gkeSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
/** The class as the program sees it: the namespace filled in, and the files `files` and `branding` name read. */
export type ClassConfig = Omit<z.output<typeof classSchema>, "namespace" | "rosterFile" | "files" | "branding"> & {
  namespace: string;
  files: ServerFile[];
  branding?: Branding;
};
export type Authenticator = ClassConfig["auth"]["type"];
/** The resource fields of the class or of a profile, as validated. */
export type Resources = z.output<typeof resources>;
