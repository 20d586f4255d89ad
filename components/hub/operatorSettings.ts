// The hub settings for classhub:class.files and .branding: the ConfigMap items KubeSpawner mounts into every
// student's server, and the login page's template, message and logo. Their contract (zod) lives here, next to the
// builders; settingsSchema.ts includes it.
import { z } from "zod";
import type { ClassConfig, ServerFile } from "../config/schema";

/** The students' files ConfigMap. Named: KubeSpawner's pod spec refers to it by name. */
export const SERVER_FILES_CONFIGMAP = "singleuser-files";
/** Where the branding ConfigMap (login template and logo) is mounted in the hub pod. */
export const BRANDING_DIR = "/etc/classhub/branding";
/** The template that extends JupyterHub's login page; hub/templates/ holds it. */
export const LOGIN_TEMPLATE = "login.html";

const path = z.string().regex(/^\//);
/** A ConfigMap key. */
const key = z.string().regex(/^[-._a-zA-Z0-9]+$/);

export const filesSettingsSchema = z.strictObject({
  configMap: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/),
  volumeName: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
  /** Each file: its ConfigMap key, where it is mounted, and its mode (0 to 0o777, as a number). */
  items: z.array(z.strictObject({ key, path, mode: z.int().min(0).max(0o777) })).min(1),
});

export const brandingSettingsSchema = z.strictObject({
  title: z.string().regex(/\S/),
  message: z.string(),
  /** JupyterHub.template_paths: the directory of classhub's login template. */
  templateDir: path,
  /** JupyterHub.logo_file; null keeps JupyterHub's logo. */
  logoFile: path.nullable(),
});

/** The ConfigMap key of a file: its place in the list and its name, so `kubectl describe` shows which is which. */
export const fileKey = (file: ServerFile, i: number) => `${i}-${file.path.split("/").at(-1)}`;

export function filesSettings(cls: ClassConfig): z.output<typeof filesSettingsSchema> | null {
  if (cls.files.length === 0) return null;
  return {
    configMap: SERVER_FILES_CONFIGMAP,
    volumeName: "classhub-files",
    items: cls.files.map((f, i) => ({ key: fileKey(f, i), path: f.path, mode: f.mode })),
  };
}

export function brandingSettings(cls: ClassConfig): z.output<typeof brandingSettingsSchema> | null {
  const b = cls.branding;
  if (b === undefined) return null;
  return {
    title: b.title,
    message: b.message,
    templateDir: BRANDING_DIR,
    logoFile: b.logo === undefined ? null : `${BRANDING_DIR}/${b.logo.fileName}`,
  };
}
