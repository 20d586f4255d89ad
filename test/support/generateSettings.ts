// npx tsx test/support/generateSettings.ts <dir> <count> [seed]
// Writes the hub settings of up to <count> varied class stacks that the TypeScript side accepts, one JSON file
// each, for the hub tests to load under the real JupyterHub (test/hub/test_property.py).
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { parseConfig } from "../../components/config";
import { hubSettings } from "../../components/hub/settings";
import { arbitraryClass } from "./arbitraryClass";

const [dir, count, seed = "1"] = process.argv.slice(2);
fs.mkdirSync(dir, { recursive: true });
let accepted = 0;
let rejected = 0;
for (const { raw, facts } of fc.sample(arbitraryClass, { numRuns: Number(count), seed: Number(seed) })) {
  let settings;
  try {
    settings = hubSettings(parseConfig(raw).class!, facts);
  } catch {
    rejected += 1;
    continue;
  }
  fs.writeFileSync(path.join(dir, `settings-${accepted}.json`), JSON.stringify(settings, null, 2));
  accepted += 1;
}
process.stdout.write(JSON.stringify({ accepted, rejected }) + "\n");
