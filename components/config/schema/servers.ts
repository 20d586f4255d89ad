// The student's server: where it runs (node pools, node selectors, tolerations), what it runs (command, arguments,
// working directory), the choices inside a profile, and named servers. class.ts spreads these into the class and
// its profiles.
import { z } from "zod";
import { count, image, resourceFields, slug } from "./values";

/** Fields KubeSpawner fills into {braces} in environment values, per student; a literal brace is written twice. */
export const TEMPLATE_FIELDS = ["username", "unescaped_username", "userid", "servername", "user_server"];
export const environmentValue = z
  .string()
  .refine(
    (value) =>
      !/[{}]/.test(
        value.replace(/\{\{|\}\}/g, "").replace(new RegExp(`\\{(${TEMPLATE_FIELDS.join("|")})\\}`, "g"), ""),
      ),
    {
      error: `expected text in which KubeSpawner's fields are ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(", ")}; write a literal brace as {{ or }}`,
    },
  );
export const environment = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), environmentValue);
export const ENVIRONMENT_HELP =
  `Values may use KubeSpawner's fields ${TEMPLATE_FIELDS.map((f) => `\`{${f}}\``).join(", ")}; write a ` +
  "literal brace as `{{` or `}}`.";

/** A path in the server, such as /lab: letters, digits, `_`, `.`, `/` and `-`. */
export const urlPath = z.string().regex(/^\/[\w./-]*$/, { error: "expected a path such as /lab" });
const absolutePath = z.string().regex(/^\/[\w./-]*$/, { error: "expected an absolute path such as /home/jovyan" });

// Kubernetes label syntax (apimachinery validation: IsQualifiedName, IsValidLabelValue).
const NAME_PART = "([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]";
const DNS_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
export const LABEL_KEY = new RegExp(`^(${DNS_SUBDOMAIN}/)?${NAME_PART}$`);
export const LABEL_VALUE = new RegExp(`^(${NAME_PART})?$`);
export const labelKey = z
  .string()
  .regex(LABEL_KEY, {
    error:
      "expected a Kubernetes label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' " +
      "or '.', starting and ending with a letter or digit",
  })
  .refine((key) => !key.includes("/") || key.split("/")[0].length <= 253, {
    error: "expected a label key prefix of at most 253 characters",
  });
export const labelValue = z.string().regex(LABEL_VALUE, {
  error:
    "expected a Kubernetes label value: up to 63 letters, digits, '-', '_' or '.', starting and ending with a " +
    "letter or digit (or empty)",
});

export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

const toleration = z
  .strictObject({
    key: labelKey.optional().describe("Taint key to tolerate. Without it, `operator: Exists` tolerates every taint."),
    operator: z
      .enum(["Equal", "Exists"])
      .default("Equal")
      .describe("`Equal` matches the taint's `value`; `Exists` matches any value."),
    value: labelValue.optional().describe("Taint value to match, with `operator: Equal`."),
    // Required, though Kubernetes reads a missing effect as every effect: the hub settings always name one.
    effect: z
      .enum(TAINT_EFFECTS)
      .describe(
        "Taint effect to tolerate: `NoSchedule`, `PreferNoSchedule` or `NoExecute`; one toleration per effect.",
      ),
    tolerationSeconds: count(0, 31536000)
      .optional()
      .describe("With `effect: NoExecute`, how long the server stays on a node after the taint appears."),
  })
  .superRefine((t, ctx) => {
    const issue = (path: string, input: unknown, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], input, message });
    if (t.key === undefined && t.operator !== "Exists") {
      issue("operator", t.operator, "a toleration without key needs operator Exists (it then tolerates every taint)");
    }
    if (t.operator === "Exists" && t.value !== undefined) {
      issue("value", t.value, "must be left out with operator Exists, which matches any value");
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      issue("tolerationSeconds", t.tolerationSeconds, "applies only with effect NoExecute");
    }
  });

/** Where a server runs: one of the cluster's extra user pools by name, or raw node labels and tolerations. */
export const placement = z.strictObject({
  nodePool: z
    .string()
    .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, { error: "expected a GKE node pool name" })
    .optional()
    .describe(
      "One of the cluster's `extraUserPools`, by name: servers select its nodes (`cloud.google.com/gke-nodepool`) " +
        "and tolerate its taint. Needs a GKE cluster (`classhub:cluster` source `gke` or `stack`).",
    ),
  nodeSelector: z
    // zod reports a bad key as "Invalid key in record"; show the key's own message instead.
    .record(labelKey, labelValue, {
      error: (issue) => (issue.code === "invalid_key" ? issue.issues[0]?.message : undefined),
    })
    .optional()
    .describe("Node labels the server's node must have, added to those of the user pool and of `nodePool`."),
  tolerations: z
    .array(toleration)
    .optional()
    .describe("Node taints the server tolerates, added to the user pool's and `nodePool`'s."),
});

const placementHelp = (whose: string) =>
  `Where ${whose} servers run: \`nodePool\`, or \`nodeSelector\` and \`tolerations\` for any cluster. ` +
  "Adds to the class placement.";

/** What starts in the server, and where. A profile's value replaces the class value. */
export const serverCommand = {
  cmd: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      "Command that starts the server, e.g. `[jupyterhub-singleuser]`. Defaults to the image's own command " +
        "(the Jupyter images start JupyterLab).",
    ),
  args: z
    .array(z.string())
    .optional()
    .describe("Arguments added after `cmd`, e.g. `[--ServerApp.terminals_enabled=False]`. Needs `cmd`."),
  workingDir: absolutePath.optional().describe("Working directory of the server's process. Defaults to the image's."),
};

/** Settings a choice may set; each belongs to at most one option of a profile, so the order of options never matters. */
export const CHOICE_SETTINGS = ["image", "resources", "placement"] as const;

const choice = z.strictObject({
  slug: slug("a choice slug").describe("Choice id, unique in its option; the profile form posts it."),
  displayName: z
    .string()
    .regex(/\S/, { error: "expected a name students can read, not blank" })
    .describe("Name students see."),
  default: z
    .boolean()
    .default(false)
    .describe("Preselect this choice. At most one choice per option; without one, the first is the default."),
  image: image.optional().describe("Image for this choice, pinned like the class `image`."),
  resources: z
    .strictObject(resourceFields)
    .partial()
    .optional()
    .describe("Overrides of the profile's resources; what is not set keeps the profile's (or the class's) value."),
  environment: environment.optional().describe(`Environment variables added to the profile's. ${ENVIRONMENT_HELP}`),
  placement: placement.optional().describe(placementHelp("this choice's")),
});

export const profileOption = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
      error: "expected an option name: lowercase letters and digits, words joined by single '-'",
    })
    .refine((name) => name !== "profile", { error: "'profile' is the name of the profile itself; pick another" })
    .describe("Option id, unique in the profile, e.g. `image` or `size`."),
  displayName: z
    .string()
    .regex(/\S/, { error: "expected a name students can read, not blank" })
    .describe("Label students see above the choices."),
  choices: z
    .array(choice)
    .min(1, { error: "expected at least one choice" })
    .describe(
      "What students pick from. Each choice may set `image`, `resources`, `environment` and `placement`; " +
        "`image`, `resources` and `placement` may be set by the choices of one option of a profile only.",
    ),
});

/** Keys a profile adds to the class's: its server, its placement and its options. */
export const profileServerFields = {
  environment: environment
    .optional()
    .describe(`Environment variables added to the class's for this profile. ${ENVIRONMENT_HELP}`),
  defaultUrl: urlPath
    .optional()
    .describe("Path this profile's servers open at, e.g. `/tree`. Defaults to the class's."),
  ...serverCommand,
  placement: placement.optional().describe(placementHelp("this profile's")),
  options: z
    .array(profileOption)
    .default([])
    .describe(
      "Choices within the profile, such as an image and a size, each a menu on the profile form (KubeSpawner's " +
        "`profile_options`).",
    ),
};

/** Keys of the class about every student's server. */
export const classServerFields = {
  ...serverCommand,
  placement: placement
    .prefault({})
    .describe(
      "Where every student's server runs, on top of the user pool: `nodePool`, or `nodeSelector` and " +
        "`tolerations`. Profiles and choices add to it.",
    ),
  namedServers: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Let students run named servers besides their default one."),
      limitPerStudent: count(1, 20)
        .default(2)
        .describe(
          "Named servers a student may have, running or stopped, until they delete one; the default server " +
            "does not count.",
        ),
    })
    .prefault({})
    .describe(
      "Named servers (JupyterHub's `allow_named_servers`): each has its own home volume. Every running server, " +
        "named or not, counts toward `spawn.activeServerLimit` and the quota.",
    ),
};
