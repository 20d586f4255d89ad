#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Smoke test of the local control plane: up.sh, API checks with curl and the
# admin token, PodSecurity "restricted" rejecting a privileged pod in a
# server-side dry run, namespace deletion (with kube-controller-manager),
# down.sh, and no process left behind. `make test-live` runs it first: the live
# tests cover the rest, not anonymous access, namespace finalization or down.sh.
# Uses a throw-away state dir and ports unless CLASSHUB_CP_DIR is set.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -z ${CLASSHUB_CP_DIR:-} ]]; then
  CLASSHUB_CP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/classhub-cp.XXXXXX")
  # Ports apart from `make up`'s and the live tests', so it runs beside either.
  : "${CLASSHUB_APISERVER_PORT:=36443}" "${CLASSHUB_ETCD_PORT:=43790}" "${CLASSHUB_ETCD_PEER_PORT:=43800}"
  : "${CLASSHUB_KCM_PORT:=30257}"
  export CLASSHUB_CP_DIR CLASSHUB_APISERVER_PORT CLASSHUB_ETCD_PORT CLASSHUB_ETCD_PEER_PORT CLASSHUB_KCM_PORT
  unset CLASSHUB_KUBECONFIG
  # A failed check must not leave a control plane running (down.sh is a no-op once it has run).
  trap '"$HERE/down.sh" 2>/dev/null; rm -rf "$CLASSHUB_CP_DIR"' EXIT
else
  trap '"$HERE/down.sh" 2>/dev/null' EXIT
fi
# shellcheck source=common.sh
source "$HERE/common.sh"
pass=0 failed=0
check() { # check NAME CMD...
  if "${@:2}"; then echo "PASS $1"; pass=$((pass + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}
api() { # api METHOD PATH [JSON]
  curl -sS --max-time 10 --cacert "$CP_DIR/pki/ca.crt" -X "$1" \
    -H "Authorization: Bearer $(<"$CP_DIR/pki/admin.token")" \
    -H 'Content-Type: application/json' ${3:+--data "$3"} "$APISERVER_URL$2"
}
# watch_for PATH TYPE SECONDS: an event of TYPE arrives on a watch of PATH (which has a query) within SECONDS.
# Event-driven, no polling: a watch without resourceVersion starts with what exists, as ADDED events; one from
# a resourceVersion replays everything since, so an event that came first is not missed.
# The watch is closed as soon as the event is seen: an open watch holds up the API server's shutdown in down.sh.
watch_for() {
  local events watcher status=0
  exec {events}< <(exec curl -sN --max-time "$(($3 + 5))" --cacert "$CP_DIR/pki/ca.crt" \
    -H "Authorization: Bearer $(<"$CP_DIR/pki/admin.token")" "$APISERVER_URL$1&watch=1&timeoutSeconds=$3")
  watcher=$!
  grep -qE "\"type\": *\"$2\"" <&"$events" || status=$?
  kill "$watcher" 2>/dev/null || true
  exec {events}<&-
  return "$status"
}

"$HERE/up.sh" >/dev/null
contains() { grep -q -- "$2" <<<"$1"; } # contains TEXT PATTERN
check "readyz" test "$(api_get /readyz)" = ok
check "kubeconfig has context classhub-local" grep -q 'current-context: classhub-local' "$CP_KUBECONFIG"
out=$(api POST /apis/authentication.k8s.io/v1/selfsubjectreviews \
  '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}')
check "token user is in system:masters" contains "$out" '"system:masters"'
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CP_DIR/pki/ca.crt" "$APISERVER_URL/api/v1/namespaces")
check "anonymous cannot list namespaces (HTTP $code)" test "$code" = 401 -o "$code" = 403
ns=psa-check-$RANDOM
api POST /api/v1/namespaces "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$ns\",\"labels\":{\"pod-security.kubernetes.io/enforce\":\"restricted\"}}}" >/dev/null
out=$(api GET "/api/v1/namespaces/$ns")
check "namespace $ns created with enforce=restricted" contains "$out" '"pod-security.kubernetes.io/enforce": "restricted"'
# The ServiceAccount admission plugin needs the namespace's "default" service
# account: kube-controller-manager creates it; without it, create it here.
if [[ -f $CP_DIR/kube-controller-manager.pid ]]; then
  check "controller-manager created the default service account" \
    watch_for "/api/v1/namespaces/$ns/serviceaccounts?fieldSelector=metadata.name%3Ddefault" ADDED 20
else
  api POST "/api/v1/namespaces/$ns/serviceaccounts" '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}' >/dev/null
fi
priv='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"priv"},"spec":{"containers":[{"name":"c","image":"busybox","securityContext":{"privileged":true}}]}}'
out=$(api POST "/api/v1/namespaces/$ns/pods?dryRun=All" "$priv")
sed -n 's/.*"message": *"\(.*\)",*$/  message: \1/p' <<<"$out" | head -1
check "privileged pod rejected by PodSecurity (dryRun=All)" contains "$out" 'violates PodSecurity'
okpod='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"busybox","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}'
out=$(api POST "/api/v1/namespaces/$ns/pods?dryRun=All" "$okpod")
check "restricted-compliant pod accepted (dryRun=All)" contains "$out" '"kind": "Pod"'
out=$(api GET "/api/v1/namespaces/$ns/pods")
check "dry runs created no pod" contains "$out" '"items": \[\]'
if [[ -f $CP_DIR/kube-controller-manager.pid ]]; then
  rv=$(api DELETE "/api/v1/namespaces/$ns" | sed -n 's/.*"resourceVersion": *"\([0-9]*\)".*/\1/p' | head -1)
  check "namespace deletion finalized by the controller-manager" \
    watch_for "/api/v1/namespaces?fieldSelector=metadata.name%3D$ns&resourceVersion=$rv" DELETED 30
fi
pids=$(cat "$CP_DIR"/*.pid)
"$HERE/down.sh"
left=""
for p in $pids; do
  if kill -0 -- "-$p" 2>/dev/null; then left="$left $p"; fi
done
check "no process left after down.sh" test -z "$left"
check "pid files removed" bash -c "! ls '$CP_DIR'/*.pid 2>/dev/null"
echo "$pass passed, $failed failed"
((failed == 0))
