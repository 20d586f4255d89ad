// Rules for classhub:cluster.gke that span several keys or need GKE knowledge, beyond what the zod schema checks.
// They run before any GCP resource is registered: a bad range would otherwise fail minutes into `pulumi up`.
import type { GkeConfig } from "../config";

const KEY = "classhub:cluster.gke";

interface Range {
  key: string;
  cidr: string;
  start: number;
  size: number;
}

function range(key: string, cidr: string): Range {
  const [ip, bits] = cidr.split("/");
  const start = ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return { key, cidr, start, size: 2 ** (32 - Number(bits)) };
}

function address(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

const problem = (key: string, value: unknown, message: string) =>
  `${KEY}.${key} = ${JSON.stringify(value)}: ${message}`;

/** Everything wrong with a validated GKE config, one message per problem naming the stack-file key. */
export function gkeProblems(config: GkeConfig): string[] {
  const out: string[] = [];

  const pools = {
    corePool: config.corePool,
    userPool: config.userPool,
    gpuPool: config.gpuPool,
  };
  for (const [key, pool] of Object.entries(pools)) {
    if (pool !== undefined && pool.minNodes > pool.maxNodes) {
      out.push(
        problem(`${key}.minNodes`, pool.minNodes, `exceeds maxNodes ${pool.maxNodes}; set minNodes at most maxNodes`),
      );
    }
  }

  config.nodeLocations?.forEach((zone, i) => {
    if (!zone.startsWith(`${config.region}-`)) {
      out.push(
        problem(
          `nodeLocations[${i}]`,
          zone,
          `is not a zone of region ${config.region}; expected e.g. ${config.region}-b`,
        ),
      );
    }
  });

  const ranges = (["nodesCidr", "podsCidr", "servicesCidr", "controlPlaneCidr"] as const).map((key) =>
    range(`network.${key}`, config.network[key]),
  );
  for (const r of ranges) {
    if (r.start % r.size !== 0) {
      const canonical = `${address(r.start - (r.start % r.size))}/${r.cidr.split("/")[1]}`;
      out.push(problem(r.key, r.cidr, `has host bits set; GCP needs the network address, e.g. ${canonical}`));
    }
  }
  const controlPlane = ranges[3];
  if (controlPlane.size !== 16) {
    out.push(problem(controlPlane.key, controlPlane.cidr, "GKE needs a /28 for the control plane, e.g. 172.16.0.0/28"));
  }
  ranges.forEach((a, i) =>
    ranges.slice(i + 1).forEach((b) => {
      if (a.start < b.start + b.size && b.start < a.start + a.size) {
        out.push(
          problem(
            b.key,
            b.cidr,
            `overlaps ${a.key} ${a.cidr}; the node, pod, service and control-plane ranges must not overlap`,
          ),
        );
      }
    }),
  );
  return out;
}
