import type { ResourceValidationPolicy } from "@pulumi/policy";
import { known } from "../lib/unknown";
import { eachContainer, podSpecValidations } from "../lib/pods";

/** A pod that shares the node's network, processes, IPC or files, or binds its ports, is no longer isolated from it. */
export const disallowHostAccess: ResourceValidationPolicy = {
  name: "classhub-disallow-host-access",
  description: "No pod uses hostNetwork, hostPID, hostIPC, hostPath volumes or host ports.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: podSpecValidations((pod, _args, reportViolation) => {
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (known(() => pod.spec[field]) === true) {
        reportViolation(`Expected ${field} false but found true in ${pod.resource}; set ${pod.path}.${field} to false`);
      }
    }
    const volumes: any[] = known(() => pod.spec.volumes) ?? [];
    volumes.forEach((volume, i) => {
      const hostPath = known(() => volume.hostPath?.path);
      if (known(() => volume.hostPath) !== undefined) {
        reportViolation(
          `Expected no hostPath volume but found volume ${known(() => volume.name) ?? i} (${hostPath ?? "a host path"}) in ` +
            `${pod.resource}; replace ${pod.path}.volumes[${i}] with a persistentVolumeClaim, configMap, secret or emptyDir`,
        );
      }
    });
    eachContainer(pod, (c) => {
      const ports: any[] = c.container.ports ?? [];
      ports.forEach((port, i) => {
        const hostPort = known(() => port.hostPort);
        if (hostPort !== undefined && hostPort !== 0) {
          reportViolation(
            `Expected no hostPort but found ${hostPort} in ${c.label} of ${pod.resource}; ` +
              `remove ${c.path}.ports[${i}].hostPort and expose the port through a Service`,
          );
        }
      });
    });
  }),
};
