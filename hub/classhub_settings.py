"""Read and check the hub settings that the TypeScript program writes.

jupyterhub_config.py imports this module from the same ConfigMap. It reads
``hub-settings.json`` (path from ``CLASSHUB_SETTINGS``), checks every field
against the settings contract (version 1) and hands the values out with
``get(path, default)`` / ``require(path)``, where ``path`` is dotted, e.g.
``"spawner.cpuLimit"``. Secrets never appear in the JSON: ``secret(name)``
reads them from the environment.

Anything wrong raises ``ValueError`` naming the settings path (or environment
variable) and the bad value. JupyterHub sets ``raise_config_file_errors``, so
that error stops the hub at startup: there is no half-configured hub.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("JupyterHub.classhub")

DEFAULT_SETTINGS_PATH = "/usr/local/etc/jupyterhub/hub-settings.json"
SETTINGS_ENV = "CLASSHUB_SETTINGS"
SETTINGS_VERSION = 1

AUTH_TYPES = ("dummy", "github", "google", "generic-oauth")
OAUTH_TYPES = ("github", "google", "generic-oauth")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TOLERATION_OPERATORS = ("Equal", "Exists")
TOLERATION_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")

_MISSING = object()
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
# Kubernetes resource quantity, e.g. 10Gi, 500M, 1e9
_QUANTITY = re.compile(r"[0-9]+(\.[0-9]+)?([eE][0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?")
# RFC 1123 label, the shape of a namespace, a volume name and a profile slug
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


class SettingsError(ValueError):
    """A field of the hub settings (or a secret) is missing or invalid."""


class Settings:
    """Validated hub settings; ``get``/``require`` take dotted paths."""

    def __init__(self, data: dict, source: str = "hub-settings.json"):
        validate(data, source)
        self.data = data
        self.source = source

    def get(self, path: str, default: Any = None) -> Any:
        value = _lookup(self.data, path)
        if value is _MISSING or value is None:
            return default
        return value

    def require(self, path: str) -> Any:
        value = _lookup(self.data, path)
        if value is _MISSING or value is None:
            raise SettingsError(f"{self.source}: {path}: required but missing or null")
        return value


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Load and validate the settings file; raise ValueError on any problem."""
    if path is None:
        path = os.environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_PATH
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(
            f"{source}: settings file not found (set {SETTINGS_ENV} to its path)"
        ) from None
    except OSError as e:
        raise SettingsError(f"{source}: settings file unreadable: {e}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SettingsError(
            f"{source}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}"
        ) from None
    settings = Settings(data, source)
    log.info(
        "classhub: loaded hub settings for class %s (%s) from %s",
        settings.require("class.name"),
        settings.require("class.term"),
        source,
    )
    return settings


def secret(name: str, *, hex64: bool = False) -> str:
    """A secret from the environment; the error never echoes its value."""
    value = os.environ.get(name, "")
    if not value.strip():
        raise SettingsError(f"environment variable {name}: required secret is not set")
    if hex64 and not _HEX64.fullmatch(value):
        raise SettingsError(
            f"environment variable {name}: must be 64 hex characters "
            f"(got {len(value)} characters, value not shown)"
        )
    return value


def _lookup(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


# --- validation -----------------------------------------------------------
#
# One small checker per kind of value. Each takes the dotted path for the
# error message. ``_Checker`` keeps the source name and collects nothing:
# the first bad field raises.


class _Checker:
    def __init__(self, data: dict, source: str):
        self.data = data
        self.source = source

    def fail(self, path: str, problem: str, value: Any = _MISSING) -> None:
        got = "" if value is _MISSING else f" (got {_show(value)})"
        raise SettingsError(f"{self.source}: {path}: {problem}{got}")

    def obj(self, path: str, keys: tuple[str, ...], value: Any = _MISSING) -> dict:
        """A JSON object with exactly ``keys``."""
        if value is _MISSING:
            value = self.data if path == "" else _lookup(self.data, path)
        where = path or "(top level)"
        if not isinstance(value, dict):
            self.fail(where, "expected an object", value)
        for key in keys:
            if key not in value:
                self.fail(_join(path, key), "required key is missing")
        for key in value:
            if key not in keys:
                self.fail(_join(path, key), "unknown key (not in settings version 1)")
        return value

    def string(self, path: str, value: Any, *, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "expected a non-empty string", value)

    def choice(self, path: str, value: Any, choices: tuple[str, ...]) -> None:
        if value not in choices:
            self.fail(path, f"expected one of {', '.join(choices)}", value)

    def boolean(self, path: str, value: Any) -> None:
        if not isinstance(value, bool):
            self.fail(path, "expected true or false", value)

    def integer(self, path: str, value: Any, *, minimum: int = 0) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(path, f"expected an integer >= {minimum}", value)

    def number(self, path: str, value: Any, *, nullable: bool = False) -> None:
        """A number > 0 (CPU cores)."""
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, "expected a number", value)
        if not value > 0:
            self.fail(path, "expected a number > 0", value)

    def url(self, path: str, value: Any, *, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or not re.match(r"https?://[^\s/]*", value):
            self.fail(path, "expected an http:// or https:// URL", value)

    def url_path(self, path: str, value: Any) -> None:
        if not isinstance(value, str) or not value.startswith("/") or not value.endswith("/"):
            self.fail(path, "expected a path starting and ending with '/'", value)

    def dns_label(self, path: str, value: Any) -> None:
        if not isinstance(value, str) or not _DNS_LABEL.fullmatch(value):
            self.fail(path, "expected a lowercase DNS label (RFC 1123)", value)

    def str_list(self, path: str, value: Any) -> None:
        if not isinstance(value, list):
            self.fail(path, "expected a list of strings", value)
        for i, item in enumerate(value):
            self.string(f"{path}[{i}]", item)
        if len(set(value)) != len(value):
            self.fail(path, "has duplicate entries", value)

    def str_map(self, path: str, value: Any, *, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, dict):
            self.fail(path, "expected an object of string values", value)
        for key, item in value.items():
            if not isinstance(item, str):
                self.fail(_join(path, key), "expected a string", item)

    def tolerations(self, path: str, value: Any, *, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, list):
            self.fail(path, "expected a list of tolerations", value)
        for i, item in enumerate(value):
            where = f"{path}[{i}]"
            if not isinstance(item, dict):
                self.fail(where, "expected a toleration object", item)
            for key in item:
                if key not in ("key", "operator", "value", "effect", "tolerationSeconds"):
                    self.fail(_join(where, key), "unknown toleration field")
            self.choice(f"{where}.operator", item.get("operator"), TOLERATION_OPERATORS)
            if "effect" in item:
                self.choice(f"{where}.effect", item["effect"], TOLERATION_EFFECTS)
            if item["operator"] == "Equal":
                self.string(f"{where}.key", item.get("key"))
                if not isinstance(item.get("value"), str):
                    self.fail(f"{where}.value", "expected a string with operator Equal")


def _show(value: Any, limit: int = 120) -> str:
    """repr() of a bad value, shortened: a roster can hold thousands of names."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def validate(data: Any, source: str = "hub-settings.json") -> None:
    """Check the whole settings document; raise SettingsError on the first problem."""
    v = _Checker(data, source)
    top = v.obj(
        "",
        ("version", "class", "hub", "proxy", "auth", "spawner", "storage", "culler"),
    )
    if top["version"] != SETTINGS_VERSION or isinstance(top["version"], bool):
        v.fail("version", f"expected {SETTINGS_VERSION}", top["version"])

    cls = v.obj("class", ("name", "term", "namespace"))
    v.string("class.name", cls["name"])
    v.string("class.term", cls["term"])
    v.dns_label("class.namespace", cls["namespace"])

    hub = v.obj(
        "hub",
        (
            "baseUrl",
            "bindUrl",
            "connectUrl",
            "dbUrl",
            "publicUrl",
            "concurrentSpawnLimit",
            "activeServerLimit",
            "lastActivityInterval",
            "namedServers",
            "adminAccess",
            "logLevel",
        ),
    )
    v.url_path("hub.baseUrl", hub["baseUrl"])
    v.url("hub.bindUrl", hub["bindUrl"])
    v.url("hub.connectUrl", hub["connectUrl"])
    v.string("hub.dbUrl", hub["dbUrl"])
    if "://" not in hub["dbUrl"]:
        v.fail("hub.dbUrl", "expected an SQLAlchemy URL", hub["dbUrl"])
    v.url("hub.publicUrl", hub["publicUrl"], nullable=True)
    v.integer("hub.concurrentSpawnLimit", hub["concurrentSpawnLimit"], minimum=1)
    v.integer("hub.activeServerLimit", hub["activeServerLimit"], minimum=0)
    v.integer("hub.lastActivityInterval", hub["lastActivityInterval"], minimum=1)
    v.boolean("hub.namedServers", hub["namedServers"])
    v.boolean("hub.adminAccess", hub["adminAccess"])
    v.choice("hub.logLevel", hub["logLevel"], LOG_LEVELS)

    proxy = v.obj("proxy", ("apiUrl",))
    v.url("proxy.apiUrl", proxy["apiUrl"])

    _validate_auth(v)
    _validate_spawner(v, cls["namespace"])

    storage = v.obj(
        "storage", ("storageClass", "capacity", "mountPath", "pvcNameTemplate", "volumeName")
    )
    v.string("storage.storageClass", storage["storageClass"], nullable=True)
    if not isinstance(storage["capacity"], str) or not _QUANTITY.fullmatch(storage["capacity"]):
        v.fail("storage.capacity", "expected a Kubernetes quantity like 10Gi", storage["capacity"])
    if not isinstance(storage["mountPath"], str) or not storage["mountPath"].startswith("/"):
        v.fail("storage.mountPath", "expected an absolute path", storage["mountPath"])
    v.string("storage.pvcNameTemplate", storage["pvcNameTemplate"])
    if "{" not in storage["pvcNameTemplate"]:
        # a constant name would give every student the same home volume
        v.fail(
            "storage.pvcNameTemplate",
            "must contain a per-user field such as {user_server}",
            storage["pvcNameTemplate"],
        )
    v.dns_label("storage.volumeName", storage["volumeName"])

    culler = v.obj(
        "culler",
        ("enabled", "apiUrl", "timeoutSeconds", "everySeconds", "maxAgeSeconds", "concurrency"),
    )
    v.boolean("culler.enabled", culler["enabled"])
    v.url("culler.apiUrl", culler["apiUrl"])
    v.integer("culler.timeoutSeconds", culler["timeoutSeconds"], minimum=1)
    v.integer("culler.everySeconds", culler["everySeconds"], minimum=1)
    v.integer("culler.maxAgeSeconds", culler["maxAgeSeconds"], minimum=0)
    v.integer("culler.concurrency", culler["concurrency"], minimum=1)


def _validate_auth(v: _Checker) -> None:
    auth = v.obj(
        "auth",
        (
            "type",
            "admins",
            "allowedUsers",
            "callbackUrl",
            "clientId",
            "github",
            "google",
            "genericOAuth",
        ),
    )
    kind = auth["type"]
    v.choice("auth.type", kind, AUTH_TYPES)
    v.str_list("auth.admins", auth["admins"])
    v.str_list("auth.allowedUsers", auth["allowedUsers"])

    sections = {"github": "github", "google": "google", "generic-oauth": "genericOAuth"}
    for other, key in sections.items():
        if other != kind and auth[key] is not None:
            v.fail(f"auth.{key}", f"must be null unless auth.type is {other}", auth[key])

    if kind == "dummy":
        for key in ("callbackUrl", "clientId"):
            if auth[key] is not None:
                v.fail(f"auth.{key}", "must be null for auth.type dummy", auth[key])
    else:
        v.url("auth.callbackUrl", auth["callbackUrl"])
        if not auth["callbackUrl"].endswith("/oauth_callback"):
            v.fail(
                "auth.callbackUrl", "expected a URL ending in /oauth_callback", auth["callbackUrl"]
            )
        v.string("auth.clientId", auth["clientId"])

    restriction: list = []
    if kind == "github":
        gh = v.obj("auth.github", ("allowedOrganizations",))
        v.str_list("auth.github.allowedOrganizations", gh["allowedOrganizations"])
        restriction = gh["allowedOrganizations"]
    elif kind == "google":
        google = v.obj("auth.google", ("hostedDomain",))
        v.str_list("auth.google.hostedDomain", google["hostedDomain"])
        restriction = google["hostedDomain"]
        # Google usernames are full email addresses (see jupyterhub_config.py)
        for key in ("admins", "allowedUsers"):
            for i, name in enumerate(auth[key]):
                if "@" not in name:
                    v.fail(f"auth.{key}[{i}]", "expected a Google email address", name)
    elif kind == "generic-oauth":
        g = v.obj(
            "auth.genericOAuth",
            (
                "loginService",
                "authorizeUrl",
                "tokenUrl",
                "userdataUrl",
                "usernameClaim",
                "scope",
                "allowedGroups",
                "claimGroupsKey",
            ),
        )
        v.string("auth.genericOAuth.loginService", g["loginService"])
        v.url("auth.genericOAuth.authorizeUrl", g["authorizeUrl"])
        v.url("auth.genericOAuth.tokenUrl", g["tokenUrl"])
        v.url("auth.genericOAuth.userdataUrl", g["userdataUrl"])
        v.string("auth.genericOAuth.usernameClaim", g["usernameClaim"])
        v.str_list("auth.genericOAuth.scope", g["scope"])
        v.str_list("auth.genericOAuth.allowedGroups", g["allowedGroups"])
        v.string("auth.genericOAuth.claimGroupsKey", g["claimGroupsKey"], nullable=True)
        if g["allowedGroups"] and g["claimGroupsKey"] is None:
            v.fail(
                "auth.genericOAuth.claimGroupsKey",
                "required when auth.genericOAuth.allowedGroups is set",
                None,
            )
        restriction = g["allowedGroups"]

    # JupyterHub 5 lets nobody in by default: something must say who may log in.
    if not auth["allowedUsers"] and not restriction:
        v.fail(
            "auth.allowedUsers",
            "the roster is empty and no organization/domain/group restriction is set, "
            "so no student could log in",
            auth["allowedUsers"],
        )


def _validate_spawner(v: _Checker, class_namespace: str) -> None:
    sp = v.obj(
        "spawner",
        (
            "namespace",
            "image",
            "imagePullPolicy",
            "cpuGuarantee",
            "cpuLimit",
            "memGuarantee",
            "memLimit",
            "uid",
            "gid",
            "fsGid",
            "startTimeout",
            "httpTimeout",
            "defaultUrl",
            "environment",
            "extraLabels",
            "nodeSelector",
            "tolerations",
            "profiles",
        ),
    )
    v.dns_label("spawner.namespace", sp["namespace"])
    if sp["namespace"] != class_namespace:
        v.fail(
            "spawner.namespace",
            f"expected the class namespace {class_namespace!r}",
            sp["namespace"],
        )
    v.string("spawner.image", sp["image"])
    v.choice("spawner.imagePullPolicy", sp["imagePullPolicy"], PULL_POLICIES)
    _resources(v, "spawner", sp)
    # Pod Security "restricted" refuses root: uid 0 would never start.
    v.integer("spawner.uid", sp["uid"], minimum=1)
    v.integer("spawner.gid", sp["gid"], minimum=0)
    v.integer("spawner.fsGid", sp["fsGid"], minimum=0)
    v.integer("spawner.startTimeout", sp["startTimeout"], minimum=1)
    v.integer("spawner.httpTimeout", sp["httpTimeout"], minimum=1)
    if not isinstance(sp["defaultUrl"], str) or not sp["defaultUrl"].startswith("/"):
        v.fail("spawner.defaultUrl", "expected a path starting with '/'", sp["defaultUrl"])
    v.str_map("spawner.environment", sp["environment"])
    v.str_map("spawner.extraLabels", sp["extraLabels"])
    v.str_map("spawner.nodeSelector", sp["nodeSelector"])
    v.tolerations("spawner.tolerations", sp["tolerations"])

    if not isinstance(sp["profiles"], list):
        v.fail("spawner.profiles", "expected a list", sp["profiles"])
    slugs = set()
    for i, profile in enumerate(sp["profiles"]):
        path = f"spawner.profiles[{i}]"
        p = v.obj(path, ("slug", "displayName", "description", "default", "overrides"), profile)
        v.dns_label(f"{path}.slug", p["slug"])
        if p["slug"] in slugs:
            v.fail(f"{path}.slug", "duplicate profile slug", p["slug"])
        slugs.add(p["slug"])
        v.string(f"{path}.displayName", p["displayName"])
        if not isinstance(p["description"], str):
            v.fail(f"{path}.description", "expected a string", p["description"])
        v.boolean(f"{path}.default", p["default"])
        o = v.obj(
            f"{path}.overrides",
            (
                "image",
                "cpuGuarantee",
                "cpuLimit",
                "memGuarantee",
                "memLimit",
                "gpus",
                "nodeSelector",
                "tolerations",
            ),
            p["overrides"],
        )
        where = f"{path}.overrides"
        v.string(f"{where}.image", o["image"], nullable=True)
        _resources(v, where, o, nullable=True, defaults=sp)
        v.integer(f"{where}.gpus", o["gpus"], minimum=0)
        v.str_map(f"{where}.nodeSelector", o["nodeSelector"], nullable=True)
        v.tolerations(f"{where}.tolerations", o["tolerations"], nullable=True)
    if sum(1 for p in sp["profiles"] if p["default"]) > 1:
        v.fail("spawner.profiles", "more than one profile has default: true")


def _resources(
    v: _Checker, where: str, node: dict, *, nullable: bool = False, defaults: dict | None = None
) -> None:
    for key in ("cpuGuarantee", "cpuLimit"):
        v.number(f"{where}.{key}", node[key], nullable=nullable)
    for key in ("memGuarantee", "memLimit"):  # bytes
        if not (nullable and node[key] is None):
            v.integer(f"{where}.{key}", node[key], minimum=1)
    for kind in ("cpu", "mem"):
        # effective values: a null override keeps the class default
        guarantee = node[f"{kind}Guarantee"]
        limit = node[f"{kind}Limit"]
        if defaults is not None:
            guarantee = defaults[f"{kind}Guarantee"] if guarantee is None else guarantee
            limit = defaults[f"{kind}Limit"] if limit is None else limit
        if guarantee > limit:
            v.fail(
                f"{where}.{kind}Guarantee",
                f"guarantee is above the limit {limit!r}",
                node[f"{kind}Guarantee"],
            )
