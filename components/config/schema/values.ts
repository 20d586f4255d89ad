// Values the stack file's keys share: names, quantities, counts, images, resources.
import { z } from "zod";
import { isMemoryQuantity } from "../../quantity";

export const slug = (what: string) =>
  z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, {
    error: `expected ${what}: lowercase letters, digits and '-', starting and ending with a letter or digit`,
  });
const MEMORY_ERROR =
  'expected a whole number of bytes (1951419879 or "1951419879") or a quantity such as 512Mi, 2Gi or 1.5G ' +
  "(suffixes Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E), at least one byte";
/** Memory or storage: a quantity or a plain number of bytes, as other tools write it; kept as text. */
export const memory = z
  .union([z.number(), z.string()], { error: MEMORY_ERROR })
  .refine(isMemoryQuantity, { error: MEMORY_ERROR })
  .transform(String)
  .meta({ format: "memory" });
export const cores = z
  .number({ error: "expected a number of CPU cores" })
  .positive({ error: "expected more than 0 cores" });
export const count = (min: number, max: number) =>
  z
    .number()
    .int({ error: "expected a whole number" })
    .min(min, { error: `expected at least ${min}` })
    .max(max, { error: `expected at most ${max}` });
export const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: "expected a DNS name such as data8.example.edu",
});
export const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
export const image = z
  .string()
  .regex(/^[a-z0-9.\-_/:]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
    error: "expected an image with a pinned tag or digest, e.g. quay.io/jupyter/scipy-notebook:2025-06-30",
  })
  .refine((ref) => !/:latest$/.test(ref), { error: "the tag 'latest' is not pinned; name an exact tag or digest" });

export const resourceFields = {
  cpuGuarantee: cores.describe("CPU cores each student is guaranteed: the server's CPU request. At most `cpuLimit`."),
  cpuLimit: cores.describe("CPU cores each student may burst to: the server's CPU limit."),
  memoryGuarantee: memory.describe(
    "Memory each student is guaranteed: the server's memory request, a quantity such as `1Gi`. At most `memoryLimit`.",
  ),
  memoryLimit: memory.describe(
    "Memory at which a student's server is killed: its memory limit, a quantity such as `2Gi`.",
  ),
};
export const resources = z.strictObject({
  cpuGuarantee: resourceFields.cpuGuarantee.default(0.5),
  cpuLimit: resourceFields.cpuLimit.default(1),
  memoryGuarantee: resourceFields.memoryGuarantee.default("1Gi"),
  memoryLimit: resourceFields.memoryLimit.default("2Gi"),
});
