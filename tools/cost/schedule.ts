// The placeholders' week: how many are held, and for how many hours, from the lecture schedule in the stack file.
import { type PlaceholdersConfig, parseLectureTime } from "../../components/config/schema/lecture";
import { CostError } from "./prices";

export const HOURS_PER_WEEK = 168;

/** One stretch of the week with a number of placeholders held. */
export interface HeldWindow {
  /** What holds them: "always" or the lecture's `when`. */
  what: string;
  placeholders: number;
  hoursPerWeek: number;
}

/**
 * The placeholders' week: each lecture holds its `count` (the class size unless set) from `leadMinutes` before its
 * start to its end, on each of its days; the rest of the week holds the always-on `count`. Lectures are taken not
 * to overlap; time zones and daylight saving time do not change the hours.
 */
export function placeholderWeek(p: PlaceholdersConfig, classSize: number): HeldWindow[] {
  const lectures = p.lectures.map((l) => {
    const when = parseLectureTime(l.when);
    if (typeof when === "string") throw new CostError(`classhub:class.placeholders.lectures: ${l.when}: ${when}`);
    return {
      what: l.when,
      placeholders: l.count ?? classSize,
      hoursPerWeek: (when.days.length * (p.leadMinutes + l.minutes)) / 60,
    };
  });
  const lectureHours = lectures.reduce((sum, l) => sum + l.hoursPerWeek, 0);
  const always = { what: "always", placeholders: p.count, hoursPerWeek: Math.max(0, HOURS_PER_WEEK - lectureHours) };
  return [always, ...lectures].filter((w) => w.placeholders > 0 && w.hoursPerWeek > 0);
}

/** Node-hours a week that the placeholders hold, each window rounded up to whole nodes. */
export function placeholderNodeHours(week: HeldWindow[], serversPerNode: number): number {
  return week.reduce((sum, w) => sum + Math.ceil(w.placeholders / serversPerNode) * w.hoursPerWeek, 0);
}
