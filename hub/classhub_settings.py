"""Read and check the hub settings that the TypeScript program writes.

jupyterhub_config.py imports this module from the same ConfigMap. It reads
``hub-settings.json`` (path from ``CLASSHUB_SETTINGS``) and checks it in two
steps:

- against the settings contract, ``hub-settings.schema.json`` next to this
  file: the JSON Schema form of the one definition in
  components/hub/settingsSchema.ts (structure, types, formats, limits);
- against the few rules that need several fields at once and guard the hub
  itself: somebody can log in, the auth sections match the auth type, the
  spawner works in the class namespace, guarantees stay within limits after
  profile overrides, profiles are distinct.

It hands the values out with ``get(path, default)`` / ``require(path)``, where
``path`` is dotted, e.g. ``"spawner.cpuLimit"``. Secrets never appear in the
JSON: ``secret(name)`` reads them from the environment.

Anything wrong raises ``ValueError`` naming the settings path (or environment
variable) and the bad value. JupyterHub sets ``raise_config_file_errors``, so
that error stops the hub at startup: there is no half-configured hub.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema

log = logging.getLogger("JupyterHub.classhub")

DEFAULT_SETTINGS_PATH = "/usr/local/etc/jupyterhub/hub-settings.json"
SETTINGS_ENV = "CLASSHUB_SETTINGS"
SCHEMA_PATH = Path(__file__).with_name("hub-settings.schema.json")

# auth.type -> its auth section, and the keys in it that admit students
# without a roster (CILogon's are per identity provider, under "idps")
RESTRICTIONS = {
    "github": ("github", ("allowedOrganizations",)),
    "google": ("google", ("hostedDomain", "allowedDomains")),
    "generic-oauth": ("genericOAuth", ("allowAll", "allowedDomains", "allowedGroups")),
    "cilogon": ("cilogon", ("idps",)),
}
OAUTH_TYPES = tuple(RESTRICTIONS)

_MISSING = object()
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


class SettingsError(ValueError):
    """A field of the hub settings (or a secret) is missing or invalid."""


class Settings:
    """Validated hub settings; ``get``/``require`` take dotted paths."""

    def __init__(self, data: Any, source: str = "hub-settings.json"):
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


def validate(data: Any, source: str = "hub-settings.json") -> None:
    """Check the whole settings document; raise SettingsError on the first problem."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = _path(error.absolute_path) or "(top level)"
        raise SettingsError(f"{source}: {where}: {error.message}")
    for rule in RULES:
        problem = rule(data)
        if problem is not None:
            where, message, value = problem
            raise SettingsError(f"{source}: {where}: {message} (got {_show(value)})")


Problem = tuple[str, str, Any]


def _someone_can_log_in(s: dict) -> Problem | None:
    """JupyterHub 5 lets nobody in by default: the roster or a restriction must."""
    auth = s["auth"]
    restriction = []
    if auth["type"] in RESTRICTIONS:
        section, keys = RESTRICTIONS[auth["type"]]
        restriction = [auth[section][key] for key in keys]
    if auth["type"] == "cilogon":
        restriction = [i["allowAll"] or i["allowedDomains"] for i in auth["cilogon"]["idps"]]
    if not auth["allowedUsers"] and not any(restriction):
        return (
            "auth.allowedUsers",
            "the roster is empty and no organization/domain/group restriction is set, "
            "so no student could log in",
            auth["allowedUsers"],
        )
    return None


def _auth_sections_match_type(s: dict) -> Problem | None:
    auth = s["auth"]
    for kind, (key, _) in RESTRICTIONS.items():
        if (auth[key] is not None) != (auth["type"] == kind):
            state = "required" if auth["type"] == kind else "must be null"
            return f"auth.{key}", f"{state} with auth.type {auth['type']}", auth[key]
    oauth = auth["type"] in OAUTH_TYPES
    for key in ("callbackUrl", "clientId"):
        if (auth[key] is not None) != oauth:
            state = "required" if oauth else "must be null"
            return f"auth.{key}", f"{state} with auth.type {auth['type']}", auth[key]
    generic = auth["genericOAuth"]
    if generic is not None and generic["allowedGroups"] and generic["claimGroupsKey"] is None:
        return (
            "auth.genericOAuth.claimGroupsKey",
            "required when auth.genericOAuth.allowedGroups is set",
            None,
        )
    return None


def _reads_groups(auth: dict) -> bool:
    """Whether the authenticator reads users' groups at login: a claim, or GitHub's teams."""
    if auth["type"] == "github":
        return auth["github"]["teamsAsGroups"]
    section = {"generic-oauth": "genericOAuth", "cilogon": "cilogon"}.get(auth["type"])
    return section is not None and auth[section]["claimGroupsKey"] is not None


def _staff_groups_readable(s: dict) -> Problem | None:
    """Staff roles come from the group claim: without one nobody would hold them."""
    auth = s["auth"]
    staff = auth["instructorGroups"] + auth["taGroups"]
    if sorted(auth["staffGroups"]) != sorted(staff):
        return (
            "auth.staffGroups",
            "must list exactly auth.instructorGroups and auth.taGroups",
            auth["staffGroups"],
        )
    if not staff:
        return None
    if not _reads_groups(auth):
        return (
            "auth.staffGroups",
            "needs groups read at login (auth.genericOAuth or auth.cilogon claimGroupsKey, "
            f"or auth.github.teamsAsGroups); auth.type {auth['type']} reads none",
            auth["staffGroups"],
        )
    if set(auth["instructorGroups"]) & set(auth["taGroups"]):
        return (
            "auth.taGroups",
            "a group is both instructor and TA; give each group one role",
            sorted(set(auth["instructorGroups"]) & set(auth["taGroups"])),
        )
    return None


def _spawner_in_class_namespace(s: dict) -> Problem | None:
    if s["spawner"]["namespace"] != s["class"]["namespace"]:
        return (
            "spawner.namespace",
            f"expected the class namespace {s['class']['namespace']!r}",
            s["spawner"]["namespace"],
        )
    return None


def _guarantees_within_limits(s: dict) -> Problem | None:
    """Also after a profile's and a choice's overrides: null keeps the value below.

    One option of a profile decides its resources (the TypeScript side checks),
    so each choice is checked on top of its profile alone.
    """
    spawner = s["spawner"]
    places = [("spawner", [spawner])]
    for i, p in enumerate(spawner["profiles"]):
        at = f"spawner.profiles[{i}]"
        places.append((f"{at}.overrides", [p["overrides"], spawner]))
        places += [
            (
                f"{at}.options[{j}].choices[{k}].overrides",
                [choice["overrides"], p["overrides"], spawner],
            )
            for j, option in enumerate(p["options"])
            for k, choice in enumerate(option["choices"])
        ]
    for where, layers in places:
        for kind in ("cpu", "mem"):
            guarantee, limit = (
                next(layer[key] for layer in layers if layer[key] is not None)
                for key in (f"{kind}Guarantee", f"{kind}Limit")
            )
            if guarantee > limit:
                return (
                    f"{where}.{kind}Guarantee",
                    f"guarantee is above the limit {limit!r}",
                    guarantee,
                )
    return None


def _profiles_distinct(s: dict) -> Problem | None:
    profiles = s["spawner"]["profiles"]
    slugs = [p["slug"] for p in profiles]
    for i, slug in enumerate(slugs):
        if slug in slugs[:i]:
            return f"spawner.profiles[{i}].slug", "duplicate profile slug", slug
    defaults = [p["slug"] for p in profiles if p["default"]]
    if len(defaults) > 1:
        return "spawner.profiles", "more than one profile has default: true", defaults
    return None


def _choices_distinct(s: dict) -> Problem | None:
    """KubeSpawner keys options and choices by name, and applies the one default choice."""
    for i, p in enumerate(s["spawner"]["profiles"]):
        names = [o["name"] for o in p["options"]]
        for j, option in enumerate(p["options"]):
            at = f"spawner.profiles[{i}].options[{j}]"
            if option["name"] in names[:j]:
                return f"{at}.name", "duplicate option name", option["name"]
            slugs = [c["slug"] for c in option["choices"]]
            for k, slug in enumerate(slugs):
                if slug in slugs[:k]:
                    return f"{at}.choices[{k}].slug", "duplicate choice slug", slug
            defaults = [c["slug"] for c in option["choices"] if c["default"]]
            if len(defaults) != 1:
                return f"{at}.choices", "expected exactly one default choice", defaults
    return None


RULES: list[Callable[[dict], Problem | None]] = [
    _auth_sections_match_type,
    _someone_can_log_in,
    _staff_groups_readable,
    _spawner_in_class_namespace,
    _guarantees_within_limits,
    _profiles_distinct,
    _choices_distinct,
]


def _path(parts) -> str:
    """A JSON path as the TypeScript side names it: spawner.profiles[0].slug."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _show(value: Any, limit: int = 120) -> str:
    """repr() of a bad value, shortened: a roster can hold thousands of names."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + " ..."
