// npx tsx test/support/classSettings.ts < request.json
// Prints the hub settings the TypeScript side writes for one class, so that hub tests can load settings of classes
// that no example stack has (test/hub/test_profiles.py). The request: {"class": <classhub:class>, "cluster":
// <classhub:cluster, optional>, "facts": <ClusterFacts>}; the stack is `dev`. A config error exits 1 with its text.
import * as fs from "node:fs";
import { ConfigError, parseConfig } from "../../components/config";
import { hubSettings } from "../../components/hub/settings";

const request = JSON.parse(fs.readFileSync(0, "utf8"));
try {
  const { class: cls } = parseConfig({
    stack: "dev",
    cluster: request.cluster,
    class: request.class,
    hasOauthClientSecret: false,
    keys: request.cluster === undefined ? ["classhub:class"] : ["classhub:cluster", "classhub:class"],
  });
  process.stdout.write(JSON.stringify(hubSettings(cls!, request.facts), null, 2));
} catch (e) {
  process.stderr.write(e instanceof ConfigError ? e.message : String(e));
  process.exit(1);
}
