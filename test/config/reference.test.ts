// docs/config-reference.md is generated from the stack-file schema (npm run reference); these tests keep the
// committed file equal to what the schema says, so the reference cannot drift from the code.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { z } from "zod";
import { classSchema, clusterSchema } from "../../components/config/schema";
import { configReference, REFERENCE_FILE, referenceSections, sections } from "../../tools/dev/reference";

/** Every stack-file key the schema accepts, walked independently of the generator, e.g. `classhub:class.resources.cpuLimit` or `classhub:class.profiles[].slug`. */
function configKeys(): string[] {
  const keys = new Set<string>(["classhub:oauthClientSecret"]);
  const walk = (schema: any, at: string) => {
    if (schema === undefined || schema === null || typeof schema !== "object") return;
    for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(branch, at);
    if (schema.items !== undefined) walk(schema.items, `${at}[]`);
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      keys.add(`${at}.${name}`);
      walk(child, `${at}.${name}`);
    }
  };
  walk(z.toJSONSchema(clusterSchema, { io: "input" }), "classhub:cluster");
  walk(z.toJSONSchema(classSchema, { io: "input" }), "classhub:class");
  return [...keys].sort();
}

const committed = () => fs.readFileSync(REFERENCE_FILE, "utf8");
const rowOf = (key: string) => referenceSections().flatMap((s) => s.rows.find((r) => r.key === key) ?? [])[0];

describe("the config reference", () => {
  it("docs/config-reference.md is what the schema generates (regenerate with npm run reference)", async () => {
    assert.equal(committed(), await configReference());
  });

  it("has one row for every key the schema accepts, and no other", () => {
    const documented = [...committed().matchAll(/^\|\s*`(classhub:[^`]+)`\s*\|/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), configKeys());
    assert.equal(new Set(documented).size, documented.length, "each key once");
  });

  it("shows the defaults the schema fills in, and what a key allows", () => {
    assert.equal(rowOf("classhub:class.resources.cpuLimit").type, "number > 0; default `1`");
    assert.equal(rowOf("classhub:class.culling.timeoutMinutes").type, "integer 5–10080; default `60`");
    assert.equal(
      rowOf("classhub:class.tls").type,
      "object, [below](#classhubclasstls); default `{clusterIssuer: letsencrypt}`",
    );
    assert.equal(rowOf("classhub:cluster.gke.network.podsCidr").type, "IPv4 CIDR block; default `10.16.0.0/14`");
    assert.equal(rowOf("classhub:class.imagePullPolicy").type, "`IfNotPresent` or `Always`; default `IfNotPresent`");
  });

  it("says which branch of a union a key belongs to", () => {
    assert.equal(rowOf("classhub:cluster.source").type, "`ambient`, `stack` or `gke`; required");
    assert.equal(rowOf("classhub:cluster.stack").type, "`org/project/stack`; required; only with `source: stack`");
    assert.equal(
      rowOf("classhub:class.auth.clientId").type,
      "string; required; only with `type` `github`, `google`, `generic-oauth` or `cilogon`",
    );
    assert.equal(rowOf("classhub:class.tls.secretName").type, "string; either this or `clusterIssuer`");
  });

  it("refuses a key without a description, naming it", () => {
    const schema = z.toJSONSchema(z.strictObject({ documented: z.string().describe("Said."), bare: z.number() }), {
      io: "input",
    });
    assert.throws(() => sections(schema, "classhub:test"), {
      message: 'classhub:test.bare has no description; add .describe("...") to it in components/config/schema/',
    });
  });
});
