// `npm run status -- <stack> --measure`: the Job that measures homes with du, as the archive's Jobs read them (every
// home read-only at /homes/<home>, Pod Security "restricted", the students' uid and gid), with no network and no
// API token. Pure: the tool creates it with runJob and reads its log with statusModel's duFigures.
import { SHARED_GID } from "../../components/hub/sharedStorage";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../../components/security";
import { homeMounts, type Homes, RESOURCES, runId, STUDENT_UID } from "./archiveJobs";

/** The tag of the Job's lines: `used <home> <KiB> <complete>`; runJob reports each on stderr as it comes. */
export const DU_TAG = "used";

/**
 * Prints, for every folder of HOMES (a home), the KiB du counts in it but in ext4's lost+found, which is root's
 * and unreadable to the students' uid; `complete` is `no` when du could not read something, so the figure is a
 * lower bound. du counts blocks, which is what fills a claim, not the files' lengths.
 */
export const DU_SCRIPT = `set -u
cd "$HOMES"
for dir in */; do
  [ -d "$dir" ] || continue
  home="\${dir%/}"
  [ "$home" != lost+found ] || continue
  set --
  for e in "$home"/.[!.]* "$home"/..?* "$home"/*; do
    if [ -e "$e" ] || [ -L "$e" ]; then [ "$e" = "$home/lost+found" ] || set -- "$@" "$e"; fi
  done
  out=""
  complete=yes
  if [ $# -gt 0 ]; then out=$(du -sk "$@" 2>/dev/null) || complete=no; fi
  kib=$(printf '%s\\n' "$out" | awk '{ s += $1 } END { print s + 0 }')
  printf '${DU_TAG}\\t%s\\t%s\\t%s\\n' "$home" "$kib" "$complete"
done
`;

/** Labels of the measuring Job and its pod: not the archive's, so its NetworkPolicy and cleanup never match. */
export function measureLabels(ns: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "classhub-status",
    "app.kubernetes.io/instance": ns,
    "app.kubernetes.io/component": "measure",
    "app.kubernetes.io/part-of": "classhub",
  };
}

/**
 * The Job started at `at` that runs du over `homes`, for at most `limitSeconds`: Kubernetes ends it then
 * (activeDeadlineSeconds), so a Job stuck on a volume that will not attach fails with a reason instead of running on.
 */
export function measureJob(ns: string, at: Date, homes: Homes, image: string, limitSeconds: number) {
  const mounts = homeMounts(homes);
  const labels = measureLabels(ns);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `status-du-${runId(at)}`, namespace: ns, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: limitSeconds,
      // the tool deletes it once read; this is for a tool that was interrupted
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: { ...restrictedPodSecurity(STUDENT_UID, SHARED_GID), fsGroupChangePolicy: "OnRootMismatch" },
          containers: [
            {
              name: "du",
              image,
              command: ["sh", "-c", DU_SCRIPT],
              env: [{ name: "HOMES", value: "/homes" }],
              volumeMounts: mounts.mounts,
              resources: RESOURCES.volume,
              securityContext: restrictedContainerSecurity(),
            },
          ],
          volumes: mounts.volumes,
        },
      },
    },
  };
}
