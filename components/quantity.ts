// Kubernetes resource quantities, parsed once so the rest of the program does arithmetic on numbers.

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Kubernetes' binary and decimal suffixes; none is a number of bytes. Milli (`m`) is no size of memory. */
const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Bytes in a memory or storage quantity: `2Gi`, `1.5G`, a plain number of bytes (`1951419879`, or as text). */
export function memoryBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = MEMORY_PATTERN.exec(value);
  if (match === null) return undefined;
  const total = Math.floor(Number(match[1]) * MEMORY_UNITS[match[2] ?? ""]);
  return total >= 1 ? total : undefined;
}

/** True for a memory or storage quantity of at least one byte, as {@link memoryBytes} reads it. */
export function isMemoryQuantity(value: unknown): boolean {
  return memoryBytes(value) !== undefined;
}

/** Bytes in a quantity accepted by {@link isMemoryQuantity}, rounded down to a whole byte. */
export function bytes(value: string | number): number {
  const total = memoryBytes(value);
  if (total === undefined) {
    throw new Error(`not a memory quantity: ${value}`);
  }
  return total;
}

/** A byte count as the largest binary unit that divides it exactly, e.g. 2147483648 -> "2Gi". */
export function formatBytes(value: number): string {
  for (const unit of ["Ti", "Gi", "Mi", "Ki"]) {
    const size = MEMORY_UNITS[unit];
    if (value % size === 0) {
      return `${value / size}${unit}`;
    }
  }
  return String(value);
}

/**
 * CPU cores in whole millicores, rounded up. The API server keeps no finer precision than 1m and rounds a pod's
 * CPU up to it, from the decimal text it receives: the shortest decimal of the float, as both JSON.stringify and
 * Python's json write it (0.1 + 0.2 arrives as 0.30000000000000004, so 301m). A bound derived from a value (a
 * LimitRange maximum, a quota) must round the same way, or it would be stricter than the pod it bounds.
 */
export function millicores(cores: number): number {
  const decimal = /^(\d+)(?:\.(\d+))?$/.exec(String(cores));
  // Exponent notation: far below a millicore (1e-7) or far above any node.
  if (decimal === null) return Math.ceil(cores * 1000);
  const [, whole, fraction = ""] = decimal;
  const milli = Number(whole) * 1000 + Number(fraction.slice(0, 3).padEnd(3, "0"));
  return /[1-9]/.test(fraction.slice(3)) ? milli + 1 : milli;
}

/** CPU cores as a Kubernetes quantity, never below the value: whole cores stay numbers, others become millicores. */
export function formatCpu(cores: number): string {
  const milli = millicores(cores);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** A Kubernetes CPU quantity (`2`, `500m`, `0.25`) in millicores, rounded up like the API server does. */
export function parseCpu(value: string): number {
  return value.endsWith("m") ? Math.ceil(Number(value.slice(0, -1))) : millicores(Number(value));
}

/** What one container asks for and may use, as Kubernetes quantities. */
export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}
