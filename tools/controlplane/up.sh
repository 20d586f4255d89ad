#!/usr/bin/env bash
# Starts a local Kubernetes control plane: etcd, kube-apiserver and (when built)
# kube-controller-manager -- no scheduler, no kubelet: tools/node/up.sh adds
# those -- and writes a kubeconfig with context "classhub-local" that
# authenticates as an admin (group system:masters) with a static token.
# The API server listens on 127.0.0.1, or on the node's bridge address when
# tools/node/up.sh starts it (CLASSHUB_APISERVER_ADDRESS).
#
# The API server runs with RBAC authorization, the PodSecurity admission
# plugin, a service-account signing key pair and a self-signed serving
# certificate. Binaries come from tools/toolchain/build.sh.
#
# Env: CLASSHUB_CP_DIR          state dir (default $CLASSHUB_CACHE/controlplane)
#      CLASSHUB_KUBECONFIG      kubeconfig to write (default $CLASSHUB_CP_DIR/kubeconfig)
#      CLASSHUB_APISERVER_ADDRESS  where the API server listens (default 127.0.0.1)
#      CLASSHUB_APISERVER_PORT  (default 16443), CLASSHUB_ETCD_PORT (23790),
#      CLASSHUB_ETCD_PEER_PORT  (23800)
#      CLASSHUB_KCM_PORT        kube-controller-manager's https port (default 10257)
#      CLASSHUB_CP_CONTROLLERS=0  do not start kube-controller-manager (then
#                               namespaces are never finalized on delete and no
#                               "default" service account is created)
#      CLASSHUB_CP_RESET=1      wipe etcd data (not the certs) before starting
# Stop with tools/controlplane/down.sh.
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

for bin in etcd kube-apiserver openssl curl setsid; do
  command -v "$bin" >/dev/null ||
    { cp_log "missing $bin (run tools/toolchain/build.sh etcd kube-apiserver)"; exit 1; }
done

mkdir -p "$CP_DIR/pki" "$CP_DIR/logs"
chmod 700 "$CP_DIR"
PKI=$CP_DIR/pki

want_kcm=0
if [[ ${CLASSHUB_CP_CONTROLLERS:-1} != 0 ]] && command -v kube-controller-manager >/dev/null; then
  want_kcm=1
fi

# --- certificates, keys and tokens (generated once) ---------------------------------------
if [[ ! -f $PKI/ca.crt ]]; then
  cp_log "generating CA, service-account keys and admin token in $PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj "/CN=classhub-local-ca" -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  openssl rand -hex 32 > "$PKI/admin.token"
  chmod 600 "$PKI"/*.key "$PKI/admin.token"
fi
# The serving certificate names every address the API server is reached at: loopback or the node's, where it
# listens, and the `kubernetes` Service's, where pods reach it (made again when an older one lacks one). The client
# certificate is how the API server authenticates to the kubelet for exec, logs and port-forward.
san="IP:127.0.0.1, IP:$NODE_ADDRESS, IP:$KUBERNETES_SERVICE_IP, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default"
san+=", DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local"
names=$(openssl x509 -in "$PKI/apiserver.crt" -noout -ext subjectAltName 2>/dev/null || true)
if [[ $names != *"IP Address:$NODE_ADDRESS,"* || $names != *"IP Address:$KUBERNETES_SERVICE_IP,"* ]]; then
  sign "$PKI/apiserver" /CN=kube-apiserver "extendedKeyUsage = serverAuth
subjectAltName = $san"
fi
[[ -f $PKI/apiserver-kubelet-client.crt ]] ||
  sign "$PKI/apiserver-kubelet-client" "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage = clientAuth"
# One token per identity: the admin (kubectl, Pulumi, the node's add-ons), and the kubelet, kube-proxy and
# kube-scheduler as the users that Kubernetes' built-in RBAC roles and the Node authorizer expect.
for who in node proxy scheduler; do
  [[ -f $PKI/$who.token ]] || (umask 077 && openssl rand -hex 32 > "$PKI/$who.token")
done
TOKEN=$(<"$PKI/admin.token")
# token,user,uid,"group1,group2"
{
  printf '%s,classhub-admin,classhub-admin,"system:masters"\n' "$TOKEN"
  printf '%s,system:node:%s,%s,"system:nodes"\n' "$(<"$PKI/node.token")" "$NODE_NAME" "$NODE_NAME"
  printf '%s,system:kube-proxy,system:kube-proxy\n' "$(<"$PKI/proxy.token")"
  printf '%s,system:kube-scheduler,system:kube-scheduler\n' "$(<"$PKI/scheduler.token")"
} > "$PKI/tokens.csv"
chmod 600 "$PKI/tokens.csv"

if pid_alive "$CP_DIR/etcd.pid" && pid_alive "$CP_DIR/kube-apiserver.pid" &&
   [[ $(cat "$CP_DIR/apiserver.address" 2>/dev/null) == "$APISERVER_ADDRESS" ]] &&
   { ((want_kcm == 0)) || pid_alive "$CP_DIR/kube-controller-manager.pid"; } &&
   [[ ! $PKI/apiserver.crt -nt $CP_DIR/kube-apiserver.pid ]] && api_get /readyz >/dev/null 2>&1; then
  cp_log "already running at $APISERVER_URL (kubeconfig: $CP_KUBECONFIG)"
  exit 0
fi
# Half-started leftovers from an earlier run, or a server whose certificate changed: stop them first.
stop_group kube-controller-manager
stop_group kube-apiserver
stop_group etcd

if [[ ${CLASSHUB_CP_RESET:-0} == 1 ]]; then
  cp_log "CLASSHUB_CP_RESET=1: wiping etcd data"
  rm -rf "$CP_DIR/etcd"
fi

# --- etcd ------------------------------------------------------------------------------------
ETCD_URL=http://127.0.0.1:$ETCD_CLIENT_PORT
cp_log "starting etcd on $ETCD_URL (log: $CP_DIR/logs/etcd.log)"
setsid etcd \
  --name classhub-local \
  --data-dir "$CP_DIR/etcd" \
  --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "classhub-local=http://127.0.0.1:$ETCD_PEER_PORT" \
  </dev/null >>"$CP_DIR/logs/etcd.log" 2>&1 &
echo $! > "$CP_DIR/etcd.pid"

fail() {
  cp_log "$1; last log lines:"
  tail -n 20 "$CP_DIR/logs/$2.log" >&2 || true
  stop_group kube-controller-manager
  stop_group kube-apiserver
  stop_group etcd
  exit 1
}
for ((i = 0; i < 300; i++)); do
  curl -fsS --max-time 2 "$ETCD_URL/health" 2>/dev/null | grep -q '"health":"true"' && break
  pid_alive "$CP_DIR/etcd.pid" || fail "etcd exited" etcd
  sleep 0.1
done
((i < 300)) || fail "etcd not healthy after 30s" etcd

# --- kube-apiserver -----------------------------------------------------------------------
cp_log "starting kube-apiserver on $APISERVER_URL (log: $CP_DIR/logs/kube-apiserver.log)"
setsid kube-apiserver \
  --bind-address="$APISERVER_ADDRESS" --advertise-address="${APISERVER_ADVERTISE:-127.0.0.1}" --secure-port="$APISERVER_PORT" \
  --etcd-servers="$ETCD_URL" \
  --cert-dir="$CP_DIR/apiserver-certs" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --token-auth-file="$PKI/tokens.csv" \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,PodSecurity,ResourceQuota,DefaultStorageClass,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP \
  --allow-privileged=true \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --profiling=false \
  </dev/null >>"$CP_DIR/logs/kube-apiserver.log" 2>&1 &
echo $! > "$CP_DIR/kube-apiserver.pid"
echo "$APISERVER_ADDRESS" > "$CP_DIR/apiserver.address"

for ((i = 0; i < 600; i++)); do
  [[ $(api_get /readyz 2>/dev/null) == ok ]] && break
  pid_alive "$CP_DIR/kube-apiserver.pid" || fail "kube-apiserver exited" kube-apiserver
  sleep 0.2
done
((i < 600)) || fail "kube-apiserver not ready after 120s" kube-apiserver

# --- kubeconfig -----------------------------------------------------------------------------
write_kubeconfig "$CP_KUBECONFIG" classhub-admin "$TOKEN"

# --- kube-controller-manager ----------------------------------------------------------------
# Namespace finalization, service-account/token controllers, garbage
# collection, Deployment -> ReplicaSet -> Pod, etc. It talks to the API server
# with the admin token (its own copy of the kubeconfig).
if ((want_kcm)); then
  KCM_PORT=${CLASSHUB_KCM_PORT:-10257}
  write_kubeconfig "$CP_DIR/controller-manager.kubeconfig" classhub-admin "$TOKEN"
  cp_log "starting kube-controller-manager (log: $CP_DIR/logs/kube-controller-manager.log)"
  setsid kube-controller-manager \
    --kubeconfig="$CP_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CP_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$CP_DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
    --cert-dir="$CP_DIR/controller-manager-certs" \
    --leader-elect=false \
    --service-account-private-key-file="$PKI/sa.key" \
    --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --allocate-node-cidrs --cluster-cidr="$CLUSTER_CIDR" --node-cidr-mask-size=24 \
    --profiling=false \
    </dev/null >>"$CP_DIR/logs/kube-controller-manager.log" 2>&1 &
  echo $! > "$CP_DIR/kube-controller-manager.pid"
  for ((i = 0; i < 300; i++)); do
    [[ $(curl -ksS --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz" 2>/dev/null) == ok ]] && break
    pid_alive "$CP_DIR/kube-controller-manager.pid" || fail "kube-controller-manager exited" kube-controller-manager
    sleep 0.2
  done
  ((i < 300)) || fail "kube-controller-manager not healthy after 60s" kube-controller-manager
else
  cp_log "kube-controller-manager not started (not built, or CLASSHUB_CP_CONTROLLERS=0)"
fi

cp_log "ready: $APISERVER_URL"
cp_log "kubeconfig: $CP_KUBECONFIG (context $CP_CONTEXT)"
echo "export KUBECONFIG=$CP_KUBECONFIG"
