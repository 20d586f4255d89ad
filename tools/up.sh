#!/usr/bin/env bash
# `make up`: deploys a stack (default dev) for real, with state in .pulumi-state/ inside the project.
#
# - Uses the pulumi CLI on PATH; without one, builds the offline toolchain (tools/toolchain/build.sh, cached
#   under ~/.cache/classhub; the first build takes about an hour on 2 cores).
# - Uses the current kubeconfig context if its API server answers; otherwise starts the local control plane
#   (tools/controlplane/up.sh) and deploys there with classhub:cluster.skipAwait, since it runs no kubelet.
# - Never touches your own `pulumi login`: PULUMI_BACKEND_URL points into the project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STACK=${STACK:-dev}
say() { printf '[up] %s\n' "$*" >&2; }

if ! command -v pulumi >/dev/null; then
  say "no pulumi CLI on PATH: using the offline toolchain in ~/.cache/classhub (built once from Go modules)"
  tools/toolchain/build.sh
  eval "$(tools/toolchain/env.sh)"
fi
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$PWD/.pulumi-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-classhub-dev}
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p .pulumi-state

reachable() { command -v kubectl >/dev/null && kubectl version --request-timeout=5s >/dev/null 2>&1; }

config_args=()
if reachable; then
  say "deploying to the current kubeconfig context: $(kubectl config current-context)"
else
  say "no reachable cluster in your kubeconfig: starting the local control plane on 127.0.0.1 (no kubelet: pods are stored, not run)"
  [[ -x $(command -v kube-apiserver || true) ]] || { tools/toolchain/build.sh etcd kube-apiserver kube-controller-manager kubectl; eval "$(tools/toolchain/env.sh)"; }
  tools/controlplane/up.sh >/dev/null
  export KUBECONFIG=${CLASSHUB_KUBECONFIG:-${CLASSHUB_CACHE:-$HOME/.cache/classhub}/controlplane/kubeconfig}
  # The stack file stays as committed; this copy points the class at the local control plane.
  local_config=.pulumi-state/Pulumi.$STACK.local.yaml
  node -e '
    const fs = require("fs"), YAML = require("yaml");
    const [src, dst] = process.argv.slice(1);
    const doc = YAML.parse(fs.readFileSync(src, "utf8"));
    doc.config["classhub:cluster"] = { source: "ambient", context: "classhub-local", skipAwait: true };
    fs.writeFileSync(dst, YAML.stringify(doc));
  ' "Pulumi.$STACK.yaml" "$local_config"
  config_args=(--config-file "$local_config")
fi

pulumi stack select --create "$STACK" --non-interactive >/dev/null
pulumi up --yes --non-interactive --stack "$STACK" "${config_args[@]}"
pulumi stack output --stack "$STACK"
namespace=$(pulumi stack output namespace --stack "$STACK")
cat >&2 <<EOT

[up] The class runs in namespace $namespace. To reach the hub:
  kubectl -n $namespace get svc proxy-public
  kubectl -n $namespace port-forward svc/proxy-public 8000:80   # then open http://localhost:8000/
  (on the local control plane nothing runs: it checks what the API server accepts, see README)
EOT
