// The part of JSON Schema the pack's configSchemas use, checked the way the Pulumi CLI checks a pack config
// (gojsonschema) before it configures the pack. A keyword outside SUPPORTED fails the pack's own test, so this
// checker never passes a config by ignoring a rule.
export const SUPPORTED = new Set([
  "type",
  "properties",
  "required",
  "items",
  "enum",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "pattern",
  "default",
  "description",
]);

type Schema = Record<string, any>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function fits(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** Every way `value` breaks `schema`, as "<path>: <problem>" (the root's path is empty, as the CLI trims "(root): "). */
export function schemaErrors(schema: Schema, value: unknown, path = ""): string[] {
  const at = (message: string) => (path === "" ? message : `${path}: ${message}`);
  const errors: string[] = [];
  const types: string[] | undefined = schema.type === undefined ? undefined : [schema.type].flat();
  if (types !== undefined && !types.some((t) => fits(t, value))) {
    return [at(`Invalid type. Expected: ${types.join(", ")}, given: ${typeOf(value)}`)];
  }
  if (schema.enum !== undefined && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(at(`must be one of the following: ${schema.enum.map((e: unknown) => JSON.stringify(e)).join(", ")}`));
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(at(`Must be greater than or equal to ${schema.minimum}`));
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(at(`Must be less than or equal to ${schema.maximum}`));
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      errors.push(at(`Must be greater than ${schema.exclusiveMinimum}`));
  }
  if (typeof value === "string" && schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
    errors.push(at(`Does not match pattern '${schema.pattern}'`));
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) =>
      errors.push(...schemaErrors(schema.items, item, `${path === "" ? "" : `${path}.`}${i}`)),
    );
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(at(`${key} is required`));
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (key in object)
        errors.push(...schemaErrors(child as Schema, object[key], path === "" ? key : `${path}.${key}`));
    }
  }
  return errors;
}

/** Keywords a schema uses that schemaErrors does not check. */
export function unsupportedKeywords(schema: Schema): string[] {
  const own = Object.keys(schema).filter((k) => !SUPPORTED.has(k));
  const children = [
    ...Object.values(schema.properties ?? {}),
    ...(schema.items === undefined ? [] : [schema.items]),
  ] as Schema[];
  return [...own, ...children.flatMap(unsupportedKeywords)];
}
