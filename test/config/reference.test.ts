import assert from "node:assert/strict";
import * as fs from "node:fs";
import { it } from "node:test";
import { configKeys } from "../../components/config";

it("the README's config reference lists every key the schema accepts, and no other", () => {
  const readme = fs.readFileSync("README.md", "utf8");
  const documented = new Set([...readme.matchAll(/^\|\s*`(classhub:[^`]+)`\s*\|/gm)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), configKeys());
});
