// classhub:class.hub.resources, .hub.databaseSize and .proxy.resources: the platform pods' sizes, per class.
import { z } from "zod";
import { cores, memory } from "./values";

/** Overrides of a platform pod's requests and limits; what is not set keeps classhub's default for it. */
export const podResources = (pod: string, defaults: string) =>
  z
    .strictObject({
      cpuGuarantee: cores.optional().describe(`CPU cores the ${pod} is guaranteed: its CPU request.`),
      cpuLimit: cores.optional().describe(`CPU cores the ${pod} may burst to: its CPU limit.`),
      memoryGuarantee: memory.optional().describe(`Memory the ${pod} is guaranteed: its memory request.`),
      memoryLimit: memory.optional().describe(`Memory at which the ${pod} is killed: its memory limit.`),
    })
    .prefault({})
    .describe(
      `The ${pod}'s requests and limits; each guarantee at most its limit. ${defaults} They count toward the ` +
        "namespace quota, as the class's servers do.",
    );

export const hubResources = podResources(
  "hub",
  "Defaults grow with the class size: 0.2 to 1 core (3m a student) and 512Mi and more (160Mi plus 0.5Mi a " +
    "student) guaranteed, a limit of 2 cores and 2Gi or twice the memory.",
);
export const proxyResources = podResources(
  "proxy",
  "Defaults grow with the class size: 0.1 to 1 core and 144Mi and more guaranteed (128Mi plus 256Ki a " +
    "student), a limit of 1 core and twice the memory.",
);
export const databaseSize = memory
  .default("1Gi")
  .describe(
    "Size of the hub database's volume (`hub-db`, sqlite). Defaults to `1Gi`. It may grow later if its storage class allows " +
      "expansion; a volume never shrinks.",
  );
