#!/usr/bin/env bash
# `make up`: deploys a stack (default dev) for real, with state in .pulumi-state/ inside the project.
#
#   tools/dev/up.sh [--context NAME]      (make up [CONTEXT=NAME]; or CLASSHUB_CONTEXT=NAME)
#
# - Where (tools/dev/target.ts decides, before anything is built or started): without asking, only to a local
#   cluster (kind-*, k3d-*, minikube, docker-desktop, rancher-desktop) that answers, else to the local cluster
#   on this machine (tools/node/up.sh: the control plane and one node, with images built here, which the stack
#   is pointed at). Any other current context: at a terminal it asks, otherwise it refuses. --context NAME opts
#   in to NAME; classhub-local means the local cluster. Not root: only the control plane can start
#   (tools/controlplane/up.sh), so nothing runs and classhub:cluster.skipAwait is set.
# - Uses the pulumi CLI on PATH; without one, builds the offline toolchain (tools/toolchain/build.sh, cached
#   under ~/.cache/classhub; the first build took 12 minutes on 2 cores here, with empty Go caches).
# - Never touches your own `pulumi login`: PULUMI_BACKEND_URL points into the project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
STACK=${STACK:-dev}
context=${CLASSHUB_CONTEXT:-}
while (($#)); do
  case $1 in
    --context) context=${2:?--context needs a kubeconfig context name}; shift 2 ;;
    *) echo "usage: tools/dev/up.sh [--context NAME]" >&2; exit 2 ;;
  esac
done
say() { printf '[up] %s\n' "$*" >&2; }

interactive=()
[[ -t 0 && -t 2 ]] && interactive=(--interactive)
decision=$(node --import tsx tools/dev/target.ts --stack "$STACK" ${context:+--context "$context"} "${interactive[@]}")
action=${decision%%$'\t'*} target=${decision#*$'\t'}

if [[ $action == ask ]]; then
  read -r -p "[up] $target is not a local cluster. Type its name to deploy stack $STACK there: " answer
  [[ $answer == "$target" ]] || { say "not confirmed: nothing deployed"; exit 1; }
  action=deploy
fi

if ! command -v pulumi >/dev/null; then
  say "no pulumi CLI on PATH: using the offline toolchain in ~/.cache/classhub (built once from Go modules)"
  tools/toolchain/build.sh
  eval "$(tools/toolchain/env.sh)"
fi
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$PWD/.pulumi-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-classhub-dev}
export PULUMI_SKIP_UPDATE_CHECK=true
# Each state's provider applies as a field manager of its own: a fresh clone (new state) would fail on field
# conflicts with the dev class an earlier checkout deployed to the same cluster. Here the newest make up wins.
export PULUMI_K8S_ENABLE_PATCH_FORCE=true
mkdir -p .pulumi-state

answers() { command -v kubectl >/dev/null && kubectl --context "$1" version --request-timeout=5s >/dev/null 2>&1; }

case $action in
  local)
    if answers "$target"; then
      say "deploying to $target, a local cluster"
    else
      say "$target does not answer"
      action=controlplane target=classhub-local
    fi
    ;;
  deploy)
    if command -v kubectl >/dev/null && ! answers "$target"; then
      say "$target does not answer: nothing deployed"
      exit 1
    fi
    say "deploying to $target, as you asked"
    ;;
esac

skip_await=false
images=""
if [[ $action == controlplane ]]; then
  if ((EUID == 0)); then
    say "starting the local cluster on this machine: control plane and node (built the first time: about 6 minutes)"
    tools/node/up.sh >/dev/null
    # The stack runs the images built for the node, not the upstream ones it names.
    images=$(tools/node/images.sh refs)
  else
    say "not root, so no node can run here: starting only the control plane (pods are stored, not run)"
    [[ -x $(command -v kube-apiserver || true) ]] || { tools/toolchain/build.sh etcd kube-apiserver kube-controller-manager kubectl; eval "$(tools/toolchain/env.sh)"; }
    tools/controlplane/up.sh >/dev/null
    skip_await=true
  fi
  eval "$(tools/toolchain/env.sh)"
  export KUBECONFIG=${CLASSHUB_KUBECONFIG:-${CLASSHUB_CACHE:-$HOME/.cache/classhub}/controlplane/kubeconfig}
fi

# The stack file stays as committed; this copy pins the class to the context decided above, so a context
# switched in the meantime cannot redirect the deployment, and on the local cluster names the images built there.
local_config=.pulumi-state/Pulumi.$STACK.local.yaml
node -e '
  const fs = require("fs"), YAML = require("yaml");
  const [src, dst, context, skipAwait, images] = process.argv.slice(1);
  const doc = YAML.parse(fs.readFileSync(src, "utf8"));
  const old = doc.config["classhub:cluster"] ?? {};
  doc.config["classhub:cluster"] = {
    ...((old.source ?? "ambient") === "ambient" ? old : {}),
    source: "ambient",
    context,
    skipAwait: skipAwait === "true",
  };
  const ref = Object.fromEntries(images.split("\n").filter(Boolean).map((line) => line.split("=")));
  if (ref.HUB_IMAGE) {
    const cls = doc.config["classhub:class"];
    cls.image = ref.STUDENT_IMAGE;
    cls.hub = { ...cls.hub, image: ref.HUB_IMAGE };
    cls.proxy = { ...cls.proxy, image: ref.PROXY_IMAGE };
    cls.prePull = { ...cls.prePull, pauseImage: ref.PAUSE_IMAGE };
    cls.placeholders = { ...cls.placeholders, image: ref.PAUSE_IMAGE, scalerImage: ref.KUBECTL_IMAGE };
    // Profiles name their own images, which only a registry could serve: on the local cluster all use the class image.
    for (const profile of cls.profiles ?? []) delete profile.image;
  }
  fs.writeFileSync(dst, YAML.stringify(doc));
' "Pulumi.$STACK.yaml" "$local_config" "$target" "$skip_await" "$images"

pulumi stack select --create "$STACK" --non-interactive >/dev/null
# --refresh: the state follows the cluster, which may have been reset since (a recreated kind cluster, a wiped
# local control plane); objects that are gone are created again instead of failing the update.
pulumi up --yes --non-interactive --refresh --stack "$STACK" --config-file "$local_config"
pulumi stack output --stack "$STACK"
namespace=$(pulumi stack output namespace --stack "$STACK")
kubectl="kubectl --context $target"
[[ $action != controlplane ]] || kubectl="KUBECONFIG=$KUBECONFIG $kubectl"
if [[ $skip_await == true ]]; then
  say "The class is stored in namespace $namespace of the local control plane; nothing runs there (see README)."
  exit 0
fi
# On the local cluster a NodePort answers on this machine's loopback; elsewhere, a port-forward reaches the hub.
node_port=""
if [[ $action == controlplane ]]; then
  node_port=$(kubectl --context "$target" -n "$namespace" get svc proxy-public \
    -o jsonpath='{.spec.ports[?(@.name=="http")].nodePort}')
fi
if [[ -n $node_port ]]; then
  login=http://127.0.0.1:$node_port/hub/login
  for ((i = 0; i < 60; i++)); do
    curl -fs -o /dev/null --max-time 2 "$login" && break
    sleep 1
  done
  cat >&2 <<EOT

[up] The class runs in namespace $namespace of the local cluster. Its login page: $login
  Log in with a name on the roster in Pulumi.$STACK.yaml (dev: student1). What runs: $kubectl -n $namespace get pods
  make down stops the local cluster; homes and the hub database stay for the next make up.
EOT
else
  cat >&2 <<EOT

[up] The class runs in namespace $namespace of context $target. To reach the hub:
  $kubectl -n $namespace get svc proxy-public
  $kubectl -n $namespace port-forward svc/proxy-public 8000:80   # then open http://localhost:8000/
EOT
fi
