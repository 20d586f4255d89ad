#!/usr/bin/env bash
# Stops the control plane started by up.sh: kube-controller-manager, then
# kube-apiserver, then etcd.
# Each was started in its own process group (setsid); the whole group gets
# SIGTERM, then SIGKILL after 20s. Data and certificates are kept; delete
# $CLASSHUB_CP_DIR (default $CLASSHUB_CACHE/controlplane) to start afresh.
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
stop_group kube-controller-manager
stop_group kube-apiserver
stop_group etcd
cp_log "stopped"
