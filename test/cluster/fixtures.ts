// Shared fixtures for the cluster tests.
import assert from "node:assert/strict";
import { parseConfig, type GkeConfig } from "../../components/config";

/** A GKE config as the stack file would give it, with the schema's defaults applied. */
export function gke(settings: Record<string, unknown> = {}): GkeConfig {
  const { cluster } = parseConfig({
    stack: "platform",
    cluster: {
      source: "gke",
      gke: { project: "ucb-classhub", region: "us-central1", ...settings },
    },
    hasOauthClientSecret: false,
    keys: ["classhub:cluster"],
  });
  assert.equal(cluster.source, "gke");
  return cluster.gke;
}
