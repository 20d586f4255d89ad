"""Bad settings stop the hub at startup with a message naming the field.

Each case mutates a valid settings document and loads jupyterhub_config.py
through JupyterHub's own loader (which raises config file errors), so what is
checked is what the hub would do. One case runs the real ``jupyterhub``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import classhub_settings
from helpers import CONFIG_FILE, FIXTURES, SECRETS, free_port, read_settings, write_settings

VALID = {
    "google": FIXTURES / "google.json",
    "github": FIXTURES / "github.json",
    "dummy": FIXTURES / "dummy.json",
    "generic-oauth": FIXTURES / "generic-oauth.json",
}


def set_path(data: dict, path: str, value) -> None:
    """Set (or with value DELETE, remove) a dotted path; [n] indexes lists."""
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


DELETE = object()

# (base fixture, dotted path, bad value, text the error must contain)
CASES = [
    ("dummy", "version", 2, "version: expected 1"),
    ("dummy", "hub.bindUrl", DELETE, "hub.bindUrl: required key is missing"),
    ("dummy", "hub.cpuLimit", 2, "hub.cpuLimit: unknown key"),
    ("dummy", "hub.baseUrl", "/hub", "hub.baseUrl: expected a path starting and ending"),
    ("dummy", "hub.connectUrl", "hub:8081", "hub.connectUrl: expected an http"),
    ("google", "hub.publicUrl", "data8.example.edu", "hub.publicUrl: expected an http"),
    ("dummy", "hub.dbUrl", "/srv/jupyterhub/jupyterhub.sqlite", "hub.dbUrl"),
    ("dummy", "hub.concurrentSpawnLimit", 0, "hub.concurrentSpawnLimit: expected an integer"),
    ("dummy", "hub.activeServerLimit", "1200", "hub.activeServerLimit: expected an integer"),
    ("dummy", "hub.namedServers", "false", "hub.namedServers: expected true or false"),
    ("dummy", "hub.logLevel", "verbose", "hub.logLevel: expected one of"),
    ("dummy", "proxy.apiUrl", None, "proxy.apiUrl: expected an http"),
    ("dummy", "auth.type", "saml", "auth.type: expected one of"),
    ("dummy", "auth.allowedUsers", [], "auth.allowedUsers: the roster is empty"),
    ("dummy", "auth.allowedUsers", ["s1", "s1"], "auth.allowedUsers: has duplicate"),
    ("dummy", "auth.admins", "alice", "auth.admins: expected a list of strings"),
    ("dummy", "auth.clientId", "abc", "auth.clientId: must be null for auth.type dummy"),
    ("github", "auth.callbackUrl", None, "auth.callbackUrl: expected an http"),
    ("github", "auth.callbackUrl", "https://x.edu/hub/login", "auth.callbackUrl"),
    ("github", "auth.clientId", "", "auth.clientId: expected a non-empty string"),
    ("github", "auth.github", None, "auth.github: expected an object"),
    ("github", "auth.google", {"hostedDomain": []}, "auth.google: must be null"),
    ("google", "auth.admins", ["instructor"], "auth.admins[0]: expected a Google email"),
    ("google", "auth.google.hostedDomain", [], "auth.allowedUsers: the roster is empty"),
    (
        "generic-oauth",
        "auth.genericOAuth.claimGroupsKey",
        None,
        "auth.genericOAuth.claimGroupsKey: required when",
    ),
    ("generic-oauth", "auth.genericOAuth.tokenUrl", "token", "auth.genericOAuth.tokenUrl"),
    ("dummy", "spawner.namespace", "other-ns", "spawner.namespace: expected the class namespace"),
    ("dummy", "spawner.image", "", "spawner.image: expected a non-empty string"),
    ("dummy", "spawner.imagePullPolicy", "always", "spawner.imagePullPolicy"),
    ("dummy", "spawner.cpuLimit", "2", "spawner.cpuLimit: expected a number"),
    ("dummy", "spawner.cpuGuarantee", 99, "spawner.cpuGuarantee: guarantee is above the limit"),
    ("dummy", "spawner.memLimit", "2Gi", "spawner.memLimit: expected an integer"),
    ("dummy", "spawner.uid", 0, "spawner.uid: expected an integer >= 1"),
    ("dummy", "spawner.defaultUrl", "lab", "spawner.defaultUrl"),
    ("dummy", "spawner.environment", {"TZ": 1}, "spawner.environment.TZ: expected a string"),
    ("dummy", "spawner.nodeSelector", None, "spawner.nodeSelector: expected an object"),
    (
        "dummy",
        "spawner.tolerations",
        [{"key": "a", "operator": "Equals"}],
        "spawner.tolerations[0].operator",
    ),
    ("github", "spawner.profiles[1].slug", "cpu", "spawner.profiles[1].slug: duplicate"),
    ("github", "spawner.profiles[1].overrides.gpus", -1, "spawner.profiles[1].overrides.gpus"),
    (
        "github",
        "spawner.profiles[1].overrides.cpuGuarantee",
        8,
        "spawner.profiles[1].overrides.cpuGuarantee: guarantee is above",
    ),
    ("github", "spawner.profiles[0].overrides.gpu", 1, "spawner.profiles[0].overrides.gpu:"),
    ("dummy", "storage.capacity", "ten gigs", "storage.capacity: expected a Kubernetes quantity"),
    ("dummy", "storage.pvcNameTemplate", "home", "storage.pvcNameTemplate: must contain"),
    ("dummy", "storage.mountPath", "home/jovyan", "storage.mountPath: expected an absolute"),
    ("dummy", "storage.volumeName", "Home Dir", "storage.volumeName"),
    ("dummy", "culler.timeoutSeconds", 0, "culler.timeoutSeconds: expected an integer >= 1"),
    ("dummy", "culler.enabled", "yes", "culler.enabled: expected true or false"),
]


@pytest.mark.parametrize(
    ("base", "path", "value", "message"),
    CASES,
    ids=[f"{c[1]}={'<deleted>' if c[2] is DELETE else c[2]!r}" for c in CASES],
)
def test_bad_field_stops_hub_naming_it(base, path, value, message, tmp_path, load_hub_config):
    data = read_settings(VALID[base])
    set_path(data, path, value)
    with pytest.raises(ValueError, match=r"hub-settings\.json: ") as err:
        load_hub_config(write_settings(tmp_path, data))
    assert message in str(err.value)


def test_valid_fixtures_load(load_hub_config):
    """The bases of the cases above are themselves valid."""
    for path in VALID.values():
        load_hub_config(path)


def test_missing_settings_file(tmp_path, load_hub_config):
    missing = tmp_path / "nope" / "hub-settings.json"
    with pytest.raises(ValueError, match="settings file not found") as err:
        load_hub_config(missing)
    assert str(missing) in str(err.value)
    assert "CLASSHUB_SETTINGS" in str(err.value)


def test_settings_not_json(tmp_path, load_hub_config):
    path = tmp_path / "hub-settings.json"
    path.write_text('{"version": 1,\n  "class": }')
    with pytest.raises(ValueError, match=r"not valid JSON: .* line 2"):
        load_hub_config(path)


def test_settings_not_an_object(tmp_path, load_hub_config):
    path = tmp_path / "hub-settings.json"
    path.write_text("[]")
    with pytest.raises(ValueError, match=r"\(top level\): expected an object"):
        load_hub_config(path)


@pytest.mark.parametrize(
    "name",
    [
        "CONFIGPROXY_AUTH_TOKEN",
        "JPY_COOKIE_SECRET",
        "JUPYTERHUB_CRYPT_KEY",
        "CLASSHUB_CULLER_API_TOKEN",
        "CLASSHUB_OAUTH_CLIENT_SECRET",
    ],
)
def test_missing_secret_names_the_variable(name, load_hub_config, hub_env):
    hub_env.delenv(name)
    with pytest.raises(ValueError, match=f"environment variable {name}: required secret"):
        load_hub_config(VALID["github"])  # oauth and culler: needs every secret


@pytest.mark.parametrize("name", ["JPY_COOKIE_SECRET", "JUPYTERHUB_CRYPT_KEY"])
def test_malformed_hex_secret_is_refused_without_echoing_it(name, load_hub_config, hub_env):
    bad = "not-hex-" + "z" * 56
    hub_env.setenv(name, bad)
    with pytest.raises(ValueError, match=f"{name}: must be 64 hex characters") as err:
        load_hub_config(VALID["dummy"])
    assert bad not in str(err.value)


def test_secrets_not_needed_are_not_required(tmp_path, load_hub_config, hub_env):
    """Dummy auth needs no OAuth secret; a disabled culler needs no token."""
    data = read_settings(VALID["dummy"])
    data["culler"]["enabled"] = False
    hub_env.delenv("CLASSHUB_OAUTH_CLIENT_SECRET")
    hub_env.delenv("CLASSHUB_CULLER_API_TOKEN")
    app = load_hub_config(write_settings(tmp_path, data))
    assert app.services == []


def test_settings_helper_get_and_require():
    settings = classhub_settings.load_settings(VALID["dummy"])
    assert settings.require("spawner.uid") == 1000
    assert settings.get("hub.publicUrl", "fallback") == "fallback"  # null -> default
    assert settings.get("no.such.path") is None
    with pytest.raises(ValueError, match=r"dummy\.json: hub\.publicUrl: required"):
        settings.require("hub.publicUrl")
    with pytest.raises(ValueError, match=r"no\.such\.path: required but missing"):
        settings.require("no.such.path")


def test_real_hub_exits_at_startup_naming_the_field(tmp_path):
    """The real jupyterhub process: exits non-zero, says which field, serves nothing."""
    data = read_settings(VALID["dummy"])
    data["spawner"]["cpuLimit"] = "lots"
    port = free_port()
    data["hub"]["bindUrl"] = data["hub"]["connectUrl"] = f"http://127.0.0.1:{port}"
    data["hub"]["dbUrl"] = f"sqlite:///{tmp_path}/jupyterhub.sqlite"
    env = {
        **os.environ,
        **SECRETS,
        "CLASSHUB_SETTINGS": str(write_settings(tmp_path, data)),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "jupyterhub", "--config", str(CONFIG_FILE), "--upgrade-db"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "spawner.cpuLimit: expected a number" in proc.stderr
    assert "'lots'" in proc.stderr
    # no half-configured hub: it never got as far as creating its database
    assert not (tmp_path / "jupyterhub.sqlite").exists()
