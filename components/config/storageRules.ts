// Rules for classhub:class.storage that span keys or depend on the cluster: the course folder and the staff view
// need a shared filesystem, Filestore needs a cluster that has one, and no two mounts share a path.
import type { ClassConfig, ClusterConfig } from "./schema";

type Report = (key: string, value: unknown, message: string) => void;

export function storageProblems(cls: ClassConfig, cluster: ClusterConfig, report: Report) {
  const storage = cls.storage;
  for (const key of ["courseFolder", "staffHomes"] as const) {
    if (storage[key] !== undefined && storage.shared === undefined) {
      report(
        `storage.${key}`,
        storage[key],
        "needs storage.shared: it is a folder of the shared filesystem, and per-student disks have none",
      );
    }
  }
  const shared = storage.shared;
  if (shared !== undefined && "filestore" in shared) {
    const why =
      cluster.source === "ambient"
        ? "the ambient cluster has no classhub Filestore instance; use shared.nfs or shared.claim"
        : cluster.source === "gke" && cluster.gke.filestore === undefined
          ? "this stack's cluster has no Filestore instance; set classhub:cluster.gke.filestore"
          : undefined;
    if (why !== undefined) report("storage.shared.filestore", shared.filestore, why);
  }
  const paths: [string, string | undefined][] = [
    ["mountPath", storage.mountPath],
    [
      "courseFolder.mountPath",
      storage.courseFolder?.mountPath ?? (storage.courseFolder && `${storage.mountPath}/course`),
    ],
    ["staffHomes.mountPath", storage.staffHomes?.mountPath ?? (storage.staffHomes && `${storage.mountPath}/homes`)],
  ];
  const seen = new Map<string, string>();
  for (const [key, path] of paths) {
    if (path === undefined) continue;
    const normal = path.replace(/\/+$/, "");
    if (seen.has(normal))
      report(`storage.${key}`, path, `is also storage.${seen.get(normal)}; give each mount its own path`);
    seen.set(normal, key);
  }
}
