// The hub settings classhub writes as JSON into the hub ConfigMap (components/hub/settings.ts). Authentication,
// the single-user servers' image, resources and profiles, storage and idle culling are decided there, so the
// policies that guard them read this file.
import * as k8s from "@pulumi/kubernetes";
import {
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
  validateResourceOfType,
} from "@pulumi/policy";
import { describe } from "./describe";
import { known, skipUnknown } from "./unknown";

/** The ConfigMap key that holds the settings. */
export const SETTINGS_KEY = "hub-settings.json";

export interface ProfileOverrides {
  image: string | null;
  cpuGuarantee: number | null;
  cpuLimit: number | null;
  memGuarantee: number | null;
  memLimit: number | null;
  gpus: number;
}

/** A menu within a profile; each choice's null overrides keep the profile's value. */
export interface ProfileOption {
  name: string;
  choices: { slug: string; overrides: Pick<ProfileOverrides, "cpuLimit" | "memLimit"> }[];
}

/** The fields of the settings (version 1) that policies read. */
export interface HubSettings {
  class: { name: string; term: string; namespace: string };
  auth: {
    type: string;
    admins: string[];
    allowedUsers: string[];
    github: { allowedOrganizations: string[] } | null;
    google: { hostedDomain: string[]; allowedDomains?: string[] } | null;
    genericOAuth: { allowedGroups: string[]; allowAll?: boolean; allowedDomains?: string[] } | null;
    cilogon?: { idps: { entityId: string; allowAll: boolean; allowedDomains: string[] }[] } | null;
  };
  spawner: {
    image: string;
    cpuGuarantee: number | null;
    cpuLimit: number | null;
    memGuarantee: number | null;
    memLimit: number | null;
    uid: number;
    profiles: { slug: string; overrides: ProfileOverrides; options?: ProfileOption[] }[];
  };
  storage: { storageClass: string | null; shared?: unknown };
  culler: { enabled: boolean; timeoutSeconds: number };
}

/** The hub settings of a ConfigMap and how messages name them. */
export interface SettingsAt {
  settings: HubSettings;
  /** e.g. "hub-settings.json of ConfigMap data8-fa26/hub-config-5890c89ccc". */
  where: string;
}

/** Parses the settings in a ConfigMap's data; undefined if it holds none, or they are unknown during preview. */
export function settingsOf(data: unknown, resource: string): SettingsAt | undefined {
  const text = known(() => (data as Record<string, unknown> | undefined)?.[SETTINGS_KEY]);
  if (typeof text !== "string") return undefined;
  try {
    return { settings: JSON.parse(text) as HubSettings, where: `${SETTINGS_KEY} of ${resource}` };
  } catch {
    // Not JSON: the hub itself refuses to start with it (classhub_settings.py), and there is nothing to check.
    return undefined;
  }
}

/** A validation that runs `check` on the hub settings of every ConfigMap that has them. */
export function hubSettingsValidation(
  check: (at: SettingsAt, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
  return validateResourceOfType(k8s.core.v1.ConfigMap, (configMap, args, reportViolation) => {
    const at = settingsOf(
      known(() => configMap.data),
      describe(args),
    );
    if (at !== undefined) skipUnknown(check)(at, args, reportViolation);
  });
}

/** The stack-file key of a profile's setting, e.g. classhub:class.profiles[1].image. */
export function profileKey(index: number, key: string): string {
  return `classhub:class.profiles[${index}].${key}`;
}
