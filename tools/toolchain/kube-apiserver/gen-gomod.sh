#!/usr/bin/env bash
# Regenerates go.mod/go.sum of this wrapper for a given Kubernetes release.
# k8s.io/kubernetes replaces every staging module (k8s.io/api, ...) with a
# local ./staging path that is not part of the module zip; the published
# k8s.io/<name> v0.X.Y modules are the same code, so replace each with that.
# Usage: ./gen-gomod.sh v1.35.4
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
KVER=${1:?usage: gen-gomod.sh v1.X.Y}
SVER=v0.${KVER#v1.}
gomod=$(go mod download -json "k8s.io/kubernetes@$KVER" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
goline=$(grep -m1 '^go ' "$gomod")
{
  echo "module classhub.local/toolchain/kube-apiserver"
  echo
  echo "$goline"
  echo
  grep '^godebug' "$gomod" || true
  echo
  echo "replace ("
  grep -E '^\s+k8s\.io/[a-z0-9-]+ => \./staging/' "$gomod" |
    awk -v v="$SVER" '{print "\t" $1 " => " $1 " " v}'
  echo ")"
} > go.mod
rm -f go.sum
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$KVER"
go get -tool "k8s.io/kubernetes/cmd/kubectl@$KVER"
go get -tool "k8s.io/kubernetes/cmd/kube-controller-manager@$KVER"
for cmd in kubelet kube-scheduler kube-proxy; do go get -tool "k8s.io/kubernetes/cmd/$cmd@$KVER"; done
go mod tidy
