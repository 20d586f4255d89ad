// Digests that go into pod templates, so that a change of what a pod reads only at start rolls it.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/**
 * A digest of secret values, as plain text: an HMAC keyed with a generated 256-bit secret. Anyone who reads the
 * pod template sees it; without the key, it lets them test no guess of a value that people chose, such as an
 * OAuth client secret.
 */
export function secretDigest(values: pulumi.Input<string>[], key: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.unsecret(
    pulumi
      .all([key, pulumi.all(values)])
      .apply(([k, v]) => crypto.createHmac("sha256", k).update(JSON.stringify(v)).digest("hex")),
  );
}
