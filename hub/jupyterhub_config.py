"""JupyterHub configuration for one classhub class.

The hub ConfigMap mounts this file at /usr/local/etc/jupyterhub/ next to
classhub_settings.py and hub-settings.json. The TypeScript program decides
every value; this file only puts hub-settings.json (and the secrets, which
come from the environment) onto JupyterHub, KubeSpawner, OAuthenticator and
idle-culler traits, section by section. A missing or bad field stops the hub
at startup with a ValueError naming it (JupyterHub raises config file errors).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import classhub_settings
from classhub_settings import secret

c = get_config()  # noqa: F821 (provided by the traitlets config loader)

settings = classhub_settings.load_settings()
get = settings.get
require = settings.require

# --- hub ------------------------------------------------------------------

c.JupyterHub.base_url = require("hub.baseUrl")
c.JupyterHub.hub_bind_url = require("hub.bindUrl")
c.JupyterHub.hub_connect_url = require("hub.connectUrl")
c.JupyterHub.db_url = require("hub.dbUrl")  # sqlite on the hub's PVC
if get("hub.publicUrl"):
    c.JupyterHub.public_url = get("hub.publicUrl")
c.JupyterHub.log_level = require("hub.logLevel")

# Hub restarts (upgrades, config changes, node drains) must not delete the
# students' running pods: the hub finds them again from its database.
c.JupyterHub.cleanup_servers = False

# Sized by the TypeScript side from the class size, for a lecture-start burst.
c.JupyterHub.concurrent_spawn_limit = require("hub.concurrentSpawnLimit")
c.JupyterHub.active_server_limit = require("hub.activeServerLimit")  # 0 = no limit
c.JupyterHub.allow_named_servers = require("hub.namedServers")
# How often the hub reads the proxy's routes, and restores any that are
# missing: after a proxy restart, students' routes are back within this.
c.JupyterHub.last_activity_interval = require("hub.lastActivityInterval")

c.JupyterHub.cookie_secret = secret("JPY_COOKIE_SECRET", hex64=True)
c.CryptKeeper.keys = [secret("JUPYTERHUB_CRYPT_KEY", hex64=True)]

c.JupyterHub.load_roles = []  # roles are appended below (auth, culler)

# --- proxy ----------------------------------------------------------------

# configurable-http-proxy runs in its own pod; the hub only talks to its API.
c.JupyterHub.proxy_class = "configurable-http-proxy"
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = require("proxy.apiUrl")
c.ConfigurableHTTPProxy.auth_token = secret("CONFIGPROXY_AUTH_TOKEN")

# --- auth -----------------------------------------------------------------

AUTHENTICATORS = {
    # value: JupyterHub's entry point name for the authenticator class
    "dummy": "dummy",  # dev stack only; the TypeScript side refuses it elsewhere
    "github": "github",
    "google": "google",
    "generic-oauth": "generic-oauth",
}
auth_type = require("auth.type")
c.JupyterHub.authenticator_class = AUTHENTICATORS[auth_type]

# JupyterHub 5 already defaults to allow_all = False; say it anyway. The
# roster is what lets students in, and it is the whole truth: with
# allow_existing_users off, a student dropped from the roster is refused
# even though the hub database still has them. Admins may always log in.
c.Authenticator.allow_all = False
c.Authenticator.allow_existing_users = False
c.Authenticator.allowed_users = set(require("auth.allowedUsers")) | set(require("auth.admins"))
# keeps OAuth tokens encrypted with JUPYTERHUB_CRYPT_KEY (CryptKeeper above)
c.Authenticator.enable_auth_state = True

# Admins. JupyterHub's built-in admin role cannot be changed and includes
# access:servers (JupyterHub.admin_access is deprecated and decides nothing).
# So admins are given by roles, never by Authenticator.admin_users:
# - adminAccess: the class admins hold the built-in admin role;
# - otherwise they hold "class-admin": the admin role's scopes without those
#   that reach into a student's server: access:servers, tokens (an admin
#   could mint a token as the student) and shares (an admin could share the
#   student's server with themselves).
# Listing the admin role's users makes its membership exact: someone taken
# off the admins list, or a class turning adminAccess off, loses it.
CLASS_ADMIN_SCOPES = [
    "admin-ui",
    "admin:users",
    "admin:servers",
    "admin:services",
    "admin:groups",
    "list:services",
    "read:services",
    "read:hub",
    "proxy",
    "shutdown",
    "access:services",
    "read:roles",
    "read:metrics",
]
admins = sorted(require("auth.admins"))
admin_access = require("hub.adminAccess")
c.Authenticator.admin_users = set()
c.JupyterHub.load_roles.append({"name": "admin", "users": admins if admin_access else []})
c.JupyterHub.load_roles.append(
    {
        "name": "class-admin",
        "description": "Class admins, without access to student servers",
        "scopes": CLASS_ADMIN_SCOPES,
        "users": [] if admin_access else admins,
    }
)

if auth_type in classhub_settings.OAUTH_TYPES:
    c.OAuthenticator.oauth_callback_url = require("auth.callbackUrl")
    c.OAuthenticator.client_id = require("auth.clientId")
    c.OAuthenticator.client_secret = secret("CLASSHUB_OAUTH_CLIENT_SECRET")

if auth_type == "github":
    # "org" or "org:team"; members are let in alongside the roster
    c.GitHubOAuthenticator.allowed_organizations = set(require("auth.github.allowedOrganizations"))
    if require("auth.github.allowedOrganizations"):
        # without read:org only public org membership is visible
        c.GitHubOAuthenticator.scope = ["read:org"]

if auth_type == "google":
    # hosted_domain only *restricts* sign-in to the domain(s); it lets nobody
    # in by itself. A class with no roster admits the whole domain: that is
    # allow_all, still inside the domain restriction.
    c.GoogleOAuthenticator.hosted_domain = require("auth.google.hostedDomain")
    # Usernames are the full Google email, as the roster and admins list them.
    # (With one hosted domain OAuthenticator would strip "@domain", and
    # "instructor@berkeley.edu" would log in as "instructor", not an admin.)
    c.GoogleOAuthenticator.strip_domain = False
    if not require("auth.allowedUsers"):
        c.GoogleOAuthenticator.allow_all = True

if auth_type == "generic-oauth":
    c.GenericOAuthenticator.login_service = require("auth.genericOAuth.loginService")
    c.GenericOAuthenticator.authorize_url = require("auth.genericOAuth.authorizeUrl")
    c.GenericOAuthenticator.token_url = require("auth.genericOAuth.tokenUrl")
    c.GenericOAuthenticator.userdata_url = require("auth.genericOAuth.userdataUrl")
    c.GenericOAuthenticator.username_claim = require("auth.genericOAuth.usernameClaim")
    c.GenericOAuthenticator.scope = require("auth.genericOAuth.scope")
    if get("auth.genericOAuth.claimGroupsKey"):
        # groups come from this claim of the userdata response, which
        # OAuthenticator keeps in auth_state under "oauth_user"
        c.GenericOAuthenticator.manage_groups = True
        c.GenericOAuthenticator.auth_state_groups_key = "oauth_user." + require(
            "auth.genericOAuth.claimGroupsKey"
        )
        c.GenericOAuthenticator.allowed_groups = set(require("auth.genericOAuth.allowedGroups"))

# --- spawner --------------------------------------------------------------

c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.KubeSpawner.namespace = require("spawner.namespace")
c.KubeSpawner.image = require("spawner.image")
c.KubeSpawner.image_pull_policy = require("spawner.imagePullPolicy")
c.KubeSpawner.cpu_guarantee = require("spawner.cpuGuarantee")
c.KubeSpawner.cpu_limit = require("spawner.cpuLimit")
c.KubeSpawner.mem_guarantee = require("spawner.memGuarantee")  # bytes
c.KubeSpawner.mem_limit = require("spawner.memLimit")  # bytes
c.KubeSpawner.start_timeout = require("spawner.startTimeout")
c.KubeSpawner.http_timeout = require("spawner.httpTimeout")
c.KubeSpawner.default_url = require("spawner.defaultUrl")
c.KubeSpawner.environment = require("spawner.environment")
# must match the pod selector of the single-user NetworkPolicy
c.KubeSpawner.extra_labels = require("spawner.extraLabels")
c.KubeSpawner.node_selector = require("spawner.nodeSelector")
c.KubeSpawner.tolerations = require("spawner.tolerations")
# GKE Sandbox: student code runs in gVisor (KubeSpawner has no trait of its own)
if get("spawner.runtimeClassName"):
    c.KubeSpawner.extra_pod_config = {"runtimeClassName": require("spawner.runtimeClassName")}

# Pod Security Standard "restricted"
c.KubeSpawner.uid = require("spawner.uid")
c.KubeSpawner.gid = require("spawner.gid")
c.KubeSpawner.fs_gid = require("spawner.fsGid")
c.KubeSpawner.privileged = False
c.KubeSpawner.allow_privilege_escalation = False
c.KubeSpawner.container_security_context = {
    "runAsNonRoot": True,
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
c.KubeSpawner.pod_security_context = {
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
# students' pods get no Kubernetes API credentials
c.KubeSpawner.automount_service_account_token = False

# Profiles: null overrides keep the class default; profile tolerations add to
# the class ones; GPUs are an extended resource (limit and request).
profile_list = []
for profile in require("spawner.profiles"):
    overrides = profile["overrides"]
    kubespawner_override = {}
    for key, trait in (
        ("image", "image"),
        ("cpuGuarantee", "cpu_guarantee"),
        ("cpuLimit", "cpu_limit"),
        ("memGuarantee", "mem_guarantee"),
        ("memLimit", "mem_limit"),
        ("nodeSelector", "node_selector"),  # KubeSpawner merges it into the class one
    ):
        if overrides[key] is not None:
            kubespawner_override[trait] = overrides[key]
    if overrides["tolerations"] is not None:
        kubespawner_override["tolerations"] = (
            require("spawner.tolerations") + overrides["tolerations"]
        )
    # Each profile states its runtime (the GPU pool is never sandboxed). KubeSpawner
    # merges dict overrides into the class value, and None removes the key.
    kubespawner_override["extra_pod_config"] = {"runtimeClassName": overrides["runtimeClassName"]}
    if overrides["gpus"] > 0:
        gpus = {"nvidia.com/gpu": str(overrides["gpus"])}
        kubespawner_override["extra_resource_limits"] = gpus
        kubespawner_override["extra_resource_guarantees"] = gpus
    profile_list.append(
        {
            "slug": profile["slug"],
            "display_name": profile["displayName"],
            "description": profile["description"],
            "default": profile["default"],
            "kubespawner_override": kubespawner_override,
        }
    )
c.KubeSpawner.profile_list = profile_list  # [] = no profile page

# --- storage --------------------------------------------------------------

c.KubeSpawner.storage_pvc_ensure = True
c.KubeSpawner.storage_class = get("storage.storageClass")  # None = cluster default
c.KubeSpawner.storage_capacity = require("storage.capacity")
c.KubeSpawner.storage_access_modes = ["ReadWriteOnce"]
c.KubeSpawner.pvc_name_template = require("storage.pvcNameTemplate")
c.KubeSpawner.volumes = [
    {
        "name": require("storage.volumeName"),
        "persistentVolumeClaim": {"claimName": "{pvc_name}"},
    }
]
c.KubeSpawner.volume_mounts = [
    {"name": require("storage.volumeName"), "mountPath": require("storage.mountPath")}
]
# KubeSpawner's default (True) deletes a student's home PVC when the user is
# deleted from the hub. Homes outlive hub users; removing them is a decision
# for a person, not a side effect of cleaning up the user list.
c.KubeSpawner.delete_pvc = False

# --- services: idle culler ------------------------------------------------

c.JupyterHub.services = []
if require("culler.enabled"):
    # Stops idle servers. No --cull-users: it never deletes users. --url is
    # the hub API on loopback: the culler runs in the hub pod, and the URL
    # JupyterHub would give it (via the hub Service) is not allowed by the
    # hub's NetworkPolicy.
    c.JupyterHub.services.append(
        {
            "name": "idle-culler",
            "api_token": secret("CLASSHUB_CULLER_API_TOKEN"),
            "command": [
                "python3",
                "-m",
                "jupyterhub_idle_culler",
                f"--url={require('culler.apiUrl')}",
                f"--timeout={require('culler.timeoutSeconds')}",
                f"--cull-every={require('culler.everySeconds')}",
                f"--concurrency={require('culler.concurrency')}",
                f"--max-age={require('culler.maxAgeSeconds')}",  # 0 = no max age
            ],
        }
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "idle-culler",
            "description": "Stop idle servers",
            "scopes": [
                "list:users",
                "read:users:activity",
                "read:servers",
                "delete:servers",
            ],
            "services": ["idle-culler"],
        }
    )
