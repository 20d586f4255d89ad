// How the tools that read a deployed stack say that Pulumi cannot open it.
import assert from "node:assert/strict";
import { it } from "node:test";
import { backendProblem } from "../../tools/classes/deployed";

it("a stack Pulumi cannot open is refused with the CLI's complaint and where the tools look", () => {
  const noLogin =
    "code: 255\n stdout: \n stderr: Command failed with exit code 3: pulumi stack select --stack dev\n" +
    "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n";
  const message = backendProblem("dev", noLogin);
  assert.match(message, /^stack dev: Pulumi cannot open it \(PULUMI_ACCESS_TOKEN must be set for login/);
  assert.match(message, /PULUMI_BACKEND_URL=file:\/\/\$PWD\/\.pulumi-state PULUMI_CONFIG_PASSPHRASE=classhub-dev/);
  const noCli = "code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT\n";
  assert.match(backendProblem("dev", noCli), /\(Command failed with ENOENT: pulumi version\)/);
});
