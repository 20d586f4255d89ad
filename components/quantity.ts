// Kubernetes resource quantities, parsed once so the rest of the program does arithmetic on numbers.

const MEMORY_UNITS: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)$/;

/** True for a positive memory or storage quantity such as `512Mi`, `2Gi` or `1.5G`. */
export function isMemoryQuantity(value: string): boolean {
  const match = MEMORY_PATTERN.exec(value);
  return match !== null && Number(match[1]) > 0;
}

/** Bytes in a quantity accepted by {@link isMemoryQuantity}, rounded down to a whole byte. */
export function bytes(value: string): number {
  const match = MEMORY_PATTERN.exec(value);
  if (match === null) {
    throw new Error(`not a memory quantity: ${value}`);
  }
  return Math.floor(Number(match[1]) * MEMORY_UNITS[match[2]]);
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

/** CPU cores as a Kubernetes quantity: whole cores stay numbers, fractions become millicores. */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}
