# Shared settings for tools/node/up.sh and down.sh (sourced, not run). The control plane's settings come first:
# the node's addresses live there, since the API server listens on the node's bridge.
# shellcheck shell=bash disable=SC2034
NODE_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# With the node, the API server listens where pods can reach it: the bridge's address.
export CLASSHUB_APISERVER_ADDRESS=${CLASSHUB_APISERVER_ADDRESS:-10.244.0.1}
# shellcheck source=../controlplane/common.sh
source "$NODE_HERE/../controlplane/common.sh"
# shellcheck source=../versions.sh
source "$NODE_HERE/../versions.sh"
[[ $CLASSHUB_APISERVER_ADDRESS == "$NODE_ADDRESS" ]] ||
  { echo "[node] CLASSHUB_APISERVER_ADDRESS must be the node's address, $NODE_ADDRESS" >&2; exit 2; }

CACHE=${CLASSHUB_CACHE:-$HOME/.cache/classhub}
# The node's state: container images and layers, the kubelet's pods and volumes, students' homes, logs, pid files.
NODE_DIR=${CLASSHUB_NODE_DIR:-$CACHE/node}
# Sockets and runtime state, gone after a reboot like any /run.
NODE_RUN=/run/classhub
CONTAINERD_SOCK=$NODE_RUN/containerd/containerd.sock
# Homes and the hub database: local-path-provisioner makes one folder per claim here.
VOLUMES_DIR=$NODE_DIR/volumes
# The add-ons' namespace, as upstream deploys local-path-provisioner.
STORAGE_NS=local-path-storage
# Ports the node's own processes listen on, all on loopback but the kubelet's (the API server reaches it on the
# node's address for exec, logs and port-forward).
KUBELET_PORT=10250
DNS_HEALTH_PORT=10254

CONTAINERD_BIN=$CACHE/containerd-$CONTAINERD_VERSION/bin
RUNC=$CACHE/runc-$RUNC_VERSION/bin/runc
CNI_BIN=/usr/lib/cni
NODE_PACKAGES=(containernetworking-plugins iptables ipset nftables conntrack iproute2 libseccomp-dev pkg-config
  debootstrap busybox-static)

node_log() { printf '[node] %s\n' "$*" >&2; }

# The order up.sh starts them in; down.sh stops them in reverse.
NODE_PROCS=(containerd kubelet kube-scheduler kube-proxy kube-router coredns local-path-provisioner)
