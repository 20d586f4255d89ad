// classhub:class.prePull, .placeholders and .packing: what gets a class's nodes ready before a lecture starts.
import { z } from "zod";
import { PAUSE_IMAGE, SCALER_IMAGE } from "../../capacity/images";
import { USER_SCHEDULER_IMAGE } from "../../scheduling/manifests";
import { count, image } from "./values";

/** Days as a lecture schedule writes them, Monday first. */
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A weekly lecture time: days joined by '/', a 24-hour start, an IANA time zone. */
export interface LectureTime {
  days: Weekday[];
  hour: number;
  minute: number;
  timeZone: string;
}

const WHEN = /^(\w{3}(?:\/\w{3})*) ([01]\d|2[0-3]):([0-5]\d) (\S+)$/;

/** Whether the runtime's time zone database knows `zone`, as a cluster's kube-controller-manager would. */
function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.includes("/") || zone === "UTC";
  } catch {
    return false;
  }
}

/** Parses "Mon/Wed 10:00 America/Los_Angeles"; a message saying what is wrong otherwise. */
export function parseLectureTime(when: string): LectureTime | string {
  const match = WHEN.exec(when);
  if (match === null) return 'expected "<days> <HH:MM> <time zone>", e.g. "Mon/Wed 10:00 America/Los_Angeles"';
  const [, dayList, hour, minute, timeZone] = match;
  const days = dayList.split("/");
  const unknown = days.filter((d) => !(WEEKDAYS as readonly string[]).includes(d));
  if (unknown.length > 0) return `unknown day ${unknown[0]}; days are ${WEEKDAYS.join(", ")}, joined by '/'`;
  if (new Set(days).size !== days.length) return "a day is listed twice";
  if (!knownTimeZone(timeZone)) return `unknown time zone ${timeZone}; expected an IANA name such as America/New_York`;
  return { days: days as Weekday[], hour: Number(hour), minute: Number(minute), timeZone };
}

const lecture = z.strictObject({
  when: z
    .string()
    .superRefine((when, ctx) => {
      const parsed = parseLectureTime(when);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
    })
    .describe(
      'Weekly start of the lecture: days, 24-hour time and IANA time zone, e.g. "Mon/Wed 10:00 America/Los_Angeles". ' +
        "Daylight saving time is followed.",
    ),
  minutes: count(10, 600).default(80).describe("Length of the lecture in minutes. Defaults to 80."),
  count: count(0, 5000)
    .optional()
    .describe("Placeholders held during the lecture. Defaults to the class size (students plus admins)."),
});

export const placeholdersSchema = z
  .strictObject({
    count: count(0, 5000)
      .default(0)
      .describe("Placeholders held at all times, each the size of one student's default server. Defaults to 0."),
    lectures: z
      .array(lecture)
      .default([])
      .describe(
        "Weekly lectures: from `leadMinutes` before each start to its end, `count` placeholders are held instead.",
      ),
    image: image
      .default(PAUSE_IMAGE)
      .describe(`Image of the placeholders, a pause container. Defaults to \`${PAUSE_IMAGE}\`.`),
    scalerImage: image
      .default(SCALER_IMAGE)
      .describe(`Image with kubectl that changes the count around lectures. Defaults to \`${SCALER_IMAGE}\`.`),
    leadMinutes: count(0, 120)
      .default(15)
      .describe(
        "Minutes before a lecture that its placeholders are asked for: enough for the autoscaler to add nodes " +
          "and for the pre-puller to pull the images on them. Defaults to 15.",
      ),
  })
  .prefault({})
  .describe(
    "User placeholders: pods of the lowest priority that hold room on user nodes, each the size of a student's " +
      "default server, and yield it to a student at once. On an autoscaling cluster they make the nodes exist " +
      "before students arrive; after a lecture they go, and empty nodes go with them.",
  );

export const prePullSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Pull the class image and every profile's and choice's image onto each user node. Defaults to true."),
    nodes: count(1, 5000)
      .optional()
      .describe(
        "User nodes the namespace's quota keeps room for, one pre-puller pod each: the most user nodes (user, GPU " +
          "and extra pools) the cluster may have. Set it when that is more than the class has students: a " +
          "pre-puller pod beyond it takes room meant for a student's server. Defaults to the class size " +
          "(students plus admins).",
      ),
    pauseImage: image
      .default(PAUSE_IMAGE)
      .describe(
        "Image of the pre-puller's long-running container, which only waits, pinned like `image`, e.g. a mirror " +
          `registry's copy. Defaults to \`${PAUSE_IMAGE}\`.`,
      ),
  })
  .prefault({})
  .describe(
    "Image pre-pull: a DaemonSet on the user nodes whose pods hold every image of the class, so a new node has " +
      "them before a student's server is placed on it. Its pods pass Pod Security `restricted`.",
  );

export const packingSchema = z
  .strictObject({
    scheduler: z
      .boolean()
      .default(false)
      .describe(
        "Run a scheduler for this class's student servers that packs them onto the fewest nodes (it scores " +
          "nodes by how much of them is already requested), so the autoscaler can remove the empty ones. " +
          "Not on GKE, whose autoscaler already packs (its utilization profile). Defaults to false.",
      ),
    image: image
      .default(USER_SCHEDULER_IMAGE)
      .describe(
        "The scheduler's image: kube-scheduler, pinned like `image`, running /usr/local/bin/kube-scheduler, e.g. " +
          "a mirror registry's copy. Its version must be the cluster's, or at most one minor version older " +
          `(Kubernetes' version skew policy). Defaults to \`${USER_SCHEDULER_IMAGE}\`.`,
      ),
  })
  .prefault({})
  .describe("How student servers are placed on user nodes.");

export type PlaceholdersConfig = z.output<typeof placeholdersSchema>;
export type PrePullConfig = z.output<typeof prePullSchema>;
export type PackingConfig = z.output<typeof packingSchema>;
