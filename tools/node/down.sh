#!/usr/bin/env bash
# Stops what tools/node/up.sh started, by pid, and the control plane, and leaves nothing running: every pod's
# containers and shims, the node's processes, their mounts, firewall rules and the bridge. State stays in
# $NODE_DIR and the control plane's directory, so the next up.sh brings the same cluster back, homes included.
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
eval "$("$NODE_HERE/../toolchain/env.sh")"

# The kubelet first, so it restarts nothing while the rest goes.
for ((i = ${#NODE_PROCS[@]} - 1; i >= 0; i--)); do
  [[ ${NODE_PROCS[i]} == containerd ]] || stop_group "${NODE_PROCS[i]}" "$NODE_DIR"
done

# Every container and sandbox: kill its task, which ends its shim too.
ctr=("$CONTAINERD_BIN/ctr" --address "$CONTAINERD_SOCK" -n k8s.io)
if pid_alive "$NODE_DIR/containerd.pid"; then
  for task in $("${ctr[@]}" tasks ls -q 2>/dev/null); do
    "${ctr[@]}" tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
  for ((i = 0; i < 50; i++)); do
    [[ -z $("${ctr[@]}" tasks ls -q 2>/dev/null | head -1) ]] && break
    for task in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete "$task" >/dev/null 2>&1 || true; done
    sleep 0.2
  done
fi
stop_group containerd "$NODE_DIR"
# A shim whose task could not be deleted still holds its container: end it by the path it runs from.
pkill -KILL -f "^$CONTAINERD_BIN/containerd-shim-runc-v2" 2>/dev/null || true

# The kubelet's and containerd's mounts (volumes, tokens, image layers) and the pods' network namespaces.
while read -r target; do
  umount -l "$target" 2>/dev/null || true
done < <(findmnt -rn -o TARGET | grep -E "^($NODE_DIR|$NODE_RUN|/run/netns/cni-)" | sort -r)
rm -f /run/netns/cni-*

# Rules: kube-proxy's by its own cleanup; then every KUBE-* chain, and the jumps to them, that the kubelet,
# kube-proxy and kube-router leave (kube-router's own cleanup leaves its chains); then kube-router's ipsets.
if [[ -x $CACHE/kube-proxy-$KUBE_VERSION/bin/kube-proxy ]]; then
  "$CACHE/kube-proxy-$KUBE_VERSION/bin/kube-proxy" --cleanup >/dev/null 2>&1 || true
fi
for family in iptables ip6tables; do
  "$family-save" | grep -vE '^:KUBE-|^-A KUBE-|-j KUBE-' | "$family-restore"
done
for set in $(ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router-)'); do
  ipset destroy "$set" 2>/dev/null || true
done
nft delete table inet classhub-node 2>/dev/null || true
ip route del "$SERVICE_CIDR" dev "$NODE_BRIDGE" 2>/dev/null || true
ip link del "$NODE_BRIDGE" 2>/dev/null || true
# The pods' addresses went with their sandboxes.
rm -rf "$NODE_DIR/cni/ipam"

"$NODE_HERE/../controlplane/down.sh"
node_log "stopped"
