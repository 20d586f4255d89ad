// classhub:class.egress: where students' servers may connect beyond the hub, the proxy, DNS and the public
// internet: services in other namespaces of the cluster, and address blocks (a campus database, a license server).
import { z } from "zod";
import { count, slug } from "./values";

/** The link-local range: the cloud metadata server (169.254.169.254) and GKE's metadata addresses. */
export const METADATA_RANGE = "169.254.0.0/16";

/** An IPv4 address as a number; undefined if it is not one. */
function ipv4(text: string): number | undefined {
  const octets = text.split(".");
  if (octets.length !== 4 || octets.some((o) => !/^(0|[1-9]\d{0,2})$/.test(o) || Number(o) > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + Number(o), 0);
}

/** An IPv4 CIDR block as its first address and size; undefined if it is not one. */
export function parseCidr(text: string): { first: number; size: number; prefix: number } | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  const first = match === null ? undefined : ipv4(match[1]);
  const prefix = match === null ? NaN : Number(match[2]);
  if (first === undefined || !(prefix <= 32)) return undefined;
  return { first, size: 2 ** (32 - prefix), prefix };
}

const dotted = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

/** Why a block cannot be allowed, or undefined. A block that contains the metadata range gets it as an except. */
export function cidrProblem(text: string): string | undefined {
  const block = parseCidr(text);
  if (block === undefined) return "expected an IPv4 CIDR block such as 10.20.0.0/16 or 192.0.2.10/32";
  if (block.first % block.size !== 0) {
    return `has bits set past its /${block.prefix} prefix; write ${dotted(block.first - (block.first % block.size))}/${block.prefix}`;
  }
  const metadata = parseCidr(METADATA_RANGE)!;
  if (block.size <= metadata.size && block.first >= metadata.first && block.first < metadata.first + metadata.size) {
    return `lies in ${METADATA_RANGE}, where the cloud metadata server hands out node credentials; it stays blocked`;
  }
  return undefined;
}

const cidr = z.string().superRefine((value, ctx) => {
  const message = cidrProblem(value);
  if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
});

const ports = z
  .array(count(1, 65535))
  .min(1, { error: "expected at least one port" })
  .describe("TCP ports the servers may connect to.");

/** A Kubernetes label key (an optional DNS prefix and a name) and value. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
  error: "expected a label value: at most 63 letters, digits, '-', '_' or '.'",
});

export const egressSchema = z
  .strictObject({
    services: z
      .array(
        z.strictObject({
          namespace: slug("a namespace")
            .max(63)
            .describe(
              "Namespace of the service, e.g. `datasets`. Not the class's own: students never reach each other.",
            ),
          podSelector: z
            .record(z.string(), labelValue)
            .superRefine((selector, ctx) => {
              for (const key of Object.keys(selector).filter((k) => !LABEL_KEY.test(k))) {
                const message = "expected a label key such as app or app.kubernetes.io/name";
                ctx.addIssue({ code: "custom", message, path: [key], input: key });
              }
            })
            .default({})
            .describe("Labels of the pods behind the service (its selector). Defaults to every pod of the namespace."),
          ports,
        }),
      )
      .default([])
      .describe("Services in other namespaces of the cluster that students' servers may reach."),
    cidrs: z
      .array(
        z.strictObject({
          cidr: cidr.describe(
            "An IPv4 block, e.g. `10.20.0.0/16` or `192.0.2.10/32`. Inside `169.254.0.0/16` is refused; a block " +
              "that contains it gets it as an `except`.",
          ),
          ports,
        }),
      )
      .default([])
      .describe("Address blocks students' servers may reach, private ones included, on the given ports."),
  })
  .prefault({})
  .describe(
    "Extra destinations for students' servers, added to their egress NetworkPolicy. By default a server reaches its " +
      "hub, its proxy, DNS and public addresses; private ranges, other namespaces and the cloud metadata server " +
      "are blocked. The metadata server stays blocked whatever is allowed here.",
  );
