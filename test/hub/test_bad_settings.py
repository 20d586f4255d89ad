"""Bad settings stop the hub at startup with a message naming the field.

Each case mutates a valid settings document and loads jupyterhub_config.py
through JupyterHub's own loader (which raises config file errors), so what is
checked is what the hub would do. One case runs the real ``jupyterhub``.
"""

from __future__ import annotations

import os
import re
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

# (base fixture, dotted path, bad value, the error after "<settings file>: ")
CASES = [
    ("dummy", "version", 2, "version: 1 was expected"),
    ("dummy", "hub.bindUrl", DELETE, "hub: 'bindUrl' is a required property"),
    (
        "dummy",
        "hub.cpuLimit",
        2,
        "hub: Additional properties are not allowed ('cpuLimit' was unexpected)",
    ),
    ("dummy", "hub.baseUrl", "/hub", "hub.baseUrl: '/hub' does not match '^\\\\/(.*\\\\/)?$'"),
    (
        "dummy",
        "hub.connectUrl",
        "hub:8081",
        "hub.connectUrl: 'hub:8081' does not match '^https?:\\\\/\\\\/\\\\S*$'",
    ),
    (
        "google",
        "hub.publicUrl",
        "data8.example.edu",
        "hub.publicUrl: 'data8.example.edu' does not match '^https?:\\\\/\\\\/\\\\S*$'",
    ),
    (
        "dummy",
        "hub.dbUrl",
        "/srv/jupyterhub/jupyterhub.sqlite",
        "hub.dbUrl: '/srv/jupyterhub/jupyterhub.sqlite' does not match '^[a-z+]+:\\\\/\\\\/\\\\S*$'",
    ),
    (
        "dummy",
        "hub.concurrentSpawnLimit",
        0,
        "hub.concurrentSpawnLimit: 0 is less than the minimum of 1",
    ),
    (
        "dummy",
        "hub.activeServerLimit",
        "1200",
        "hub.activeServerLimit: '1200' is not of type 'integer'",
    ),
    ("dummy", "hub.namedServers", "false", "hub.namedServers: 'false' is not of type 'boolean'"),
    (
        "dummy",
        "hub.logLevel",
        "verbose",
        "hub.logLevel: 'verbose' is not one of ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']",
    ),
    ("dummy", "proxy.apiUrl", None, "proxy.apiUrl: None is not of type 'string'"),
    (
        "dummy",
        "auth.type",
        "saml",
        "auth.type: 'saml' is not one of ['dummy', 'github', 'google', 'generic-oauth', 'cilogon']",
    ),
    (
        "dummy",
        "auth.allowedUsers",
        [],
        "auth.allowedUsers: the roster is empty and no organization/domain/group restriction is set, so no student could log in (got [])",
    ),
    (
        "dummy",
        "auth.allowedUsers",
        ["s1", "s1"],
        "auth.allowedUsers: ['s1', 's1'] has non-unique elements",
    ),
    ("dummy", "auth.admins", "alice", "auth.admins: 'alice' is not of type 'array'"),
    (
        "dummy",
        "auth.clientId",
        "abc",
        "auth.clientId: must be null with auth.type dummy (got 'abc')",
    ),
    (
        "github",
        "auth.callbackUrl",
        None,
        "auth.callbackUrl: required with auth.type github (got None)",
    ),
    (
        "github",
        "auth.callbackUrl",
        "https://x.edu/hub/login",
        "auth.callbackUrl: 'https://x.edu/hub/login' does not match '^https:\\\\/\\\\/\\\\S+\\\\/oauth_callback$'",
    ),
    ("github", "auth.clientId", "", "auth.clientId: '' does not match '\\\\S'"),
    ("github", "auth.github", None, "auth.github: required with auth.type github (got None)"),
    (
        "github",
        "auth.google",
        {"hostedDomain": [], "allowedDomains": []},
        "auth.google: must be null with auth.type github (got {'hostedDomain': [], 'allowedDomains': []})",
    ),
    (
        "google",
        "auth.google.hostedDomain",
        [],
        "auth.allowedUsers: the roster is empty and no organization/domain/group restriction is set, so no student could log in (got [])",
    ),
    (
        "generic-oauth",
        "auth.genericOAuth.claimGroupsKey",
        None,
        "auth.genericOAuth.claimGroupsKey: required when auth.genericOAuth.allowedGroups is set (got None)",
    ),
    (
        "generic-oauth",
        "auth.genericOAuth.tokenUrl",
        "token",
        "auth.genericOAuth.tokenUrl: 'token' does not match '^https?:\\\\/\\\\/\\\\S*$'",
    ),
    (
        "dummy",
        "spawner.namespace",
        "other-ns",
        "spawner.namespace: expected the class namespace 'dev' (got 'other-ns')",
    ),
    ("dummy", "spawner.image", "", "spawner.image: '' does not match '\\\\S'"),
    (
        "dummy",
        "spawner.imagePullPolicy",
        "always",
        "spawner.imagePullPolicy: 'always' is not one of ['Always', 'IfNotPresent', 'Never']",
    ),
    ("dummy", "spawner.cpuLimit", "2", "spawner.cpuLimit: '2' is not of type 'number'"),
    (
        "dummy",
        "spawner.cpuGuarantee",
        99,
        "spawner.cpuGuarantee: guarantee is above the limit 2.0 (got 99)",
    ),
    ("dummy", "spawner.memLimit", "2Gi", "spawner.memLimit: '2Gi' is not of type 'integer'"),
    ("dummy", "spawner.uid", 0, "spawner.uid: 0 is less than the minimum of 1"),
    ("dummy", "spawner.defaultUrl", "lab", "spawner.defaultUrl: 'lab' does not match '^\\\\/'"),
    (
        "dummy",
        "spawner.environment",
        {"TZ": 1},
        "spawner.environment.TZ: 1 is not of type 'string'",
    ),
    ("dummy", "spawner.nodeSelector", None, "spawner.nodeSelector: None is not of type 'object'"),
    (
        "dummy",
        "spawner.tolerations",
        [{"key": "a", "operator": "Equals"}],
        "spawner.tolerations[0]: 'effect' is a required property",
    ),
    (
        "github",
        "spawner.profiles[1].slug",
        "cpu",
        "spawner.profiles[1].slug: duplicate profile slug (got 'cpu')",
    ),
    (
        "github",
        "spawner.profiles[1].overrides.gpus",
        -1,
        "spawner.profiles[1].overrides.gpus: -1 is less than the minimum of 0",
    ),
    (
        "github",
        "spawner.profiles[1].overrides.cpuGuarantee",
        8,
        "spawner.profiles[1].overrides.cpuGuarantee: guarantee is above the limit 7 (got 8)",
    ),
    (
        "github",
        "spawner.profiles[0].overrides.gpu",
        1,
        "spawner.profiles[0].overrides: Additional properties are not allowed ('gpu' was unexpected)",
    ),
    (
        "dummy",
        "storage.capacity",
        "ten gigs",
        "storage.capacity: 'ten gigs' does not match '^[0-9]+(\\\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$'",
    ),
    (
        "dummy",
        "storage.pvcNameTemplate",
        "home",
        "storage.pvcNameTemplate: 'home' does not match '\\\\{[a-z_]+\\\\}'",
    ),
    (
        "dummy",
        "storage.mountPath",
        "home/jovyan",
        "storage.mountPath: 'home/jovyan' does not match '^\\\\/'",
    ),
    (
        "dummy",
        "storage.volumeName",
        "Home Dir",
        "storage.volumeName: 'Home Dir' does not match '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'",
    ),
    ("dummy", "culler.timeoutSeconds", 0, "culler.timeoutSeconds: 0 is less than the minimum of 1"),
    ("dummy", "culler.enabled", "yes", "culler.enabled: 'yes' is not of type 'boolean'"),
]


@pytest.mark.parametrize(
    ("base", "path", "value", "message"),
    CASES,
    ids=[f"{c[1]}={'<deleted>' if c[2] is DELETE else c[2]!r}" for c in CASES],
)
def test_bad_field_stops_hub_naming_it(base, path, value, message, tmp_path, load_hub_config):
    data = read_settings(VALID[base])
    set_path(data, path, value)
    path = write_settings(tmp_path, data)
    with pytest.raises(ValueError, match=re.escape(str(path))) as err:
        load_hub_config(path)
    assert str(err.value) == f"{path}: {message}"


def test_staff_teams_without_reading_teams_stop_the_hub(tmp_path, load_hub_config):
    data = read_settings(VALID["github"])
    data["auth"]["instructorGroups"] = data["auth"]["staffGroups"] = ["org:faculty"]
    path = write_settings(tmp_path, data)
    with pytest.raises(ValueError, match=r"auth\.staffGroups") as err:
        load_hub_config(path)
    assert str(err.value) == (
        f"{path}: auth.staffGroups: needs groups read at login (auth.genericOAuth or "
        "auth.cilogon claimGroupsKey, or auth.github.teamsAsGroups); auth.type github reads "
        "none (got ['org:faculty'])"
    )
    data["auth"]["github"]["teamsAsGroups"] = True
    load_hub_config(write_settings(tmp_path, data, "reads-teams.json"))


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
    with pytest.raises(ValueError, match=r"\(top level\): \[\] is not of type 'object'"):
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
    assert "spawner.cpuLimit: 'lots' is not of type 'number'" in proc.stderr
    assert "'lots'" in proc.stderr
    # no half-configured hub: it never got as far as creating its database
    assert not (tmp_path / "jupyterhub.sqlite").exists()
