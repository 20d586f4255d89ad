#!/usr/bin/env bash
# Starts a local Kubernetes cluster that runs pods: the control plane (tools/controlplane/up.sh) plus one node on
# this machine, every part an upstream program built or installed by the project:
#
#   containerd + runc    the container runtime (built from Go modules, tools/toolchain/build.sh node)
#   kubelet              the node agent, cgroup v1 with the cgroupfs driver
#   kube-scheduler       places pods (on the only node)
#   kube-proxy           Services, in iptables mode
#   CNI bridge           the pod network NODE_POD_CIDR on bridge NODE_BRIDGE (Debian's containernetworking-plugins)
#   kube-router          enforces NetworkPolicy (its firewall controller only)
#   CoreDNS              the cluster DNS, on the bridge's address, with no upstream resolver
#   local-path-provisioner  binds PersistentVolumeClaims to folders under $NODE_DIR/volumes
#
# and the images the node runs, built here (tools/node/images.sh): no registry is reachable, and none is needed.
# Nothing leaves the machine: pods' traffic never routes out of the uplink, nothing is masqueraded to the
# outside, and DNS answers only for the cluster.
#
# Needs root (it creates a bridge, firewall rules and mounts). Idempotent: what already runs is left running.
# Stop everything with tools/node/down.sh.
# Env: CLASSHUB_CACHE, CLASSHUB_NODE_DIR (default $CLASSHUB_CACHE/node), and the control plane's (up.sh there).
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

((EUID == 0)) || { node_log "needs root: it creates a network bridge, firewall rules and mounts"; exit 1; }
[[ -d /sys/fs/cgroup/memory && -d /sys/fs/cgroup/cpu ]] ||
  { node_log "expects cgroup v1 hierarchies under /sys/fs/cgroup (memory, cpu, ...)"; exit 1; }
# Debian's packages the node needs: the CNI plugins, the firewall tools kube-proxy and kube-router call,
# libseccomp for runc, and what images.sh builds the images with.
missing=()
for pkg in "${NODE_PACKAGES[@]}"; do
  dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  node_log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

t_all=$(date +%s)
# step NAME: announce a long step; done_step prints how long it took.
step() { t_step=$(date +%s); node_log "$1 ..."; step_name=$1; }
done_step() { node_log "$step_name: done in $(($(date +%s) - t_step))s"; }

mkdir -p "$NODE_DIR"/{logs,pki,cni/net.d,cni/ipam,kubelet} "$VOLUMES_DIR" "$NODE_RUN"
chmod 700 "$NODE_DIR"

step "building the node's programs (cached after the first time)"
"$NODE_HERE/../toolchain/build.sh" etcd kube-apiserver kube-controller-manager kubectl node
eval "$("$NODE_HERE/../toolchain/env.sh")"
bin() { echo "$CACHE/$1/bin/$2"; }
done_step

# --- the host's network: bridge, forwarding, containment -----------------------------------------------------
# The bridge exists before the API server starts, since the API server listens on its address.
if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
  ip link add "$NODE_BRIDGE" type bridge
fi
ip addr replace "$NODE_ADDRESS/${NODE_POD_CIDR#*/}" dev "$NODE_BRIDGE"
ip link set "$NODE_BRIDGE" up
# Service addresses are reached on the bridge, never through the default route: without a kube-proxy rule for
# one, a packet to it stays on the bridge and goes unanswered.
ip route replace "$SERVICE_CIDR" dev "$NODE_BRIDGE" src "$NODE_ADDRESS"
sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
# Containment: packets from or to the pod and service ranges may use the bridge and loopback only. The chains run
# before NAT's source step, so nothing from a pod is ever masqueraded out of another interface.
nft -f - <<EOF
table inet classhub-node
delete table inet classhub-node
table inet classhub-node {
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    iifname "$NODE_BRIDGE" oifname != "$NODE_BRIDGE" counter drop comment "pods reach nothing beyond this machine"
    oifname "$NODE_BRIDGE" iifname != "$NODE_BRIDGE" counter drop comment "nothing from outside reaches pods"
  }
  chain postrouting {
    type filter hook postrouting priority srcnat - 10; policy accept;
    oifname != { "lo", "$NODE_BRIDGE" } ip saddr $CLUSTER_CIDR counter drop comment "no pod address leaves the machine"
    oifname != { "lo", "$NODE_BRIDGE" } ip daddr { $CLUSTER_CIDR, $SERVICE_CIDR } counter drop comment "no cluster range routes out"
  }
}
EOF

# --- control plane, on the bridge's address ---------------------------------------------------------------
step "starting the control plane on $APISERVER_URL"
"$NODE_HERE/../controlplane/up.sh" >/dev/null
export KUBECONFIG=$CP_KUBECONFIG
PKI=$CP_DIR/pki
done_step

# The kubelet's serving certificate, signed by the cluster's CA for the node's address.
[[ -f $NODE_DIR/pki/kubelet.crt ]] || sign "$NODE_DIR/pki/kubelet" "/CN=$NODE_NAME" "extendedKeyUsage = serverAuth
subjectAltName = IP:$NODE_ADDRESS, DNS:$NODE_NAME"
write_kubeconfig "$NODE_DIR/kubelet.kubeconfig" "system:node:$NODE_NAME" "$(<"$PKI/node.token")"
write_kubeconfig "$NODE_DIR/kube-proxy.kubeconfig" system:kube-proxy "$(<"$PKI/proxy.token")"
write_kubeconfig "$NODE_DIR/kube-scheduler.kubeconfig" system:kube-scheduler "$(<"$PKI/scheduler.token")"
# The add-ons (kube-router, CoreDNS, local-path-provisioner) act as the admin, like the control plane's own
# controller manager here.
cp "$CP_KUBECONFIG" "$NODE_DIR/addons.kubeconfig"

# put FILE [NAME]: writes stdin to FILE only when it differs, and then marks process NAME, which reads FILE, for a
# restart (kube-proxy even exits by itself when its configuration file changes).
declare -A stale=()
put() {
  local tmp
  tmp=$(mktemp "$1.XXXX")
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then
    rm -f "$tmp"
  else
    mv "$tmp" "$1"
    [[ -z ${2:-} ]] || stale[$2]=1
  fi
}

# start NAME CMD...: runs CMD in its own process group, logging to logs/NAME.log, unless NAME already runs with
# the same configuration.
start() {
  local name=$1
  shift
  if pid_alive "$NODE_DIR/$name.pid"; then
    [[ -n ${stale[$name]:-} ]] || return 0
    stop_group "$name" "$NODE_DIR"
  fi
  node_log "starting $name (log: $NODE_DIR/logs/$name.log)"
  setsid "$@" </dev/null >>"$NODE_DIR/logs/$name.log" 2>&1 &
  echo $! > "$NODE_DIR/$name.pid"
}
# wait_for NAME SECONDS CMD...: polls CMD until it succeeds; fails with NAME's last log lines.
wait_for() {
  local name=$1 secs=$2 i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    pid_alive "$NODE_DIR/$name.pid" || break
    sleep 0.2
  done
  node_log "$name is not ready; last log lines:"
  tail -n 20 "$NODE_DIR/logs/$name.log" >&2 || true
  exit 1
}

# --- containerd ------------------------------------------------------------------------------------------
step "starting containerd and loading the images"
eval "$("$NODE_HERE/images.sh" refs)"
put "$NODE_DIR/containerd.toml" containerd <<EOF
version = 3
root = '$NODE_DIR/containerd'
state = '$NODE_RUN/containerd'
[grpc]
  address = '$CONTAINERD_SOCK'
[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = '$PAUSE_IMAGE'
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = '$NODE_DIR/registries'
[plugins.'io.containerd.cri.v1.runtime']
  # Root here lacks CAP_SYS_RESOURCE: runc may only raise a container's oom_score_adj, never lower it, so
  # containerd must not ask for a lower one than its own.
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = 'runc'
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = 'io.containerd.runc.v2'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = '$RUNC'
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ['$CNI_BIN']
    conf_dir = '$NODE_DIR/cni/net.d'
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = '127.0.0.1'
EOF
# Every registry resolves to a closed port on loopback: an image that is not loaded fails at once, and no pull
# ever looks a registry up or leaves the machine.
mkdir -p "$NODE_DIR/registries/_default"
put "$NODE_DIR/registries/_default/hosts.toml" containerd <<EOF
server = "https://127.0.0.1:9"
[host."https://127.0.0.1:9"]
  capabilities = ["pull", "resolve"]
EOF
# The runc shim is found on PATH.
start containerd env PATH="$CONTAINERD_BIN:$PATH" "$CONTAINERD_BIN/containerd" --config "$NODE_DIR/containerd.toml"
wait_for containerd 30 "$CONTAINERD_BIN/ctr" --address "$CONTAINERD_SOCK" version
"$NODE_HERE/images.sh" import "$CONTAINERD_SOCK" >/dev/null
done_step

# --- the pod network ------------------------------------------------------------------------------------
# No masquerade (ipMasq false): pod addresses never need translating, since nothing beyond this machine is reached.
put "$NODE_DIR/cni/net.d/10-classhub.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "classhub",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$NODE_POD_CIDR", "gateway": "$NODE_ADDRESS" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    }
  ]
}
EOF

# --- kubelet and kube-scheduler -------------------------------------------------------------------------
step "starting the kubelet and the scheduler"
# Pods resolve through CoreDNS only: the kubelet gets an empty host resolv.conf, so no host resolver leaks in.
: > "$NODE_DIR/resolv.conf"
put "$NODE_DIR/kubelet.yaml" kubelet <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_ADDRESS
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
tlsCertFile: $NODE_DIR/pki/kubelet.crt
tlsPrivateKeyFile: $NODE_DIR/pki/kubelet.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization: { mode: Webhook }
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
# This machine mounts cgroup v1, which the kubelet refuses by default since 1.35.
failCgroupV1: false
cgroupDriver: cgroupfs
# See restrict_oom_score_adj in containerd.toml: without CAP_SYS_RESOURCE nothing may go below the kubelet's own.
oomScoreAdj: 0
clusterDNS: [$NODE_ADDRESS]
clusterDomain: cluster.local
resolvConf: $NODE_DIR/resolv.conf
hairpinMode: hairpin-veth
failSwapOn: false
# The disk is the machine's: evict only when it is really full.
evictionHard: { memory.available: 200Mi, nodefs.available: 5%, imagefs.available: 5% }
imageGCHighThresholdPercent: 95
imageGCLowThresholdPercent: 90
serializeImagePulls: false
EOF
start kubelet "$(bin "kubelet-$KUBE_VERSION" kubelet)" \
  --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$NODE_DIR/kubelet.kubeconfig" \
  --root-dir="$NODE_DIR/kubelet" --cert-dir="$NODE_DIR/pki" \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_ADDRESS"
start kube-scheduler "$(bin "kube-scheduler-$KUBE_VERSION" kube-scheduler)" \
  --kubeconfig="$NODE_DIR/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="$NODE_DIR/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="$NODE_DIR/kube-scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false
wait_for kubelet 60 kubectl get node "$NODE_NAME"
done_step

# --- Services and NetworkPolicies ------------------------------------------------------------------------
step "starting kube-proxy and kube-router"
put "$NODE_DIR/kube-proxy.yaml" kube-proxy <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $NODE_DIR/kube-proxy.kubeconfig }
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $CLUSTER_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Leave the machine's conntrack limits alone.
conntrack: { maxPerCore: 0 }
# NodePorts answer on loopback (where make up reaches the hub) and on the node address, not on the uplink.
nodePortAddresses: [127.0.0.1/32, $NODE_ADDRESS/32]
EOF
start kube-proxy "$(bin "kube-proxy-$KUBE_VERSION" kube-proxy)" --config="$NODE_DIR/kube-proxy.yaml"
# Only the firewall controller: routes are the bridge's, and Services are kube-proxy's.
start kube-router "$(bin "kube-router-$KUBE_ROUTER_VERSION" kube-router)" \
  --kubeconfig="$NODE_DIR/addons.kubeconfig" --hostname-override="$NODE_NAME" \
  --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --health-port=20244 --metrics-port=0
wait_for kube-proxy 60 curl -fsS --max-time 2 http://127.0.0.1:10256/healthz
wait_for kube-router 60 curl -fsS --max-time 2 http://127.0.0.1:20244/healthz
done_step

# --- DNS and storage --------------------------------------------------------------------------------------
step "starting CoreDNS and the storage provisioner"
# Cluster names only. Anything else gets NXDOMAIN at once: there is no forward plugin, so no query leaves.
put "$NODE_DIR/Corefile" coredns <<EOF
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
  bind $NODE_ADDRESS
  errors
  health 127.0.0.1:$DNS_HEALTH_PORT
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $NODE_DIR/addons.kubeconfig $CP_CONTEXT
    pods insecure
  }
  cache 30
}
.:53 {
  bind $NODE_ADDRESS
  errors
  template ANY ANY {
    rcode NXDOMAIN
  }
}
EOF
start coredns "$(bin "coredns-$COREDNS_VERSION" coredns)" -conf "$NODE_DIR/Corefile"
wait_for coredns 30 curl -fsS --max-time 2 "http://127.0.0.1:$DNS_HEALTH_PORT/health"

kubectl apply --server-side --force-conflicts --field-manager=classhub-node -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: { name: $STORAGE_NS }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: local-path-provisioner, namespace: $STORAGE_NS }
---
# The helper pods that make and remove a claim's folder. Homes are shared by one user's pods only, and the
# student image's uid differs from class to class, so the folder is open to any uid, as upstream does.
apiVersion: v1
kind: ConfigMap
metadata: { name: local-path-config, namespace: $STORAGE_NS }
data:
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "\$VOL_DIR"
---
# Like a cloud disk class in classhub's promise: a claim's folder outlives the claim (Retain) until an
# administrator deletes the PersistentVolume and the folder.
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: rancher.io/local-path
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
EOF
put "$NODE_DIR/local-path.json" local-path-provisioner <<EOF
{ "nodePathMap": [{ "node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": ["$VOLUMES_DIR"] }] }
EOF
put "$NODE_DIR/local-path-helper.yaml" local-path-provisioner <<EOF
apiVersion: v1
kind: Pod
metadata: { name: helper-pod }
spec:
  priorityClassName: system-node-critical
  containers:
    - name: helper-pod
      image: $HELPER_IMAGE
      imagePullPolicy: Never
EOF
start local-path-provisioner "$(bin "local-path-provisioner-$LOCAL_PATH_VERSION" local-path-provisioner)" start \
  --kubeconfig "$NODE_DIR/addons.kubeconfig" --namespace "$STORAGE_NS" \
  --service-account-name local-path-provisioner --config "$NODE_DIR/local-path.json" \
  --helper-image "$HELPER_IMAGE" --helper-pod-file "$NODE_DIR/local-path-helper.yaml"
done_step

step "waiting for the node to be Ready"
kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=120s >/dev/null
done_step
node_log "ready in $(($(date +%s) - t_all))s: node $NODE_NAME, API server $APISERVER_URL, kubeconfig $CP_KUBECONFIG"
echo "export KUBECONFIG=$CP_KUBECONFIG"
