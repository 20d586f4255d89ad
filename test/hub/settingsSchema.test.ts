// One hub-settings contract: what the TypeScript side accepts, it renders to the schema the hub checks.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import fc from "fast-check";
import { ConfigError, parseConfig } from "../../components/config";
import { hubSettings } from "../../components/hub/settings";
import { hubSettingsJsonSchema, hubSettingsSchema, SCHEMA_FILE } from "../../components/hub/settingsSchema";
import { arbitraryClass } from "../support/arbitraryClass";

it("the hub's JSON Schema is the one the contract defines (regenerate with npm run schema)", () => {
  const committed = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "hub", SCHEMA_FILE), "utf8"));
  assert.deepEqual(committed, hubSettingsJsonSchema());
});

it("every class the config accepts renders settings that fit the contract", () => {
  let accepted = 0;
  fc.assert(
    fc.property(arbitraryClass, ({ raw, facts }) => {
      let cls;
      try {
        cls = parseConfig(raw).class!;
      } catch (e) {
        if (e instanceof ConfigError) return; // refused with key-named errors: nothing reaches the hub
        throw e;
      }
      accepted += 1;
      const result = hubSettingsSchema.safeParse(hubSettings(cls, facts));
      assert.ok(result.success, JSON.stringify(result.error?.issues));
    }),
    { numRuns: 400, seed: 7 },
  );
  // The generator must reach the hub, not only the config's error paths.
  assert.ok(accepted >= 100, `only ${accepted} of 400 generated classes were accepted`);
});
