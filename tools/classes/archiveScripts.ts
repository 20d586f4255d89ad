// The shell the archive, verify and restore Jobs run: POSIX sh with tar, gzip, sha256sum, find, stat and awk, as
// busybox and Debian both have them. The Job's env names its mounts: the destination at ARCHIVE, homes at HOMES (to
// read) or RESTORE (to write). For a bucket ARCHIVE is scratch space, and UPLOAD (gs://bucket/path) is where each
// file goes once written, and where it is read back from.
// Every archive lives at <namespace>/<run>/<home>.tar.gz beside the run's manifest.tsv and SHA256SUMS.

/** The manifest's columns, one home a line, tab-separated, with this header line. */
export const MANIFEST_COLUMNS = ["student", "source", "files", "bytes", "archiveBytes", "sha256"] as const;

/** Copies to and from the bucket; with a mounted destination both are no-ops. `runs` lists a folder's runs. */
const STORAGE = `
put() { [ -z "\${UPLOAD:-}" ] || { gcloud storage cp --quiet "$ARCHIVE/$1" "$UPLOAD/$1" && rm "$ARCHIVE/$1"; }; }
fetch() {
  [ -z "\${UPLOAD:-}" ] || { mkdir -p "$ARCHIVE/\${1%/*}" && gcloud storage cp --quiet "$UPLOAD/$1" "$ARCHIVE/$1"; }
}
runs() {
  if [ -z "\${UPLOAD:-}" ]; then ls -1 "$ARCHIVE/$1"; else gcloud storage ls "$UPLOAD/$1/" | sed 's,/$,,; s,.*/,,'; fi
}
regular() { h=$1; shift; find "$h" -path "$h/lost+found" -prune -o -type f "$@"; }
`;

/**
 * Archives every folder under HOMES (one per home: a claim mounted there, or the shared volume's home folder)
 * into <run>/<home>.tar.gz, and prints each manifest line prefixed `archived`. $0 is <namespace>/<run>; SOURCE is
 * what a home's name follows to name where it came from (`claim-`, or the shared folder with a slash). A file the
 * Job cannot read fails it: an archive that left something out must not pass. ext4's lost+found is root's.
 */
export const ARCHIVE_SCRIPT = `set -eu
${STORAGE}
run="$0"
mkdir -p "$ARCHIVE/$run"
cd "$HOMES"
printf '${MANIFEST_COLUMNS.join("\\t")}\\n' > "$ARCHIVE/$run/manifest.tsv"
: > "$ARCHIVE/$run/SHA256SUMS"
for dir in */; do
  [ -d "$dir" ] || continue
  home="\${dir%/}"
  [ "$home" != lost+found ] || continue
  count=$(regular "$home" -print | wc -l)
  bytes=$(regular "$home" -exec stat -c %s {} + | awk '{ s += $1 } END { print s + 0 }')
  # the home's entries but lost+found (busybox's tar may have no --exclude); "." for an empty home
  (
    cd "$home"
    set --
    for e in .[!.]* ..?* *; do
      if [ -e "$e" ] || [ -L "$e" ]; then [ "$e" = lost+found ] || set -- "$@" "./$e"; fi
    done
    [ $# -gt 0 ] || set -- .
    tar -czf "$ARCHIVE/$run/$home.tar.gz" "$@"
  )
  sum=$(sha256sum "$ARCHIVE/$run/$home.tar.gz" | cut -d " " -f 1)
  size=$(stat -c %s "$ARCHIVE/$run/$home.tar.gz")
  line=$(printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s' "$home" "$SOURCE$home" "$count" "$bytes" "$size" "$sum")
  put "$run/$home.tar.gz"
  printf '%s\\n' "$line" >> "$ARCHIVE/$run/manifest.tsv"
  printf '%s  %s\\n' "$sum" "$home.tar.gz" >> "$ARCHIVE/$run/SHA256SUMS"
  printf 'archived\\t%s\\n' "$line"
done
put "$run/SHA256SUMS"
put "$run/manifest.tsv"
`;

/**
 * Reads every archive of run $0 back from the destination, as the manifest stored there lists them: prints
 * `verified`, the home, the sha256 it reads and the regular files the archive holds. The tool compares that with
 * what the archive Job reported; a gzip or tar that does not read fails the Job.
 */
export const VERIFY_SCRIPT = `set -eu
${STORAGE}
run="$0"
fetch "$run/manifest.tsv"
tail -n +2 "$ARCHIVE/$run/manifest.tsv" | while IFS="$(printf '\\t')" read -r home _; do
  fetch "$run/$home.tar.gz"
  sum=$(sha256sum "$ARCHIVE/$run/$home.tar.gz" | cut -d " " -f 1)
  count=$(tar -tvzf "$ARCHIVE/$run/$home.tar.gz" | grep -c '^-' || true)
  [ -z "\${UPLOAD:-}" ] || rm "$ARCHIVE/$run/$home.tar.gz"
  printf 'verified\\t%s\\t%s\\t%s\\n' "$home" "$sum" "$count"
done
`;

/**
 * Restores home $1 from <namespace> $0's run RUN (the latest if empty) into RESTORE/$1: it checks the archive
 * against the manifest stored with it first, and extracts over what the home holds, as the home's owner.
 */
export const RESTORE_SCRIPT = `set -eu
${STORAGE}
run="$0/\${RUN:-$(runs "$0" | sort | tail -n 1)}"
fetch "$run/manifest.tsv"
want=$(awk -F '\\t' -v home="$1" '$1 == home { print $6 }' "$ARCHIVE/$run/manifest.tsv")
[ -n "$want" ] || { echo "no home $1 in the manifest of $run" >&2; exit 1; }
fetch "$run/$1.tar.gz"
got=$(sha256sum "$ARCHIVE/$run/$1.tar.gz" | cut -d " " -f 1)
[ "$got" = "$want" ] || { echo "$run/$1.tar.gz: sha256 $got, the manifest says $want" >&2; exit 1; }
mkdir -p "$RESTORE/$1"
tar -xzof "$ARCHIVE/$run/$1.tar.gz" -C "$RESTORE/$1"
printf 'restored\\t%s\\t%s\\t%s\\n' "$1" "$run" "$got"
`;
