// When the placeholders change count: from `leadMinutes` before each lecture to its end. Pure, for the CronJobs.
import { type LectureTime, parseLectureTime, type PlaceholdersConfig, WEEKDAYS } from "../config/schema/lecture";

/** One change of the placeholder count, as a CronJob states it. */
export interface ScaleTime {
  /** Which change: `lecture-<i>-start` or `-end`. */
  name: string;
  /** Five-field cron schedule, in `timeZone`. */
  schedule: string;
  /** IANA zone the schedule is read in; the CronJob controller follows its daylight saving time. */
  timeZone: string;
  replicas: number;
}

const MINUTES_PER_DAY = 24 * 60;
/** cron numbers the days from Sunday, 0. */
const cronDay = (day: (typeof WEEKDAYS)[number]) => (WEEKDAYS.indexOf(day) + 1) % 7;

/** The cron schedule `offset` minutes from `t` (negative: before), moved to the day before or after as needed. */
export function cronAt(t: LectureTime, offset: number): string {
  const total = t.hour * 60 + t.minute + offset;
  const dayShift = Math.floor(total / MINUTES_PER_DAY);
  const minuteOfDay = total - dayShift * MINUTES_PER_DAY;
  const days = [...new Set(t.days.map((d) => (((cronDay(d) + dayShift) % 7) + 7) % 7))].sort((a, b) => a - b);
  return `${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)} * * ${days.join(",")}`;
}

/**
 * Per lecture: its count from `leadMinutes` before the start, the standing `count` again at its end. `size`
 * (students plus admins) is a lecture's count when it names none. Lectures are expected not to overlap.
 */
export function placeholderSchedule(placeholders: PlaceholdersConfig, size: number): ScaleTime[] {
  return placeholders.lectures.flatMap((lecture, i) => {
    // the schema accepted `when`, so it parses
    const t = parseLectureTime(lecture.when) as LectureTime;
    return [
      {
        name: `lecture-${i}-start`,
        schedule: cronAt(t, -placeholders.leadMinutes),
        timeZone: t.timeZone,
        replicas: lecture.count ?? size,
      },
      {
        name: `lecture-${i}-end`,
        schedule: cronAt(t, lecture.minutes),
        timeZone: t.timeZone,
        replicas: placeholders.count,
      },
    ];
  });
}

/** The most placeholders ever held: what the namespace quota must leave room for beside the students. */
export function peakPlaceholders(placeholders: PlaceholdersConfig, size: number): number {
  return Math.max(placeholders.count, ...placeholders.lectures.map((l) => l.count ?? size));
}
