// How violation messages name things: "Deployment data8-fa26/hub", "unset", "\"latest\"".
import type { ResourceValidationArgs } from "@pulumi/policy";
import { known } from "./unknown";

/** "<Kind> <namespace>/<name>" for a Kubernetes object, "<Type> <name>" for anything else. */
export function describe(args: Pick<ResourceValidationArgs, "type" | "name" | "props">): string {
  const kind = known(() => args.props.kind as string | undefined) ?? args.type.split(":").pop()!;
  if (!args.type.startsWith("kubernetes:")) return `${kind} ${args.name}`;
  const ns = known(() => args.props.metadata?.namespace as string | undefined);
  const name = known(() => args.props.metadata?.name as string | undefined) ?? args.name;
  return `${kind} ${ns === undefined ? "" : `${ns}/`}${name}`;
}

/** A value as a message shows it: strings quoted, undefined as "unset". */
export function show(value: unknown): string {
  if (value === undefined || value === null) return "unset";
  return JSON.stringify(value);
}
