// Pod-spec checks run on every kind that carries a pod template: bare Pods, Deployments and the other
// workload kinds. Each is matched through validateResourceOfType with the real resource class, so a check
// sees only the kinds it names.
import * as k8s from "@pulumi/kubernetes";
import {
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
  validateResourceOfType,
} from "@pulumi/policy";
import { describe } from "./describe";
import { known, skipUnknown } from "./unknown";

/** One pod spec inside a resource, with the manifest path that leads to it. */
export interface PodSpecAt {
  /** The pod spec (an SDK proxy: reading a value unknown during preview throws UnknownValueError). */
  spec: any;
  /** Manifest path of the spec, e.g. spec.template.spec. */
  path: string;
  /** The resource as messages name it, e.g. Deployment data8-fa26/hub. */
  resource: string;
}

/** One container of a pod spec. */
export interface ContainerAt {
  container: any;
  /** Manifest path of the container, e.g. spec.template.spec.containers[0]. */
  path: string;
  /** "container hub" or "init container setup". */
  label: string;
}

export type PodSpecCheck = (pod: PodSpecAt, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

function at(spec: () => any, path: string, args: ResourceValidationArgs): PodSpecAt | undefined {
  const value = known(spec);
  return value === undefined || value === null ? undefined : { spec: value, path, resource: describe(args) };
}

/** Validations that run `check` on the pod spec of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob. */
export function podSpecValidations(check: PodSpecCheck): ResourceValidation[] {
  const run = (pod: PodSpecAt | undefined, args: ResourceValidationArgs, report: ReportViolation) => {
    if (pod !== undefined) skipUnknown(check)(pod, args, report);
  };
  const template = "spec.template.spec";
  return [
    validateResourceOfType(k8s.core.v1.Pod, (p, args, report) =>
      run(
        at(() => p.spec, "spec", args),
        args,
        report,
      ),
    ),
    validateResourceOfType(k8s.apps.v1.Deployment, (d, args, report) =>
      run(
        at(() => d.spec?.template?.spec, template, args),
        args,
        report,
      ),
    ),
    validateResourceOfType(k8s.apps.v1.StatefulSet, (s, args, report) =>
      run(
        at(() => s.spec?.template?.spec, template, args),
        args,
        report,
      ),
    ),
    validateResourceOfType(k8s.apps.v1.DaemonSet, (s, args, report) =>
      run(
        at(() => s.spec?.template?.spec, template, args),
        args,
        report,
      ),
    ),
    validateResourceOfType(k8s.apps.v1.ReplicaSet, (s, args, report) =>
      run(
        at(() => s.spec?.template?.spec, template, args),
        args,
        report,
      ),
    ),
    validateResourceOfType(k8s.batch.v1.Job, (j, args, report) =>
      run(
        at(() => j.spec?.template?.spec, template, args),
        args,
        report,
      ),
    ),
    validateResourceOfType(k8s.batch.v1.CronJob, (c, args, report) =>
      run(
        at(() => c.spec?.jobTemplate?.spec?.template?.spec, "spec.jobTemplate.spec.template.spec", args),
        args,
        report,
      ),
    ),
  ];
}

/** Every container of a pod spec: init, regular and ephemeral. A container whose fields are unknown is still listed. */
export function containers(pod: PodSpecAt): ContainerAt[] {
  const lists = [
    ["initContainers", "init container"],
    ["containers", "container"],
    ["ephemeralContainers", "ephemeral container"],
  ] as const;
  return lists.flatMap(([field, kind]) => {
    const list = known(() => pod.spec[field] as any[] | undefined) ?? [];
    return list.map((container, i) => ({
      container,
      path: `${pod.path}.${field}[${i}]`,
      label: `${kind} ${known(() => container.name as string) ?? i}`,
    }));
  });
}

/** Runs `check` on each container; a value unknown during preview skips that container only. */
export function eachContainer(pod: PodSpecAt, check: (c: ContainerAt) => void): void {
  for (const c of containers(pod)) skipUnknown(check)(c);
}

/** A container's securityContext field, else the pod's (the pod-level value is the default for its containers). */
export function effective(pod: PodSpecAt, c: ContainerAt, read: (context: any) => unknown): unknown {
  const own = known(() => read(c.container.securityContext ?? {}));
  return own !== undefined ? own : known(() => read(pod.spec.securityContext ?? {}));
}
