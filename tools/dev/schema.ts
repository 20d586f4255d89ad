// npm run schema: writes hub/hub-settings.schema.json, the JSON Schema form of the hub settings contract
// (components/hub/settingsSchema.ts) that the hub checks hub-settings.json against. A test fails while the
// committed file differs from what this writes.
import * as fs from "node:fs";
import * as path from "node:path";
import { hubSettingsJsonSchema, SCHEMA_FILE } from "../../components/hub/settingsSchema";

const file = path.join(__dirname, "..", "..", "hub", SCHEMA_FILE);
fs.writeFileSync(file, JSON.stringify(hubSettingsJsonSchema(), null, 2) + "\n");
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
