// The hub's and the proxy's requests and limits as a class sets them: classhub's defaults, each value overridable
// in classhub:class.hub.resources and .proxy.resources. The Deployments, the quota and the LimitRange all size
// from these, so a class that changes one value sees it everywhere.
import type { ClassConfig } from "../config/schema";
import { hubResources } from "../hub/manifests";
import { classSize } from "../hub/settings";
import { proxyResources } from "../proxy/manifests";
import { bytes, type ContainerResources, formatCpu, parseCpu } from "../quantity";

type Overrides = ClassConfig["hub"]["resources"];

/** A container's defaults with the values a class sets in their place. */
export function withOverrides(base: ContainerResources, o: Overrides): ContainerResources {
  return {
    requests: {
      cpu: o.cpuGuarantee === undefined ? base.requests.cpu : formatCpu(o.cpuGuarantee),
      memory: o.memoryGuarantee ?? base.requests.memory,
    },
    limits: {
      cpu: o.cpuLimit === undefined ? base.limits.cpu : formatCpu(o.cpuLimit),
      memory: o.memoryLimit ?? base.limits.memory,
    },
  };
}

export const hubContainer = (cls: ClassConfig): ContainerResources =>
  withOverrides(hubResources(classSize(cls)), cls.hub.resources);

export const proxyContainer = (cls: ClassConfig): ContainerResources =>
  withOverrides(proxyResources(classSize(cls)), cls.proxy.resources);

/** A guarantee above its limit, for the hub or the proxy, after the defaults fill in what the class leaves out. */
export function platformSizeProblems(cls: ClassConfig, report: (key: string, value: unknown, message: string) => void) {
  for (const [pod, resources] of [
    ["hub", hubContainer(cls)],
    ["proxy", proxyContainer(cls)],
  ] as const) {
    const set = cls[pod].resources;
    if (parseCpu(resources.requests.cpu) > parseCpu(resources.limits.cpu)) {
      report(
        `${pod}.resources.cpuGuarantee`,
        set.cpuGuarantee ?? resources.requests.cpu,
        `exceeds the ${pod}'s CPU limit ${resources.limits.cpu}; a guarantee must be at most its limit`,
      );
    }
    if (bytes(resources.requests.memory) > bytes(resources.limits.memory)) {
      report(
        `${pod}.resources.memoryGuarantee`,
        set.memoryGuarantee ?? resources.requests.memory,
        `exceeds the ${pod}'s memory limit ${resources.limits.memory}; a guarantee must be at most its limit`,
      );
    }
  }
}
