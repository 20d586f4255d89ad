#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds classhub's local, offline toolchain from Go modules:
#   pulumi CLI, a Node.js language host, the Kubernetes resource plugin, a
#   local stand-in for the random resource plugin, etcd, kube-apiserver,
#   kube-controller-manager and kubectl,
# and installs the resource plugins into a Pulumi home inside the cache.
#
# Each tool lands in ${CLASSHUB_CACHE:-$HOME/.cache/classhub}/<tool>-<version>/
# and is rebuilt only when that directory is missing or incomplete (or, for the
# tools whose code lives here, when that code changed), so a second run with
# everything cached takes seconds.
#
# Only the Go module proxy is needed (go build downloads modules into the Go
# module cache). Each tool has a small wrapper module next to this script
# (go.mod/go.sum, plus a main.go where upstream's main cannot be used as is).
#
# Usage: tools/toolchain/build.sh [tool ...]
#   tools: pulumi pulumi-language-nodejs pulumi-resource-kubernetes
#          pulumi-resource-random etcd kube-apiserver kube-controller-manager
#          kubectl plugins
#          node: the local node's parts (kubelet kube-proxy kube-scheduler pause
#          containerd runc coredns kube-router local-path-provisioner umoci)
#          (default: all of them, in that order)
# Env:   CLASSHUB_CACHE  cache root (default $HOME/.cache/classhub)
#        GO              go binary (default: go on PATH, else /usr/local/go/bin/go)
#        BUILD_NICE      nice level for compiles (default 10)
# Afterwards: eval "$(tools/toolchain/env.sh)"
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../versions.sh
source "$HERE/../versions.sh"

CACHE=${CLASSHUB_CACHE:-$HOME/.cache/classhub}
if [[ -z ${GO:-} ]]; then
  if command -v go >/dev/null 2>&1; then GO=go; else GO=/usr/local/go/bin/go; fi
fi
NICE=(nice -n "${BUILD_NICE:-10}")
# -pgo=off: kube-apiserver ships a default.pgo that makes builds much slower.
export GOFLAGS="-trimpath -buildvcs=false -mod=readonly -pgo=off"
# The language host and the providers must never phone home while building.
export PULUMI_SKIP_UPDATE_CHECK=true

mkdir -p "$CACHE"
log() { printf '[toolchain] %s\n' "$*" >&2; }
now() { date +%s; }

# build_tool NAME DIR FN [STAMP]: runs FN (which must fill "$tmp") unless
# DIR/.complete exists (and, when STAMP is given, DIR/.source-stamp holds it);
# then moves the result into DIR atomically.
build_tool() {
  local name=$1 dir=$2 fn=$3 stamp=${4:-}
  if [[ -f $dir/.complete ]]; then
    if [[ -z $stamp || $(cat "$dir/.source-stamp" 2>/dev/null) == "$stamp" ]]; then
      log "$name: cached in $dir"
      return 0
    fi
    log "$name: sources changed since the cached build, rebuilding"
  fi
  local tmp="$dir.tmp.$$" t0
  rm -rf "$tmp"
  mkdir -p "$tmp/bin"
  t0=$(now)
  log "$name: building (this can take a while on 2 cores)"
  if ! "$fn" "$tmp"; then
    rm -rf "$tmp"
    log "$name: BUILD FAILED"
    return 1
  fi
  local secs=$(( $(now) - t0 ))
  printf '%s\n' "$secs" > "$tmp/.build-seconds"
  [[ -z $stamp ]] || printf '%s\n' "$stamp" > "$tmp/.source-stamp"
  touch "$tmp/.complete"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  log "$name: built in ${secs}s -> $dir"
}

moddir() { # moddir WRAPPER_DIR MODULE: source dir of MODULE (downloaded if needed)
  (cd "$1" && "$GO" mod download "$2" && "$GO" list -m -f '{{.Dir}}' "$2")
}

# src_stamp DIR: hash of the Go sources of one of the tools written here (tests excluded: they change no binary).
src_stamp() {
  (
    cd "$1" || exit 1
    local sources=() file
    for file in ./*.go; do [[ $file == *_test.go ]] || sources+=("$file"); done
    cat go.mod go.sum "${sources[@]}" | sha256sum | cut -c1-16
  )
}

gobuild() { # gobuild WRAPPER_DIR OUT LDFLAGS PKG
  local wdir=$1 out=$2 ldflags=$3 pkg=$4
  (cd "$wdir" && "${NICE[@]}" "$GO" build -ldflags "-s -w $ldflags" -o "$out" "$pkg")
}

# --- pulumi CLI ---------------------------------------------------------------
PULUMI_DIR=$CACHE/pulumi-$PULUMI_VERSION
build_pulumi() {
  gobuild "$HERE/pulumi" "$1/bin/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

# --- Node.js language host ------------------------------------------------------
LANGHOST_DIR=$CACHE/pulumi-language-nodejs-$PULUMI_VERSION
build_langhost() {
  gobuild "$HERE/pulumi-language-nodejs" "$1/bin/pulumi-language-nodejs" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" .
  # Shell scripts the Node.js SDK expects next to its language host. Module
  # zips drop exec bits, hence the chmod.
  local sdk
  sdk=$(moddir "$HERE/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3)
  local f
  for f in "$sdk"/nodejs/dist/pulumi-*; do
    [[ $f == *.cmd ]] && continue
    cp "$f" "$1/bin/"
    chmod 0755 "$1/bin/$(basename "$f")"
  done
}

# --- Kubernetes resource plugin ----------------------------------------------------
K8S_DIR=$CACHE/pulumi-resource-kubernetes-$K8S_PROVIDER_VERSION-src-${K8S_PROVIDER_MODULE_VERSION##*-}
build_k8s_provider() {
  local out=$1 work="$1/src"
  mkdir -p "$work"
  cp "$HERE/pulumi-resource-kubernetes/"{go.mod,go.sum,main.go} "$work/"
  local up
  up=$(moddir "$work" github.com/pulumi/pulumi-kubernetes/provider/v4)
  # Upstream's generate.go writes schema-embed.json (schema.json with the
  # version set) and terraform-mapping-embed.json into the main package dir.
  cp "$up/cmd/pulumi-resource-kubernetes/"{generate.go,schema.json,terraform-mapping.json} "$work/"
  chmod u+w "$work"/*
  (cd "$work" && VERSION=$K8S_PROVIDER_VERSION "${NICE[@]}" "$GO" run generate.go)
  gobuild "$work" "$out/bin/pulumi-resource-kubernetes" \
    "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_VERSION" .
  rm -rf "$work"
}

# --- random resource plugin (local stand-in, see README.md) -------------------------
RANDOM_DIR=$CACHE/pulumi-resource-random-$RANDOM_PROVIDER_VERSION
build_random_provider() {
  gobuild "$HERE/pulumi-resource-random" "$1/bin/pulumi-resource-random" \
    "-X main.version=$RANDOM_PROVIDER_VERSION" .
}

# --- etcd ----------------------------------------------------------------------------
ETCD_DIR=$CACHE/etcd-$ETCD_VERSION
build_etcd() {
  gobuild "$HERE/etcd" "$1/bin/etcd" "" go.etcd.io/etcd/server/v3
}

# --- kube-apiserver / kubectl ------------------------------------------------------------
KAPI_DIR=$CACHE/kube-apiserver-$KUBE_VERSION
KUBECTL_DIR=$CACHE/kubectl-$KUBE_VERSION
KCM_DIR=$CACHE/kube-controller-manager-$KUBE_VERSION
kube_ldflags() {
  local v=$KUBE_VERSION major minor p out=""
  major=${v#v}; major=${major%%.*}
  minor=${v#v*.}; minor=${minor%%.*}
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    out+=" -X $p.gitVersion=$v -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$out"
}
build_kapi() {
  gobuild "$HERE/kube-apiserver" "$1/bin/kube-apiserver" "$(kube_ldflags)" \
    k8s.io/kubernetes/cmd/kube-apiserver
}
build_kubectl() {
  gobuild "$HERE/kube-apiserver" "$1/bin/kubectl" "$(kube_ldflags)" k8s.io/kubernetes/cmd/kubectl
}
build_kcm() {
  gobuild "$HERE/kube-apiserver" "$1/bin/kube-controller-manager" "$(kube_ldflags)" \
    k8s.io/kubernetes/cmd/kube-controller-manager
}

# --- the local node (tools/node): kubelet, kube-proxy, kube-scheduler ------------------------------
KUBELET_DIR=$CACHE/kubelet-$KUBE_VERSION
KPROXY_DIR=$CACHE/kube-proxy-$KUBE_VERSION
KSCHED_DIR=$CACHE/kube-scheduler-$KUBE_VERSION
build_kube_cmd() { # build_kube_cmd CMD OUT
  gobuild "$HERE/kube-apiserver" "$2/bin/$1" "$(kube_ldflags)" "k8s.io/kubernetes/cmd/$1"
}
build_kubelet() { build_kube_cmd kubelet "$1"; }
build_kproxy() { build_kube_cmd kube-proxy "$1"; }
build_ksched() { build_kube_cmd kube-scheduler "$1"; }

# The pause binary every pod sandbox runs; upstream's image cannot be pulled here, so it is built from the C
# source in the same k8s.io/kubernetes module, static as upstream builds it.
PAUSE_DIR=$CACHE/pause-$KUBE_VERSION
build_pause() {
  local src
  src=$(moddir "$HERE/kube-apiserver" "k8s.io/kubernetes@$KUBE_VERSION")
  gcc -Os -Wall -Werror -static -DVERSION="\"$KUBE_VERSION-classhub\"" -o "$1/bin/pause" "$src/build/pause/linux/pause.c"
  strip "$1/bin/pause"
}

# --- container runtime: containerd (with its runc shim and ctr) and runc -------------------------------
CONTAINERD_DIR=$CACHE/containerd-$CONTAINERD_VERSION
build_containerd() {
  local cmd pkg=github.com/containerd/containerd/v2
  for cmd in containerd containerd-shim-runc-v2 ctr; do
    # no_btrfs: the btrfs snapshotter needs btrfs headers, and overlayfs is what the node uses.
    (cd "$HERE/containerd" && "${NICE[@]}" "$GO" build -tags no_btrfs \
      -ldflags "-s -w -X $pkg/version.Version=$CONTAINERD_VERSION" -o "$1/bin/$cmd" "$pkg/cmd/$cmd")
  done
}
RUNC_DIR=$CACHE/runc-$RUNC_VERSION
build_runc() {
  # cgo and the seccomp tag: without libseccomp runc cannot apply the RuntimeDefault profile pods ask for.
  (cd "$HERE/runc" && CGO_ENABLED=1 "${NICE[@]}" "$GO" build -tags seccomp \
    -ldflags "-s -w -X main.version=${RUNC_VERSION#v}" -o "$1/bin/runc" github.com/opencontainers/runc)
}

# --- cluster add-ons run as host processes: DNS, NetworkPolicy, storage ------------------------------
COREDNS_DIR=$CACHE/coredns-$COREDNS_VERSION
build_coredns() { gobuild "$HERE/coredns" "$1/bin/coredns" "" github.com/coredns/coredns; }
NETPOL_DIR=$CACHE/kube-router-$KUBE_ROUTER_VERSION
build_netpol() {
  gobuild "$HERE/kube-router" "$1/bin/kube-router" \
    "-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION" \
    github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
}
LOCAL_PATH_DIR=$CACHE/local-path-provisioner-$LOCAL_PATH_VERSION
build_local_path() {
  gobuild "$HERE/local-path-provisioner" "$1/bin/local-path-provisioner" "" github.com/rancher/local-path-provisioner
}
UMOCI_DIR=$CACHE/umoci-$UMOCI_VERSION
build_umoci() {
  gobuild "$HERE/umoci" "$1/bin/umoci" "-X main.version=${UMOCI_VERSION#v}" github.com/opencontainers/umoci/cmd/umoci
}

# --- Pulumi home with the provider plugins installed offline ---------------------------------
PULUMI_HOME_DIR=$CACHE/pulumi-home
install_plugins() {
  local f
  # The CLI looks for its bundled plugins (language host, pulumi-nodejs
  # provider script) next to its own executable; link them there so it uses
  # them without warning about plugins found on $PATH.
  if [[ -f $LANGHOST_DIR/.complete ]]; then
    for f in "$LANGHOST_DIR"/bin/*; do
      ln -sfn "../../$(basename "$LANGHOST_DIR")/bin/$(basename "$f")" "$PULUMI_DIR/bin/$(basename "$f")"
    done
  fi
  install_resource_plugin kubernetes "$K8S_PROVIDER_VERSION" "$K8S_DIR/bin/pulumi-resource-kubernetes"
  if [[ -f $RANDOM_DIR/.complete ]]; then
    install_resource_plugin random "$RANDOM_PROVIDER_VERSION" "$RANDOM_DIR/bin/pulumi-resource-random"
  else
    log "plugins: random v$RANDOM_PROVIDER_VERSION not built yet (build.sh pulumi-resource-random)"
  fi
}

# install_resource_plugin NAME VERSION BINARY: pulumi plugin install --file,
# unless PULUMI_HOME already holds that very binary.
install_resource_plugin() {
  local name=$1 ver=$2 file=$3
  local dest=$PULUMI_HOME_DIR/plugins/resource-$name-v$ver
  if [[ -f $dest/pulumi-resource-$name ]] && cmp -s "$dest/pulumi-resource-$name" "$file"; then
    log "plugins: $name v$ver already installed in $PULUMI_HOME_DIR"
  else
    log "plugins: installing $name v$ver into $PULUMI_HOME_DIR"
    PULUMI_HOME=$PULUMI_HOME_DIR PULUMI_SKIP_UPDATE_CHECK=true \
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
      "$PULUMI_DIR/bin/pulumi" plugin install resource "$name" "v$ver" \
        --file "$file" --reinstall --non-interactive
  fi
}

ALL=(pulumi pulumi-language-nodejs pulumi-resource-kubernetes pulumi-resource-random etcd kube-apiserver
     kube-controller-manager kubectl plugins)
# The local node's parts (tools/node/up.sh builds them; `build.sh node` names them all).
NODE=(kubelet kube-proxy kube-scheduler pause containerd runc coredns kube-router local-path-provisioner
      umoci)
(( $# )) || set -- "${ALL[@]}"
args=()
for tool in "$@"; do
  if [[ $tool == node ]]; then args+=("${NODE[@]}"); else args+=("$tool"); fi
done
set -- "${args[@]}"
t_start=$(now)
for tool in "$@"; do
  case $tool in
    pulumi) build_tool pulumi "$PULUMI_DIR" build_pulumi ;;
    pulumi-language-nodejs)
      build_tool pulumi-language-nodejs "$LANGHOST_DIR" build_langhost \
        "$(src_stamp "$HERE/pulumi-language-nodejs")" ;;
    pulumi-resource-kubernetes) build_tool pulumi-resource-kubernetes "$K8S_DIR" build_k8s_provider ;;
    pulumi-resource-random)
      build_tool pulumi-resource-random "$RANDOM_DIR" build_random_provider \
        "$(src_stamp "$HERE/pulumi-resource-random")" ;;
    etcd) build_tool etcd "$ETCD_DIR" build_etcd ;;
    kube-apiserver) build_tool kube-apiserver "$KAPI_DIR" build_kapi ;;
    kubectl) build_tool kubectl "$KUBECTL_DIR" build_kubectl ;;
    kube-controller-manager) build_tool kube-controller-manager "$KCM_DIR" build_kcm ;;
    kubelet) build_tool kubelet "$KUBELET_DIR" build_kubelet ;;
    kube-proxy) build_tool kube-proxy "$KPROXY_DIR" build_kproxy ;;
    kube-scheduler) build_tool kube-scheduler "$KSCHED_DIR" build_ksched ;;
    pause) build_tool pause "$PAUSE_DIR" build_pause ;;
    containerd) build_tool containerd "$CONTAINERD_DIR" build_containerd ;;
    runc) build_tool runc "$RUNC_DIR" build_runc ;;
    coredns) build_tool coredns "$COREDNS_DIR" build_coredns ;;
    kube-router) build_tool kube-router "$NETPOL_DIR" build_netpol ;;
    local-path-provisioner) build_tool local-path-provisioner "$LOCAL_PATH_DIR" build_local_path ;;
    umoci) build_tool umoci "$UMOCI_DIR" build_umoci ;;
    plugins)
      [[ -f $PULUMI_DIR/.complete && -f $K8S_DIR/.complete && -f $LANGHOST_DIR/.complete ]] || {
        log "plugins: build pulumi, pulumi-language-nodejs and pulumi-resource-kubernetes first"
        exit 1
      }
      install_plugins ;;
    *) log "unknown tool: $tool (known: ${ALL[*]} ${NODE[*]}, or node for all of those)"; exit 2 ;;
  esac
done
log "done in $(( $(now) - t_start ))s; now run: eval \"\$($HERE/env.sh)\""
