"""What the rendered Kubernetes objects must give the hub config, per example stack.

The render (tools/dev/render.ts) writes kubernetes.yaml next to hub-settings.json.
These tests check the seams between the two: the ConfigMap ships exactly the
files in hub/, the hub Deployment runs them with the secrets jupyterhub_config.py
reads, the images match the pinned versions, and the NetworkPolicies select
the pods KubeSpawner makes.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest
import yaml

from helpers import HUB_DIR, REPO, SENTINEL_OAUTH_CLIENT_SECRET, manifest_dict, run, uses_oauth

CONFIG_DIR = "/usr/local/etc/jupyterhub"


@pytest.fixture
def objects(stack_settings_path) -> list[dict]:
    path = stack_settings_path.parent / "kubernetes.yaml"
    return [o for o in yaml.safe_load_all(path.read_text()) if o]


def one(objects, kind, name=None, component=None) -> dict:
    found = [
        o
        for o in objects
        if o["kind"] == kind
        and (name is None or o["metadata"].get("name") == name)
        and (
            component is None
            or o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component
        )
    ]
    assert len(found) == 1, f"expected one {kind} {name or component}, found {len(found)}"
    return found[0]


def hub_container(objects) -> dict:
    deployment = one(objects, "Deployment", component="hub")
    (c,) = deployment["spec"]["template"]["spec"]["containers"]
    return c


def test_configmap_ships_hub_files_and_settings(objects, stack_settings_path):
    # The hub's config ConfigMap; with branding the hub has a second one (template and logo).
    (data,) = [
        o["data"]
        for o in objects
        if o["kind"] == "ConfigMap" and "hub-settings.json" in o.get("data", {})
    ]
    assert data["jupyterhub_config.py"] == (HUB_DIR / "jupyterhub_config.py").read_text()
    assert data["classhub_settings.py"] == (HUB_DIR / "classhub_settings.py").read_text()
    assert json.loads(data["hub-settings.json"]) == json.loads(stack_settings_path.read_text())


def test_hub_runs_this_config_with_settings_path(objects):
    c = hub_container(objects)
    command = c.get("command", []) + c.get("args", [])
    assert command[0] == "jupyterhub"
    assert command[command.index("--config") + 1] == f"{CONFIG_DIR}/jupyterhub_config.py"
    assert "--upgrade-db" in command
    env = {e["name"]: e for e in c["env"]}
    assert env["CLASSHUB_SETTINGS"]["value"] == f"{CONFIG_DIR}/hub-settings.json"
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    assert CONFIG_DIR in mounts


def test_hub_gets_every_secret_it_reads_from_a_secret(objects, stack_settings_path):
    s = json.loads(stack_settings_path.read_text())
    needed = {
        "CONFIGPROXY_AUTH_TOKEN",
        "JPY_COOKIE_SECRET",
        "JUPYTERHUB_CRYPT_KEY",
        "CLASSHUB_CHECK_API_TOKEN",
    }
    if s["culler"]["enabled"]:
        needed.add("CLASSHUB_CULLER_API_TOKEN")
    if s["auth"]["type"] != "dummy":
        needed.add("CLASSHUB_OAUTH_CLIENT_SECRET")
    env = {e["name"]: e for e in hub_container(objects)["env"]}
    for name in needed:
        assert name in env, f"hub Deployment lacks env {name}"
        assert "value" not in env[name], f"{name} must come from a Secret, not a literal"
        assert "secretKeyRef" in env[name]["valueFrom"]
    # every secret the config reads is one of these names
    config_text = (HUB_DIR / "jupyterhub_config.py").read_text()
    read = set(re.findall(r'secret\("([A-Z_]+)"', config_text))
    assert read == {
        "CONFIGPROXY_AUTH_TOKEN",
        "JPY_COOKIE_SECRET",
        "JUPYTERHUB_CRYPT_KEY",
        "CLASSHUB_CULLER_API_TOKEN",
        "CLASSHUB_CHECK_API_TOKEN",
        "CLASSHUB_OAUTH_CLIENT_SECRET",
    }


def test_hub_image_is_the_one_the_pins_match(objects):
    first_line = (REPO / "requirements-hub.txt").read_text().splitlines()[0]
    match = re.search(r"matches (\S+);", first_line)
    assert match, first_line
    assert hub_container(objects)["image"] == match.group(1)


def test_proxy_image_is_the_chp_version_the_smoke_test_runs(objects):
    deployment = one(objects, "Deployment", component="proxy")
    (c,) = deployment["spec"]["template"]["spec"]["containers"]
    name, tag = c["image"].rsplit(":", 1)
    assert name.endswith("/configurable-http-proxy")
    package = REPO / "node_modules" / "configurable-http-proxy" / "package.json"
    assert json.loads(package.read_text())["version"] == tag
    # the proxy talks to the hub where the settings say the hub is
    command = c.get("command", []) + c.get("args", [])
    assert any(arg.startswith("--default-target=") for arg in command)


def test_services_are_where_the_settings_point(objects, stack_settings_path):
    s = json.loads(stack_settings_path.read_text())
    hub = urlparse(s["hub"]["connectUrl"])
    hub_svc = one(objects, "Service", name=hub.hostname)
    assert hub.port in [p["port"] for p in hub_svc["spec"]["ports"]]
    assert hub_svc["spec"]["selector"]["app.kubernetes.io/component"] == "hub"
    api = urlparse(s["proxy"]["apiUrl"])
    api_svc = one(objects, "Service", name=api.hostname)
    assert api.port in [p["port"] for p in api_svc["spec"]["ports"]]
    assert api_svc["spec"]["selector"]["app.kubernetes.io/component"] == "proxy"
    # the hub listens on the port its Service sends to
    bind_port = urlparse(s["hub"]["bindUrl"]).port
    ports = hub_container(objects)["ports"]
    assert bind_port in [p["containerPort"] for p in ports]


def test_hub_database_is_on_the_hub_volume(objects, stack_settings_path):
    s = json.loads(stack_settings_path.read_text())
    db_path = s["hub"]["dbUrl"].removeprefix("sqlite:///")
    deployment = one(objects, "Deployment", component="hub")
    spec = deployment["spec"]["template"]["spec"]
    pvc_volumes = {v["name"] for v in spec["volumes"] if "persistentVolumeClaim" in v}
    mounts = [m for m in hub_container(objects)["volumeMounts"] if m["name"] in pvc_volumes]
    assert any(db_path.startswith(m["mountPath"].rstrip("/") + "/") for m in mounts)


def test_singleuser_network_policy_selects_spawned_pods(
    objects, stack_settings_path, load_hub_config, make_spawner
):
    app = load_hub_config(stack_settings_path)

    async def build():
        spawner = make_spawner(app)
        await spawner.load_user_options()
        return spawner.port, manifest_dict(await spawner.get_pod_manifest())

    port, pod = run(build())
    policy = one(objects, "NetworkPolicy", component="singleuser-server")
    selector = policy["spec"]["podSelector"]["matchLabels"]
    labels = pod["metadata"]["labels"]
    assert selector.items() <= labels.items()
    ingress_ports = {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]}
    assert port in ingress_ports


def test_hub_role_allows_what_kubespawner_does(objects):
    """storage_pvc_ensure creates PVCs; pods are created, watched and deleted."""
    role = one(objects, "Role", component="hub")

    def allowed(resource, verb):
        return any(
            resource in rule["resources"] and verb in rule["verbs"] for rule in role["rules"]
        )

    for verb in ("get", "list", "watch", "create", "delete"):
        assert allowed("pods", verb), f"pods {verb}"
    for verb in ("get", "create"):
        assert allowed("persistentvolumeclaims", verb), f"persistentvolumeclaims {verb}"
    for verb in ("list", "watch"):
        assert allowed("events", verb), f"events {verb}"


def test_render_redacts_every_secret_value(objects):
    secrets = {
        o["metadata"]["labels"]["app.kubernetes.io/component"]: o["stringData"]
        for o in objects
        if o["kind"] == "Secret"
    }
    assert sorted(secrets) == ["hub", "proxy"]
    for component, values in secrets.items():
        assert set(values.values()) == {"<redacted>"}, component


@pytest.mark.stacks(where=uses_oauth)
def test_render_writes_the_oauth_client_secret_nowhere(objects, stack_settings_path):
    """Rendered with a sentinel client secret: it reached the hub Secret, and no file."""
    hub_secret = one(objects, "Secret", component="hub")
    assert hub_secret["stringData"]["oauth-client-secret"] == "<redacted>"
    out = stack_settings_path.parent
    files = sorted(f.name for f in out.iterdir())
    assert files == ["gcp.txt", "hub-settings.json", "kubernetes.yaml", "outputs.json"]
    leaks = [f for f in files if SENTINEL_OAUTH_CLIENT_SECRET in (out / f).read_text()]
    assert leaks == []
