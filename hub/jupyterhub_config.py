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

import classhub_auth
import classhub_settings
import classhub_storage
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
# named servers a student may have, running or stopped (0 = no limit)
c.JupyterHub.named_server_limit_per_user = require("hub.namedServerLimitPerUser")
# How often the hub reads the proxy's routes, and restores any that are
# missing: after a proxy restart, students' routes are back within this.
c.JupyterHub.last_activity_interval = require("hub.lastActivityInterval")

c.JupyterHub.cookie_secret = secret("JPY_COOKIE_SECRET", hex64=True)
c.CryptKeeper.keys = [secret("JUPYTERHUB_CRYPT_KEY", hex64=True)]

c.JupyterHub.load_roles = []  # roles are appended below (auth, culler)

# --- branding -------------------------------------------------------------

# classhub's login template (mounted from the branding ConfigMap) extends
# JupyterHub's login page with the course name and message; JupyterHub
# renders it with autoescape on, so the message is shown as text.
if get("branding"):
    c.JupyterHub.template_paths = [require("branding.templateDir")]
    c.JupyterHub.template_vars = {
        "classhub_title": require("branding.title"),
        "classhub_message": get("branding.message", ""),
    }
    if get("branding.logoFile"):
        c.JupyterHub.logo_file = require("branding.logoFile")

# --- proxy ----------------------------------------------------------------

# configurable-http-proxy runs in its own pod; the hub only talks to its API.
c.JupyterHub.proxy_class = "configurable-http-proxy"
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = require("proxy.apiUrl")
c.ConfigurableHTTPProxy.auth_token = secret("CONFIGPROXY_AUTH_TOKEN")

# --- auth -----------------------------------------------------------------

AUTHENTICATORS = {
    # value: JupyterHub's entry point name for the authenticator class, or
    # classhub_auth's subclass that adds admission by domain
    "dummy": "dummy",  # dev stack only; the TypeScript side refuses it elsewhere
    "github": "github",
    "google": classhub_auth.GoogleOAuthenticator,
    "generic-oauth": classhub_auth.GenericOAuthenticator,
    "cilogon": "cilogon",
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
# Instructors by group hold whichever role the admins hold. Group lists are
# exact too: a group taken out of the stack loses the role.
instructor_groups = sorted(require("auth.instructorGroups"))
c.Authenticator.admin_users = set()
c.JupyterHub.load_roles.append(
    {
        "name": "admin",
        "users": admins if admin_access else [],
        "groups": instructor_groups if admin_access else [],
    }
)
c.JupyterHub.load_roles.append(
    {
        "name": "class-admin",
        "description": "Class admins, without access to student servers",
        "scopes": CLASS_ADMIN_SCOPES,
        "users": [] if admin_access else admins,
        "groups": [] if admin_access else instructor_groups,
    }
)
# TAs (by group): the admin page, the users and their servers, which they may
# start, stop and open; not adding or deleting users, editing groups, roles
# or services, or shutting the hub down.
CLASS_TA_SCOPES = [
    "admin-ui",
    "list:users",
    "read:users",
    "list:groups",
    "read:groups",
    "servers",
    "access:servers",
]
c.JupyterHub.load_roles.append(
    {
        "name": "class-ta",
        "description": "Teaching assistants: students' servers and the admin page",
        "scopes": CLASS_TA_SCOPES,
        "groups": sorted(require("auth.taGroups")),
    }
)

if auth_type in classhub_settings.OAUTH_TYPES:
    c.OAuthenticator.oauth_callback_url = require("auth.callbackUrl")
    c.OAuthenticator.client_id = require("auth.clientId")
    c.OAuthenticator.client_secret = secret("CLASSHUB_OAUTH_CLIENT_SECRET")

if auth_type == "github":
    # "org" or "org:team"; members are let in alongside the roster
    c.GitHubOAuthenticator.allowed_organizations = set(require("auth.github.allowedOrganizations"))
    if require("auth.github.allowedOrganizations") or require("auth.github.teamsAsGroups"):
        # without read:org only public org membership is visible, and no team
        c.GitHubOAuthenticator.scope = ["read:org"]
    if require("auth.github.teamsAsGroups"):
        # staff roles from the user's teams, fetched at each login
        c.GitHubOAuthenticator.populate_teams_in_auth_state = True
        c.GitHubOAuthenticator.manage_groups = True
        c.GitHubOAuthenticator.auth_state_groups_key = classhub_auth.github_team_groups
        c.GitHubOAuthenticator.allowed_groups = set(require("auth.staffGroups"))

if auth_type == "google":
    # hosted_domain only *restricts* sign-in to the domain(s); it lets nobody
    # in by itself. A class with no roster admits the whole domain: that is
    # allow_all, still inside the domain restriction.
    c.GoogleOAuthenticator.hosted_domain = require("auth.google.hostedDomain")
    # Usernames are the full Google email, as the roster and admins list them.
    # (With one hosted domain OAuthenticator would strip "@domain", and
    # "instructor@berkeley.edu" would log in as "instructor", not an admin.)
    c.GoogleOAuthenticator.strip_domain = False
    if require("auth.google.hostedDomain") and not require("auth.allowedUsers"):
        c.GoogleOAuthenticator.allow_all = True
    # The domain plus the roster's outsiders: no hosted_domain, and members of
    # these Workspace domains (the hd claim) admitted besides the allow-list.
    c.GoogleOAuthenticator.allowed_domains = set(require("auth.google.allowedDomains"))

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
        # staff log in through their groups, like the allowed groups' members
        c.GenericOAuthenticator.allowed_groups = set(
            require("auth.genericOAuth.allowedGroups")
        ) | set(require("auth.staffGroups"))
    # said explicitly in the stack (allowAll), never implied by an empty roster
    c.GenericOAuthenticator.allow_all = require("auth.genericOAuth.allowAll")
    # by the domain of the (verified) email claim
    c.GenericOAuthenticator.allowed_domains = set(require("auth.genericOAuth.allowedDomains"))

if auth_type == "cilogon":
    # Only these identity providers are offered; each names its username
    # claim (eppn or email: user@domain, as the roster lists them) and may
    # admit all its users, or those of some domains (of that claim).
    c.CILogonOAuthenticator.idps = {
        idp["entityId"]: {
            "username_derivation": {"username_claim": idp["usernameClaim"]},
            "allow_all": idp["allowAll"],
            "allowed_domains": idp["allowedDomains"],
        }
        for idp in require("auth.cilogon.idps")
    }
    if get("auth.cilogon.claimGroupsKey"):
        # CILogon keeps the userinfo response in auth_state under "cilogon_user"
        c.CILogonOAuthenticator.manage_groups = True
        c.CILogonOAuthenticator.auth_state_groups_key = "cilogon_user." + require(
            "auth.cilogon.claimGroupsKey"
        )
        c.CILogonOAuthenticator.allowed_groups = set(require("auth.staffGroups"))

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
# None: the image's own command and working directory. KubeSpawner appends
# args only to an explicit cmd (the TypeScript side refuses args without one).
c.KubeSpawner.cmd = get("spawner.cmd")
c.KubeSpawner.args = require("spawner.args")
c.KubeSpawner.working_dir = get("spawner.workingDir")
# must match the pod selector of the single-user NetworkPolicy
c.KubeSpawner.extra_labels = require("spawner.extraLabels")
c.KubeSpawner.node_selector = require("spawner.nodeSelector")
c.KubeSpawner.tolerations = require("spawner.tolerations")
# the class's packing scheduler; None: the cluster's default scheduler
c.KubeSpawner.scheduler_name = get("spawner.schedulerName")
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

# Profiles, and the choices within them (profile_options): a null override
# keeps the value below it (the class's, then the profile's). KubeSpawner
# merges dict overrides (node selector, environment) into the value below and
# replaces lists, so tolerations are given whole: those below plus their own.
# GPUs are an extended resource (limit and request).
OVERRIDE_TRAITS = (
    ("image", "image"),
    ("cpuGuarantee", "cpu_guarantee"),
    ("cpuLimit", "cpu_limit"),
    ("memGuarantee", "mem_guarantee"),
    ("memLimit", "mem_limit"),
    ("nodeSelector", "node_selector"),
    ("environment", "environment"),
    ("defaultUrl", "default_url"),
    ("cmd", "cmd"),
    ("args", "args"),
    ("workingDir", "working_dir"),
)


def override_of(overrides, tolerations_below):
    """The kubespawner_override of one profile or choice."""
    override = {
        trait: overrides[key] for key, trait in OVERRIDE_TRAITS if overrides.get(key) is not None
    }
    if overrides["tolerations"] is not None:
        override["tolerations"] = tolerations_below + overrides["tolerations"]
    return override


def options_of(profile, tolerations_below):
    """KubeSpawner's profile_options: each option's choices, one of them the default."""
    return {
        option["name"]: {
            "display_name": option["displayName"],
            "choices": {
                choice["slug"]: {
                    "display_name": choice["displayName"],
                    "default": choice["default"],
                    "kubespawner_override": override_of(choice["overrides"], tolerations_below),
                }
                for choice in option["choices"]
            },
        }
        for option in profile["options"]
    }


profile_list = []
for profile in require("spawner.profiles"):
    overrides = profile["overrides"]
    kubespawner_override = override_of(overrides, require("spawner.tolerations"))
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
            "profile_options": options_of(
                profile, require("spawner.tolerations") + (overrides["tolerations"] or [])
            ),
        }
    )
c.KubeSpawner.profile_list = profile_list  # [] = no profile page

# --- storage --------------------------------------------------------------

shared = get("storage.shared")
c.KubeSpawner.storage_pvc_ensure = shared is None
c.KubeSpawner.storage_class = get("storage.storageClass")  # None = cluster default
c.KubeSpawner.storage_capacity = require("storage.capacity")
c.KubeSpawner.storage_access_modes = ["ReadWriteOnce"]
# Also with shared homes: the per-student claim's name is what the shared
# hook looks for, to refuse a student whose files are still on their own disk.
c.KubeSpawner.pvc_name_template = require("storage.pvcNameTemplate")
c.KubeSpawner.volumes = [
    {
        "name": require("storage.volumeName"),
        "persistentVolumeClaim": {
            "claimName": "{pvc_name}" if shared is None else shared["claimName"]
        },
    }
]
c.KubeSpawner.volume_mounts = [
    {"name": require("storage.volumeName"), "mountPath": require("storage.mountPath")}
]
if shared is not None:
    # One volume for the class: each home is a folder of it (subPath), which
    # the hub creates as uid 1000; staff get the course folder writable and,
    # if the class allows it, every home.
    c.KubeSpawner.volume_mounts = require("storage.shared.studentMounts")
    # kubelet hands a volume it can own (block, local) to the fsGroup at each
    # mount; on the class's one volume only while its root differs, never
    # by walking every student's files at every start.
    c.KubeSpawner.pod_security_context = {
        **c.KubeSpawner.pod_security_context,
        "fsGroupChangePolicy": "OnRootMismatch",
    }
    c.KubeSpawner.pre_spawn_hook = classhub_storage.make_pre_spawn_hook(
        require("storage.shared.staffMounts"),
        require("storage.volumeName"),
        set(require("auth.admins")),
        set(require("auth.staffGroups")),
    )
    c.KubeSpawner.modify_pod_hook = classhub_storage.make_modify_pod_hook(
        require("storage.shared.hubMountPath"),
        require("storage.volumeName"),
        require("storage.mountPath"),
    )
# Files of classhub:class.files, from their ConfigMap: each key mounted
# read-only at its own path. Added to the volumes above, never in their place.
if get("storage.files"):
    files = require("storage.files")
    c.KubeSpawner.volumes = [
        *c.KubeSpawner.volumes,
        {
            "name": files["volumeName"],
            "configMap": {
                "name": files["configMap"],
                "items": [
                    {"key": item["key"], "path": item["key"], "mode": item["mode"]}
                    for item in files["items"]
                ],
            },
        },
    ]
    c.KubeSpawner.volume_mounts = c.KubeSpawner.volume_mounts + [
        {
            "name": files["volumeName"],
            "mountPath": item["path"],
            "subPath": item["key"],
            "readOnly": True,
        }
        for item in files["items"]
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

# --- services: health check -----------------------------------------------

# `npm run check` (tools/classes/check.ts) acts as this service: it creates
# one user, starts its server, runs code in a kernel there, then stops the
# server and deletes the user. Its scopes name that one user, so its token
# changes and reaches no student's account or server. `npm run status` uses
# the same token to read (only) who was active and which servers run. A hub
# Secret from before the check has no token: no service then.
CHECK_USER = "classhub-check-user"
if os.environ.get("CLASSHUB_CHECK_API_TOKEN", "").strip():
    c.JupyterHub.services.append(
        {"name": "classhub-check", "api_token": secret("CLASSHUB_CHECK_API_TOKEN")}
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "classhub-check",
            "description": "Health check: create, spawn, use and delete its own user",
            "scopes": [
                f"admin:users!user={CHECK_USER}",
                f"servers!user={CHECK_USER}",
                f"access:servers!user={CHECK_USER}",
            ],
            "services": ["classhub-check"],
        }
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "classhub-status",
            "description": "Read users' activity and servers, for npm run status",
            "scopes": ["list:users", "read:users:name", "read:users:activity", "read:servers"],
            "services": ["classhub-check"],
        }
    )
