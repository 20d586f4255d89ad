// Shared fixtures for the cluster tests.
import assert from "node:assert/strict";
import { gkeSchema, parseConfig, type GkeConfig } from "../../components/config";

const base = { project: "ucb-classhub", region: "us-central1" };

/** A GKE config as the stack file would give it, with the schema's defaults applied. */
export function gke(settings: Record<string, unknown> = {}): GkeConfig {
  const { cluster } = parseConfig({
    stack: "platform",
    cluster: { source: "gke", gke: { ...base, ...settings } },
    hasOauthClientSecret: false,
    keys: ["classhub:cluster"],
  });
  assert.equal(cluster.source, "gke");
  return cluster.gke;
}

/** Schema-valid settings that skip parseConfig's cross-key checks, to test those checks on their own. */
export function unchecked(settings: Record<string, unknown>): GkeConfig {
  return gkeSchema.parse({ ...base, ...settings });
}
