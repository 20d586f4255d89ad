// Digests that go into pod templates, so that a change of what a pod reads only at start rolls it.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/**
 * A digest of secret values, as plain text. Only for generated 256-bit secrets and tokens, whose digest
 * reveals nothing; a digest of a guessable secret would let anyone who reads the pod template test guesses.
 */
export function secretDigest(values: pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.unsecret(pulumi.all(values).apply((v) => sha256(JSON.stringify(v))));
}
