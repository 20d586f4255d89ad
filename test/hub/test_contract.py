"""The contract between the TypeScript program and jupyterhub_config.py.

Every test runs once per example stack. The settings JSON comes from the real
TypeScript render (see conftest.py); jupyterhub_config.py is loaded through
JupyterHub's own config loader with the secrets in env; then the real
KubeSpawner / Authenticator / Proxy classes are built from that config and
checked against the settings.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from helpers import (
    FIXTURES,
    REPO,
    SECRETS,
    SENTINEL_OAUTH_CLIENT_SECRET,
    culls_idle_servers,
    fake_user,
    has_gpu_profile,
    has_home_disks,
    has_no_profiles,
    has_profiles,
    pod_and_pvc,
    read_settings,
    run,
    uses_dummy_login,
    uses_oauth,
    write_settings,
)


@pytest.fixture
def hub(stack_settings_path, load_hub_config):
    """(app, settings) for one example stack."""
    return load_hub_config(stack_settings_path), read_settings(stack_settings_path)


def container(pod: dict) -> dict:
    (notebook,) = pod["spec"]["containers"]
    return notebook


def default_profile(settings: dict) -> dict | None:
    profiles = settings["spawner"]["profiles"]
    if not profiles:
        return None
    return next((p for p in profiles if p["default"]), profiles[0])


# --- the settings document itself -------------------------------------------


def test_rendered_settings_pass_validation(stack_settings_path):
    import classhub_settings

    settings = classhub_settings.load_settings(stack_settings_path)
    assert settings.require("version") == 1
    assert settings.require("spawner.namespace") == settings.require("class.namespace")


def test_rendered_settings_hold_no_secrets(stack_settings_path):
    """No secret-named key; and the OAuth client secret the stack was rendered with is not there."""
    text = stack_settings_path.read_text()
    keys: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                keys.append(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(text))
    suspicious = [
        k for k in keys if re.search(r"secret|password|token", k, re.I) and k != "tokenUrl"
    ]
    assert suspicious == []
    assert SENTINEL_OAUTH_CLIENT_SECRET not in text


# --- hub -----------------------------------------------------------------------


def test_config_sets_only_real_traits(hub):
    """Every trait the config sets exists on its class (no silently ignored typo)."""
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator, DummyAuthenticator
    from jupyterhub.crypto import CryptKeeper
    from jupyterhub.proxy import ConfigurableHTTPProxy
    from kubespawner import KubeSpawner
    from oauthenticator.cilogon import CILogonOAuthenticator
    from oauthenticator.github import GitHubOAuthenticator
    from oauthenticator.oauth2 import OAuthenticator

    from classhub_auth import GenericOAuthenticator, GoogleOAuthenticator

    classes = {
        cls.__name__: cls
        for cls in (
            JupyterHub,
            Authenticator,
            DummyAuthenticator,
            OAuthenticator,
            GitHubOAuthenticator,
            GoogleOAuthenticator,
            GenericOAuthenticator,
            CILogonOAuthenticator,
            ConfigurableHTTPProxy,
            CryptKeeper,
            KubeSpawner,
        )
    }
    app, _ = hub
    for section, values in app.config.items():
        assert section in classes, f"config section {section} is not a known class"
        traits = classes[section].class_traits(config=True)
        for name in values:
            assert name in traits, f"{section}.{name} is not a configurable trait"


def test_hub_urls_and_database(hub):
    app, s = hub
    assert app.base_url == s["hub"]["baseUrl"]
    assert app.hub_bind_url == s["hub"]["bindUrl"]
    assert app.hub_connect_url == s["hub"]["connectUrl"]
    assert app.db_url == s["hub"]["dbUrl"]
    if s["hub"]["publicUrl"] is None:
        assert app.public_url == ""
    else:
        assert app.public_url == s["hub"]["publicUrl"].rstrip("/") + s["hub"]["baseUrl"]
    app.init_hub()
    assert app.hub.api_url == s["hub"]["connectUrl"] + "/hub/api"


def test_hub_restart_keeps_user_servers(hub):
    app, _ = hub
    assert app.cleanup_servers is False


def test_routes_are_checked_often_enough_to_survive_a_proxy_restart(hub):
    """Each check restores routes a restarted proxy lost; JupyterHub's 300 s
    default would leave students on 404s for five minutes."""
    app, s = hub
    assert app.last_activity_interval == s["hub"]["lastActivityInterval"]
    assert app.last_activity_interval <= 30


def test_spawn_limits_and_named_servers(hub):
    app, s = hub
    assert app.concurrent_spawn_limit == s["hub"]["concurrentSpawnLimit"]
    assert app.active_server_limit == s["hub"]["activeServerLimit"]
    assert app.allow_named_servers is s["hub"]["namedServers"]
    assert app.log_level == getattr(__import__("logging"), s["hub"]["logLevel"])


def test_secrets_come_from_env(hub):
    from jupyterhub.crypto import CryptKeeper

    app, _ = hub
    assert app.cookie_secret == bytes.fromhex(SECRETS["JPY_COOKIE_SECRET"])
    keeper = CryptKeeper(config=app.config)
    assert keeper.keys == [bytes.fromhex(SECRETS["JUPYTERHUB_CRYPT_KEY"])]
    assert app.config.ConfigurableHTTPProxy.auth_token == SECRETS["CONFIGPROXY_AUTH_TOKEN"]


def test_kubespawner_threadpool_workers_not_set(hub):
    """k8s_api_threadpool_workers does nothing since KubeSpawner 3."""
    app, _ = hub
    assert "k8s_api_threadpool_workers" not in app.config.KubeSpawner


# --- proxy ------------------------------------------------------------------------


def test_proxy_is_external_chp(hub):
    from jupyterhub.proxy import ConfigurableHTTPProxy

    app, s = hub
    assert app.proxy_class is ConfigurableHTTPProxy
    proxy = ConfigurableHTTPProxy(config=app.config)
    assert proxy.should_start is False
    assert proxy.api_url == s["proxy"]["apiUrl"]
    assert proxy.auth_token == SECRETS["CONFIGPROXY_AUTH_TOKEN"]


# --- auth ---------------------------------------------------------------------


def test_authenticator_class_roster_and_admins(hub):
    app, s = hub
    auth = app.authenticator_class(parent=app)
    expected = {
        "dummy": "DummyAuthenticator",
        "github": "GitHubOAuthenticator",
        "google": "GoogleOAuthenticator",
        "generic-oauth": "GenericOAuthenticator",
        "cilogon": "CILogonOAuthenticator",
    }[s["auth"]["type"]]
    assert type(auth).__name__ == expected
    # the roster, and the admins, who may always log in
    assert auth.allowed_users == set(s["auth"]["allowedUsers"]) | set(s["auth"]["admins"])
    # admins are made by roles (see the admin role test), not admin_users
    assert auth.admin_users == set()
    # a student dropped from the roster must not get in just for being in the db
    assert auth.allow_existing_users is False
    assert auth.enable_auth_state is True
    google, generic = s["auth"]["google"], s["auth"]["genericOAuth"]
    domain_only = bool(google and google["hostedDomain"] and not s["auth"]["allowedUsers"])
    # JupyterHub 5: nobody is let in unless config says so; only a Google
    # class without a roster admits everyone (inside its hosted domain), and
    # a generic-OAuth class that says allowAll.
    assert auth.allow_all is (domain_only or bool(generic and generic["allowAll"]))


@pytest.mark.stacks(where=uses_dummy_login)
def test_dummy_login_configures_no_oauth_client(hub):
    app, _ = hub
    assert "OAuthenticator" not in app.config


@pytest.mark.stacks(where=uses_oauth)
def test_oauth_client_and_callback(hub):
    app, s = hub
    auth = app.authenticator_class(parent=app)
    assert auth.oauth_callback_url == s["auth"]["callbackUrl"]
    assert auth.client_id == s["auth"]["clientId"]
    assert auth.client_secret == SECRETS["CLASSHUB_OAUTH_CLIENT_SECRET"]
    if s["auth"]["type"] == "google":
        assert auth.hosted_domain == s["auth"]["google"]["hostedDomain"]
        assert auth.strip_domain is False
    if s["auth"]["type"] == "github":
        orgs = s["auth"]["github"]["allowedOrganizations"]
        assert auth.allowed_organizations == set(orgs)
        assert ("read:org" in auth.scope) is bool(orgs)


def test_admins_by_role_with_server_access_only_if_enabled(hub):
    """JupyterHub's admin role (which has access:servers) cannot be changed, so
    without adminAccess the class admins get a role that lacks it."""
    from jupyterhub.roles import get_default_roles
    from jupyterhub.scopes import expand_scopes, scope_definitions

    app, s = hub
    admins = sorted(s["auth"]["admins"])
    roles = {r["name"]: r for r in app.load_roles}
    default_admin = next(r for r in get_default_roles() if r["name"] == "admin")
    # the built-in admin role: membership only, its scopes untouched
    assert set(roles["admin"]) == {"name", "users", "groups"}
    class_admin = roles["class-admin"]
    assert set(class_admin["scopes"]) <= set(scope_definitions)
    # the admin role minus exactly the server-reaching scopes, so a JupyterHub
    # upgrade that adds admin scopes shows up here
    removed = set(default_admin["scopes"]) - set(class_admin["scopes"])
    assert removed == {"access:servers", "tokens", "shares"}
    assert set(class_admin["scopes"]) <= set(default_admin["scopes"])
    expanded = expand_scopes(class_admin["scopes"])
    assert not [x for x in expanded if x.startswith(("access:servers", "tokens", "shares"))]
    instructors = sorted(s["auth"]["instructorGroups"])
    if s["hub"]["adminAccess"]:
        assert roles["admin"]["users"] == admins
        assert roles["admin"]["groups"] == instructors
        assert class_admin["users"] == class_admin["groups"] == []
    else:
        assert roles["admin"]["users"] == roles["admin"]["groups"] == []
        assert class_admin["users"] == admins
        assert class_admin["groups"] == instructors


# --- spawner ------------------------------------------------------------------


def test_spawner_is_kubespawner_in_class_namespace(hub, make_spawner):
    from kubespawner import KubeSpawner

    app, s = hub
    assert app.spawner_class is KubeSpawner

    async def build():
        return make_spawner(app)

    spawner = run(build())
    assert spawner.namespace == s["spawner"]["namespace"] == s["class"]["namespace"]
    assert spawner.delete_pvc is False
    # A claim per student, unless homes are folders of the class's shared volume.
    assert spawner.storage_pvc_ensure is (s["storage"]["shared"] is None)


def test_pod_image_resources_and_timeouts(hub, make_spawner):
    app, s = hub
    sp = s["spawner"]
    pod, _ = pod_and_pvc(app, make_spawner)
    c = container(pod)
    # with profiles, the default profile's overrides apply at spawn
    over = default_profile(s)["overrides"] if default_profile(s) else {}

    def expect(key):
        return over[key] if over.get(key) is not None else sp[key]

    assert c["image"] == expect("image")
    assert c["imagePullPolicy"] == sp["imagePullPolicy"]
    assert float(c["resources"]["requests"]["cpu"]) == expect("cpuGuarantee")
    assert float(c["resources"]["limits"]["cpu"]) == expect("cpuLimit")
    assert int(c["resources"]["requests"]["memory"]) == expect("memGuarantee")
    assert int(c["resources"]["limits"]["memory"]) == expect("memLimit")

    async def build():
        return make_spawner(app)

    spawner = run(build())
    assert spawner.start_timeout == sp["startTimeout"]
    assert spawner.http_timeout == sp["httpTimeout"]
    assert spawner.default_url == sp["defaultUrl"]


def test_pod_security_is_restricted(hub, make_spawner):
    """What the Pod Security Standard 'restricted' demands of a pod."""
    app, s = hub
    pod, _ = pod_and_pvc(app, make_spawner)
    psc = pod["spec"]["securityContext"]
    csc = container(pod)["securityContext"]
    assert psc["runAsNonRoot"] is True
    assert psc["fsGroup"] == s["spawner"]["fsGid"]
    assert psc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert csc["runAsUser"] == s["spawner"]["uid"] != 0
    assert csc["runAsGroup"] == s["spawner"]["gid"]
    assert csc["runAsNonRoot"] is True
    assert csc["allowPrivilegeEscalation"] is False
    assert csc["capabilities"] == {"drop": ["ALL"]}
    assert csc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert csc.get("privileged") in (None, False)
    for volume in pod["spec"]["volumes"]:
        assert "hostPath" not in volume
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        assert not pod["spec"].get(key)


def test_pod_gets_no_service_account_token(hub, make_spawner):
    app, _ = hub
    pod, _ = pod_and_pvc(app, make_spawner)
    assert pod["spec"]["automountServiceAccountToken"] is False
    assert not pod["spec"].get("serviceAccountName")


@pytest.mark.stacks(where=has_home_disks)
def test_home_volume_and_mount(hub, make_spawner):
    app, s = hub
    user = fake_user()
    pod, pvc = pod_and_pvc(app, make_spawner, user=user)
    st = s["storage"]
    claim = st["pvcNameTemplate"].replace("{user_server}", user.name)
    # Besides the files of classhub:class.files, which test_operator.py checks.
    files = (st.get("files") or {}).get("volumeName")
    assert [v for v in pod["spec"]["volumes"] if v["name"] != files] == [
        {"name": st["volumeName"], "persistentVolumeClaim": {"claimName": claim}}
    ]
    assert [m for m in container(pod)["volumeMounts"] if m["name"] != files] == [
        {"name": st["volumeName"], "mountPath": st["mountPath"]}
    ]
    assert pvc["metadata"]["name"] == claim


def test_home_pvc_size_and_class(hub, make_spawner):
    app, s = hub
    _, pvc = pod_and_pvc(app, make_spawner)
    assert pvc["spec"]["resources"]["requests"]["storage"] == s["storage"]["capacity"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
    if s["storage"]["storageClass"] is None:
        assert "storageClassName" not in pvc["spec"]  # the cluster default
    else:
        assert pvc["spec"]["storageClassName"] == s["storage"]["storageClass"]


def test_user_pool_node_selector_and_tolerations(hub, make_spawner):
    app, s = hub
    pod, _ = pod_and_pvc(app, make_spawner)
    over = default_profile(s)["overrides"] if default_profile(s) else {}
    expected_selector = {**s["spawner"]["nodeSelector"], **(over.get("nodeSelector") or {})}
    expected_tolerations = s["spawner"]["tolerations"] + (over.get("tolerations") or [])
    assert (pod["spec"].get("nodeSelector") or {}) == expected_selector
    assert (pod["spec"].get("tolerations") or []) == expected_tolerations


def test_labels_match_singleuser_network_policy(hub, make_spawner):
    app, s = hub
    pod, _ = pod_and_pvc(app, make_spawner)
    labels = pod["metadata"]["labels"]
    for key, value in s["spawner"]["extraLabels"].items():
        assert labels.get(key) == value, f"pod label {key}"
    # the NetworkPolicies select the class's servers by instance and component
    assert labels["app.kubernetes.io/instance"] == s["class"]["namespace"]
    assert labels["app.kubernetes.io/component"] == "singleuser-server"


def test_pod_environment(hub, make_spawner):
    app, s = hub
    user = fake_user()
    pod, _ = pod_and_pvc(app, make_spawner, user=user)
    env = {e["name"]: e.get("value") for e in container(pod)["env"]}
    for key, value in s["spawner"]["environment"].items():
        assert env[key] == value
    assert env["JUPYTERHUB_USER"] == user.name
    assert env["JUPYTERHUB_API_URL"] == s["hub"]["connectUrl"] + "/hub/api"
    assert env["JUPYTERHUB_DEFAULT_URL"] == s["spawner"]["defaultUrl"]
    # no secret of the hub leaks into a student's pod
    for value in SECRETS.values():
        assert value not in json.dumps(pod)


@pytest.mark.stacks(where=has_no_profiles)
def test_class_without_profiles_offers_no_profile_list(hub):
    app, s = hub
    assert s["spawner"]["profiles"] == []
    assert app.config.KubeSpawner.profile_list == []


@pytest.mark.stacks(where=has_profiles)
def test_each_profile_applies_its_overrides(hub, make_spawner):
    app, s = hub
    sp = s["spawner"]
    profiles = sp["profiles"]
    listed = app.config.KubeSpawner.profile_list
    assert [p["slug"] for p in listed] == [p["slug"] for p in profiles]
    for profile, entry in zip(profiles, listed, strict=True):
        assert entry["display_name"] == profile["displayName"]
        assert entry["description"] == profile["description"]
        assert entry["default"] is profile["default"]
        over = profile["overrides"]
        pod, _ = pod_and_pvc(app, make_spawner, profile=profile["slug"])
        c = container(pod)
        res = c["resources"]

        def expect(key, over=over):
            return over[key] if over[key] is not None else sp[key]

        assert c["image"] == expect("image"), profile["slug"]
        assert float(res["requests"]["cpu"]) == expect("cpuGuarantee")
        assert float(res["limits"]["cpu"]) == expect("cpuLimit")
        assert int(res["requests"]["memory"]) == expect("memGuarantee")
        assert int(res["limits"]["memory"]) == expect("memLimit")
        if over["gpus"] > 0:
            assert res["limits"]["nvidia.com/gpu"] == str(over["gpus"])
            assert res["requests"]["nvidia.com/gpu"] == str(over["gpus"])
        else:
            assert "nvidia.com/gpu" not in res["limits"]
            assert "nvidia.com/gpu" not in res["requests"]
        assert (pod["spec"].get("nodeSelector") or {}) == {
            **sp["nodeSelector"],
            **(over["nodeSelector"] or {}),
        }
        assert (pod["spec"].get("tolerations") or []) == sp["tolerations"] + (
            over["tolerations"] or []
        )
        # profiles never loosen the security context
        assert c["securityContext"]["allowPrivilegeEscalation"] is False


# what a profile's stack-file key is called in the settings overrides
PROFILE_KEYS = {
    "cpuGuarantee": "cpuGuarantee",
    "cpuLimit": "cpuLimit",
    "memoryGuarantee": "memGuarantee",
    "memoryLimit": "memLimit",
}
# the zod defaults of components/config.ts `resources`, which `.partial()` keeps


@pytest.mark.stacks(where=has_profiles)
def test_undeclared_profile_fields_keep_class_defaults(stack, hub):
    """Contract: a profile field the stack file leaves out is null (= class default)."""
    _, s = hub
    stack_file = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())
    declared = stack_file["config"]["classhub:class"]["profiles"]
    wrong = {}
    for declared_profile, profile in zip(declared, s["spawner"]["profiles"], strict=True):
        over = profile["overrides"]
        if "image" not in declared_profile and over["image"] is not None:
            wrong[(profile["slug"], "image")] = over["image"]
        resources = declared_profile.get("resources", {})
        for key, setting in PROFILE_KEYS.items():
            if key not in resources and over[setting] is not None:
                wrong[(profile["slug"], setting)] = over[setting]
    assert wrong == {}


@pytest.mark.stacks(where=has_profiles)
def test_profiles_do_not_leak_into_other_spawners(hub, make_spawner):
    """A GPU student's overrides must not change the next student's pod."""
    app, s = hub
    before, _ = pod_and_pvc(app, make_spawner)
    for profile in s["spawner"]["profiles"]:
        pod_and_pvc(app, make_spawner, profile=profile["slug"])
    after, _ = pod_and_pvc(app, make_spawner)
    for pod in (before, after):
        del pod["metadata"]  # names and labels carry the (different) user names
        pod["spec"]["containers"][0]["env"] = None
        pod["spec"]["volumes"] = None
    assert after == before
    assert app.config.KubeSpawner.node_selector == s["spawner"]["nodeSelector"]
    assert app.config.KubeSpawner.tolerations == s["spawner"]["tolerations"]


@pytest.mark.stacks(where=has_gpu_profile)
def test_gpu_profiles_tolerate_gpu_nodes(hub):
    _, s = hub
    gpu_profiles = [p for p in s["spawner"]["profiles"] if p["overrides"]["gpus"] > 0]
    assert gpu_profiles != []
    for profile in gpu_profiles:
        tolerations = profile["overrides"]["tolerations"] or []
        assert any(t.get("key") == "nvidia.com/gpu" for t in tolerations), profile["slug"]


def test_deleting_user_keeps_home(hub, make_spawner, fake_kubernetes):
    """JupyterHub calls delete_forever when a user is deleted; the home PVC stays."""
    app, _ = hub
    user = fake_user()

    async def delete(delete_pvc: bool):
        spawner = make_spawner(app, user)
        spawner.delete_pvc = delete_pvc
        fake_kubernetes.requests.clear()
        await spawner.delete_forever()
        return [r for r in fake_kubernetes.requests if r[0] == "DELETE"]

    assert run(delete(app.config.KubeSpawner.delete_pvc)) == []
    # control: KubeSpawner's default would have deleted the claim
    deleted = run(delete(True))
    assert len(deleted) == 1
    assert deleted[0][1].endswith(f"/persistentvolumeclaims/claim-{user.name}")


# --- idle culler ---------------------------------------------------------------


def test_idle_culler_service(hub):
    app, s = hub
    culler = [svc for svc in app.services if svc["name"] == "idle-culler"]
    if not s["culler"]["enabled"]:
        assert culler == []
        assert not [r for r in app.load_roles if r["name"] == "idle-culler"]
        return
    (svc,) = culler
    assert svc["api_token"] == SECRETS["CLASSHUB_CULLER_API_TOKEN"]
    assert "url" not in svc  # a hub-managed process, not an external service
    cmd = svc["command"]
    assert cmd[:3] == ["python3", "-m", "jupyterhub_idle_culler"]
    flags = dict(arg[2:].split("=", 1) for arg in cmd[3:])
    assert flags == {
        "url": s["culler"]["apiUrl"],
        "timeout": str(s["culler"]["timeoutSeconds"]),
        "cull-every": str(s["culler"]["everySeconds"]),
        "concurrency": str(s["culler"]["concurrency"]),
        "max-age": str(s["culler"]["maxAgeSeconds"]),
    }
    assert not any("cull-users" in arg for arg in cmd)


@pytest.mark.stacks(where=culls_idle_servers)
def test_idle_culler_calls_the_hub_on_loopback_not_through_its_service(hub):
    """JupyterHub hands managed services the hub Service's URL, which leaves the
    pod and comes back in through the hub's own NetworkPolicy; the culler's
    --url, which the culler prefers over that, stays inside the pod."""
    from urllib.parse import urlsplit

    app, _ = hub
    app.init_hub()
    assert urlsplit(app.hub.api_url).hostname == "hub"  # what the culler would get
    (svc,) = [svc for svc in app.services if svc["name"] == "idle-culler"]
    (url,) = [arg.split("=", 1)[1] for arg in svc["command"] if arg.startswith("--url=")]
    culler = urlsplit(url)
    assert culler.hostname == "127.0.0.1"
    assert culler.port == urlsplit(app.hub_bind_url).port
    assert culler.path == "/hub/api"


@pytest.mark.stacks(where=culls_idle_servers)
def test_idle_culler_role_has_only_needed_scopes(hub):
    from jupyterhub.scopes import scope_definitions

    app, _ = hub
    (role,) = [r for r in app.load_roles if r["name"] == "idle-culler"]
    assert set(role["scopes"]) == {
        "list:users",
        "read:users:activity",
        "read:servers",
        "delete:servers",
    }
    assert set(role["scopes"]) <= set(scope_definitions)
    assert role["services"] == ["idle-culler"]
    assert "users" not in role
    assert "groups" not in role


def test_culler_flags_are_known_to_the_culler():
    """The flags the config passes exist in the pinned jupyterhub-idle-culler."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "jupyterhub_idle_culler", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = proc.stdout + proc.stderr  # tornado prints help to stderr
    for flag in ("--url", "--timeout", "--cull-every", "--concurrency", "--max-age"):
        assert flag in out


# --- GKE Sandbox ------------------------------------------------------------------


def test_sandboxed_user_pool_runs_cpu_servers_in_gvisor_and_gpu_servers_not(
    tmp_path, load_hub_config, make_spawner
):
    """The runtime class reaches the pod through extra_pod_config; a GPU
    profile (on the never-sandboxed GPU pool) states its own: none."""
    s = read_settings(FIXTURES / "github.json")
    s["spawner"]["runtimeClassName"] = "gvisor"
    for profile in s["spawner"]["profiles"]:
        gpu = profile["overrides"]["gpus"] > 0
        profile["overrides"]["runtimeClassName"] = None if gpu else "gvisor"
    app = load_hub_config(write_settings(tmp_path, s))
    runtimes = {
        p["slug"]: pod_and_pvc(app, make_spawner, p["slug"])[0]["spec"].get("runtimeClassName")
        for p in s["spawner"]["profiles"]
    }
    assert runtimes == {"cpu": "gvisor", "gpu": None}
    plain = read_settings(FIXTURES / "github.json")
    app = load_hub_config(write_settings(tmp_path, plain, "plain.json"))
    assert "runtimeClassName" not in pod_and_pvc(app, make_spawner, "cpu")[0]["spec"]
