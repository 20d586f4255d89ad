// Named steps that run in order and stop at the first failure, then cleanup steps that always all run; each is
// printed with its time as it ends. `npm run check` is a list of these.

export interface Step {
  name: string;
  /** Does the step; what it returns is printed after the name. */
  run: () => Promise<string | void>;
}

export interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  /** What the step found, or why it failed. */
  detail: string;
  cleanup: boolean;
}

export interface Outcome {
  results: StepResult[];
  /** The first step that failed, cleanup steps included. */
  failed?: StepResult;
}

/** A result as a line: `ok    1.2 s  start the server: ready`. */
export function stepLine(r: StepResult): string {
  const seconds = `${r.seconds.toFixed(1)} s`.padStart(7);
  return `${r.ok ? "ok  " : "FAIL"} ${seconds}  ${r.name}${r.detail === "" ? "" : `: ${r.detail}`}`;
}

async function runOne(step: Step, cleanup: boolean, now: () => number): Promise<StepResult> {
  const start = now();
  try {
    const detail = (await step.run()) ?? "";
    return { name: step.name, ok: true, seconds: (now() - start) / 1000, detail, cleanup };
  } catch (e) {
    return { name: step.name, ok: false, seconds: (now() - start) / 1000, detail: (e as Error).message, cleanup };
  }
}

/**
 * Runs `steps` until one fails, then every step of `cleanup` (which must each tolerate having nothing to clean).
 * `print` gets each result as it ends.
 */
export async function runSteps(
  steps: Step[],
  cleanup: Step[],
  print: (r: StepResult) => void,
  now: () => number = () => performance.now(),
): Promise<Outcome> {
  const results: StepResult[] = [];
  const record = (r: StepResult) => {
    results.push(r);
    print(r);
    return r.ok;
  };
  for (const step of steps) if (!record(await runOne(step, false, now))) break;
  for (const step of cleanup) record(await runOne(step, true, now));
  return { results, failed: results.find((r) => !r.ok) };
}
