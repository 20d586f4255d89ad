// Pack config as a policy reads it. The Pulumi CLI fills every property's schema default before it configures
// the pack, so getConfig() normally has them all; merging the defaults here keeps a policy correct when it is
// called without the CLI (an older engine, a unit test).
import type { PolicyConfigSchema } from "@pulumi/policy";

export function configWithDefaults<T extends object>(
  schema: PolicyConfigSchema,
  args: { getConfig<C extends object>(): C },
): T {
  const defaults = Object.fromEntries(
    Object.entries(schema.properties)
      .filter(([, property]) => property.default !== undefined)
      .map(([key, property]) => [key, property.default]),
  );
  return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}

/** Whether a stack name matches one of the patterns, where `*` stands for any run of characters. */
export function stackMatches(stack: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const regex = pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    return new RegExp(`^${regex}$`).test(stack);
  });
}
