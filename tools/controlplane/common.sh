# Shared settings for up.sh, down.sh and verify.sh (sourced, not run).
# shellcheck shell=bash disable=SC2034
CP_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# PATH for etcd / kube-apiserver / kubectl from the toolchain cache.
# shellcheck source-path=SCRIPTDIR source=../toolchain/env.sh
source "$CP_HERE/../toolchain/env.sh"

# All state (certs, token, etcd data, logs, pid files) lives here.
CP_DIR=${CLASSHUB_CP_DIR:-${CLASSHUB_CACHE:-$HOME/.cache/classhub}/controlplane}
CP_KUBECONFIG=${CLASSHUB_KUBECONFIG:-$CP_DIR/kubeconfig}
CP_CONTEXT=classhub-local
ETCD_CLIENT_PORT=${CLASSHUB_ETCD_PORT:-23790}
ETCD_PEER_PORT=${CLASSHUB_ETCD_PEER_PORT:-23800}
APISERVER_PORT=${CLASSHUB_APISERVER_PORT:-16443}

# The local node's network (tools/node): pods get addresses from NODE_POD_CIDR on the bridge NODE_BRIDGE, whose
# own address NODE_ADDRESS is the node's InternalIP. Services get addresses from SERVICE_CIDR.
CLUSTER_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.0.0/24
NODE_ADDRESS=10.244.0.1
NODE_BRIDGE=classhub0
NODE_NAME=classhub-node
SERVICE_CIDR=10.96.0.0/16
# The `kubernetes` Service: the first address of SERVICE_CIDR, where pods reach the API server.
KUBERNETES_SERVICE_IP=10.96.0.1

# Where the API server listens. Alone, on 127.0.0.1. With the node (tools/node/up.sh sets it), on NODE_ADDRESS:
# pods reach the `kubernetes` Service only at an address they can route to.
APISERVER_ADDRESS=${CLASSHUB_APISERVER_ADDRESS:-127.0.0.1}
APISERVER_URL=https://$APISERVER_ADDRESS:$APISERVER_PORT
# The address the API server publishes as the endpoint of the `kubernetes` Service (EndpointSlice
# default/kubernetes), which classhub reads for the hub's egress rule. The API server refuses a loopback
# address there, so alone it is the host's first global IPv4 address (where nothing listens).
if [[ $APISERVER_ADDRESS == 127.0.0.1 ]]; then
  APISERVER_ADVERTISE=${CLASSHUB_APISERVER_ADVERTISE:-$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub("/.*", "", $4); print $4; exit}')}
else
  APISERVER_ADVERTISE=$APISERVER_ADDRESS
fi

cp_log() { printf '[controlplane] %s\n' "$*" >&2; }

# pid_alive FILE: the process group leader recorded in FILE is running.
pid_alive() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(<"$1")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# stop_group NAME [DIR]: SIGTERM the process group in DIR/NAME.pid (DIR defaults to
# $CP_DIR), wait up to 20s, then SIGKILL whatever is left of the group.
stop_group() {
  local name=$1 file=${2:-$CP_DIR}/$1.pid pid i
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if [[ -n $pid ]] && kill -0 -- "-$pid" 2>/dev/null; then
    cp_log "stopping $name (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 -- "-$pid" 2>/dev/null; then
      cp_log "$name did not stop in 20s, killing it"
      kill -KILL -- "-$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$file"
}

# sign PATH SUBJECT EXTENSIONS: PATH.key and PATH.crt, a key and a certificate signed by the local CA.
sign() {
  local ca=$CP_DIR/pki
  printf 'basicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n%s\n' "$3" > "$1.ext"
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr"
  chmod 600 "$1.key"
}

# write_kubeconfig FILE USER TOKEN: a kubeconfig for the local API server, context $CP_CONTEXT.
write_kubeconfig() {
  mkdir -p "$(dirname "$1")"
  (umask 077 && cat > "$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $CP_CONTEXT
  cluster:
    server: $APISERVER_URL
    certificate-authority-data: $(base64 -w0 < "$CP_DIR/pki/ca.crt")
users:
- name: $2
  user:
    token: $3
contexts:
- name: $CP_CONTEXT
  context:
    cluster: $CP_CONTEXT
    user: $2
current-context: $CP_CONTEXT
EOF
  )
}

api_get() { # api_get PATH: GET with the admin token
  curl -fsS --max-time 5 --cacert "$CP_DIR/pki/ca.crt" \
    -H "Authorization: Bearer $(<"$CP_DIR/pki/admin.token")" "$APISERVER_URL$1"
}
