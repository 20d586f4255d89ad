// Every policy of the pack, by concern. index.ts serves them; the tests import this list, since importing
// index.ts starts the pack's gRPC server.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { disallowOpenAuthentication } from "./auth/disallowOpenAuthentication";
import { disallowPublicIdentityProviderAdmission } from "./auth/disallowPublicIdentityProviderAdmission";
import { requireHubAdmins } from "./auth/requireHubAdmins";
import { requireLoginRestriction } from "./auth/requireLoginRestriction";
import { disallowUnapprovedGpus } from "./cost/disallowUnapprovedGpus";
import { enforceNodePoolCeilings } from "./cost/enforceNodePoolCeilings";
import { enforceStudentResourceCeilings } from "./cost/enforceStudentResourceCeilings";
import { requireIdleCulling } from "./cost/requireIdleCulling";
import { requireResourceLimits } from "./cost/requireResourceLimits";
import { enforceRetainPersistentVolumes } from "./data/enforceRetainPersistentVolumes";
import { enforceRetainStorageClasses } from "./data/enforceRetainStorageClasses";
import { requireRetainedVolumeClaims } from "./data/requireRetainedVolumeClaims";
import { disallowDefaultComputeServiceAccount } from "./gke/disallowDefaultComputeServiceAccount";
import { disallowDefaultNodePool } from "./gke/disallowDefaultNodePool";
import { disallowLegacyClusterAuth } from "./gke/disallowLegacyClusterAuth";
import { requireClosedControlPlane } from "./gke/requireClosedControlPlane";
import { requireDeletionProtection } from "./gke/requireDeletionProtection";
import { requireGpuTaint } from "./gke/requireGpuTaint";
import { requireMaintenancePolicy } from "./gke/requireMaintenancePolicy";
import { requireNetworkPolicyEnforcement } from "./gke/requireNetworkPolicyEnforcement";
import { requirePrivateNodes } from "./gke/requirePrivateNodes";
import { requireReleaseChannel } from "./gke/requireReleaseChannel";
import { requireShieldedNodes } from "./gke/requireShieldedNodes";
import { requireWorkloadIdentity } from "./gke/requireWorkloadIdentity";
import { disallowExternalServices } from "./security/disallowExternalServices";
import { disallowHostAccess } from "./security/disallowHostAccess";
import { disallowMetadataServerEgress } from "./security/disallowMetadataServerEgress";
import { disallowPrivilegedContainers } from "./security/disallowPrivilegedContainers";
import { disallowRaisedPriority } from "./security/disallowRaisedPriority";
import { disallowSecretsInConfigMaps } from "./security/disallowSecretsInConfigMaps";
import { enforceNamespacedRbac } from "./security/enforceNamespacedRbac";
import { enforcePodSecurityLabels } from "./security/enforcePodSecurityLabels";
import { requireDroppedCapabilities } from "./security/requireDroppedCapabilities";
import { requirePinnedImages } from "./security/requirePinnedImages";
import { requireRunAsNonRoot } from "./security/requireRunAsNonRoot";
import { requireSeccompRuntimeDefault } from "./security/requireSeccompRuntimeDefault";

export const security = [
  disallowPrivilegedContainers,
  requireRunAsNonRoot,
  requireDroppedCapabilities,
  requireSeccompRuntimeDefault,
  disallowHostAccess,
  requirePinnedImages,
  enforcePodSecurityLabels,
  disallowExternalServices,
  disallowMetadataServerEgress,
  enforceNamespacedRbac,
  disallowSecretsInConfigMaps,
  disallowRaisedPriority,
];
export const authentication = [
  disallowOpenAuthentication,
  requireHubAdmins,
  requireLoginRestriction,
  disallowPublicIdentityProviderAdmission,
];
export const dataSafety = [enforceRetainStorageClasses, enforceRetainPersistentVolumes, requireRetainedVolumeClaims];
export const gke = [
  requirePrivateNodes,
  requireWorkloadIdentity,
  requireShieldedNodes,
  requireNetworkPolicyEnforcement,
  requireReleaseChannel,
  requireDeletionProtection,
  disallowDefaultNodePool,
  disallowLegacyClusterAuth,
  disallowDefaultComputeServiceAccount,
  requireClosedControlPlane,
  requireGpuTaint,
  requireMaintenancePolicy,
];
export const cost = [
  requireResourceLimits,
  enforceStudentResourceCeilings,
  enforceNodePoolCeilings,
  disallowUnapprovedGpus,
  requireIdleCulling,
];

/** The pack's level, for a policy that sets none. Every policy sets its own: mandatory, or advisory for cost. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

export const policies: Policies = [...security, ...authentication, ...dataSafety, ...gke, ...cost];
