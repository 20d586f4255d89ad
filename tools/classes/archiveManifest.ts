// What the Jobs report and what follows from it: the manifest as the archive Job printed it, what the verify Job
// read back that does not match it, and the steps that may follow once nothing differs.
import { MANIFEST_COLUMNS } from "./archiveScripts";

/** One home's manifest line. */
export interface ManifestRow {
  student: string;
  source: string;
  files: number;
  bytes: number;
  archiveBytes: number;
  sha256: string;
}

/** The lines of a Job's log that start with `tag`, split at tabs. */
const tagged = (log: string, tag: string) =>
  log
    .split("\n")
    .filter((l) => l.startsWith(`${tag}\t`))
    .map((l) => l.split("\t").slice(1));

/** The manifest as the archive Job reported it, line by line. */
export function archivedRows(log: string): ManifestRow[] {
  return tagged(log, "archived").map((cells) => {
    const row = Object.fromEntries(MANIFEST_COLUMNS.map((c, i) => [c, cells[i]]));
    return {
      ...row,
      files: Number(row.files),
      bytes: Number(row.bytes),
      archiveBytes: Number(row.archiveBytes),
    } as ManifestRow;
  });
}

/**
 * What does not match between the manifest the archive Job reported and what the verify Job read back from the
 * destination: a home missing, an archive whose sha256 differs or that holds another number of files.
 */
export function verifyProblems(manifest: ManifestRow[], verifyLog: string): string[] {
  const read = new Map(
    tagged(verifyLog, "verified").map(([home, sha256, files]) => [home, { sha256, files: Number(files) }]),
  );
  return manifest.flatMap((row) => {
    const got = read.get(row.student);
    if (got === undefined) return [`${row.student}: not read back from the destination`];
    if (got.sha256 !== row.sha256) return [`${row.student}: sha256 ${got.sha256}, the manifest says ${row.sha256}`];
    if (got.files !== row.files)
      return [`${row.student}: the archive holds ${got.files} files, the home had ${row.files}`];
    return [];
  });
}

/** The README's steps that delete a class, which apply once every archive is verified. */
export function deletionSteps(stack: string, ns: string): string {
  return [
    "Every archive is verified. Deleting the class now follows docs/course-staff.md (ending a term):",
    `  pulumi destroy --stack ${stack}`,
    `  kubectl delete namespace ${ns}         # deletes the homes' claims and the hub database claim`,
    `  kubectl get pv | grep ${ns}            # Retain keeps the disks: delete these PVs (and the disks) when sure`,
    `  pulumi stack rm ${stack}`,
  ].join("\n");
}
