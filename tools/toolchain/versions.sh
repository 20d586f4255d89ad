# Versions of the local toolchain (sourced by build.sh and env.sh).
# shellcheck shell=bash disable=SC2034
PULUMI_VERSION=v3.276.0             # CLI; matches @pulumi/pulumi 3.276.0 in package.json
KUBE_VERSION=v1.35.4                # kube-apiserver + kubectl (k8s.io/kubernetes)
ETCD_VERSION=v3.6.16                # go.etcd.io/etcd/server/v3 (kube 1.35 uses etcd 3.6 clients)
# Version the Kubernetes plugin is built and installed as: the one
# @pulumi/kubernetes in package.json asks the engine for.
K8S_PROVIDER_VERSION=4.34.2
# Source it is built from: the only version of
# github.com/pulumi/pulumi-kubernetes/provider/v4 the Go module proxy serves
# (commit f47bc2d6f199 = upstream tag v4.25.0). Keep in sync with
# pulumi-resource-kubernetes/go.mod.
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
RANDOM_PROVIDER_VERSION=4.21.2      # @pulumi/random; local stand-in plugin, see README.md
