"""Shared fixtures for the hub tests.

- The example stacks (``Pulumi.<stack>.yaml`` at the repo top) are rendered
  once per session with the real TypeScript program (``tools/dev/render.ts``), so
  the settings JSON these tests load is the one the TypeScript side writes.
- ``load_hub_config`` loads hub/jupyterhub_config.py through JupyterHub's own
  config loader with a settings file and the secrets in the environment.
- ``make_spawner`` builds the real KubeSpawner for a test user, talking to a
  fake Kubernetes API on 127.0.0.1 that records every request.
"""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from helpers import (
    CONFIG_FILE,
    RENDER_SCRIPT,
    RENDER_TIMEOUT,
    REPO,
    SECRETS,
    SENTINEL_OAUTH_CLIENT_SECRET,
    env_with_node,
    fake_user,
    free_port,
    node_bin_dir,
)

# --- example stacks, rendered by the real TypeScript -------------------------


def discover_stacks() -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in REPO.glob("Pulumi.*.yaml"))


def class_of(stack: str) -> dict | None:
    """The stack file's ``classhub:class`` as written; None for a cluster-only stack."""
    doc = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text()) or {}
    return (doc.get("config") or {}).get("classhub:class")


class StackRenderer:
    """Runs ``tsx tools/dev/render.ts <stack> --out <dir>`` once per stack.

    It runs on a copy of the stack file in which an OAuth client secret, encrypted in the repo, is
    the clear SENTINEL_OAUTH_CLIENT_SECRET: the program keeps it in the hub Secret, so a test can
    look for it in everything render writes.
    """

    def __init__(self, out_root: Path):
        self.out_root = out_root
        self.project = out_root / "project"
        self.project.mkdir()
        (self.project / "rosters").symlink_to(REPO / "rosters")  # rosterFile is read from the cwd
        (self.project / "files").symlink_to(REPO / "files")  # and so are files' sources and logos
        self.results: dict[str, Path | None] = {}

    def settings_path(self, stack: str) -> Path | None:
        if stack not in self.results:
            self.results[stack] = self._render(stack)
        return self.results[stack]

    def _render(self, stack: str) -> Path | None:
        if not RENDER_SCRIPT.exists():
            pytest.fail(f"{RENDER_SCRIPT.relative_to(REPO)} does not exist: cannot render {stack}")
        out = self.out_root / stack
        out.mkdir(parents=True, exist_ok=True)
        tsx = REPO / "node_modules" / ".bin" / "tsx"
        if not tsx.exists() or node_bin_dir() is None:
            pytest.fail("tsx and Node 22 are needed to render the stacks: run `make deps`")
        doc = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())
        if "classhub:oauthClientSecret" in doc["config"]:
            doc["config"]["classhub:oauthClientSecret"] = SENTINEL_OAUTH_CLIENT_SECRET
        (self.project / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(doc))
        cmd = [str(tsx), str(RENDER_SCRIPT), stack, "--out", str(out)]
        proc = subprocess.run(
            cmd,
            cwd=self.project,
            env=env_with_node(),
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT,
        )
        if proc.returncode != 0:
            pytest.fail(
                f"render of stack {stack} failed ({proc.returncode}):\n"
                f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            )
        settings = out / "hub-settings.json"
        return settings if settings.exists() else None  # None: cluster-only stack


@pytest.fixture(scope="session")
def stack_renderer(tmp_path_factory) -> StackRenderer:
    return StackRenderer(tmp_path_factory.mktemp("render"))


@pytest.fixture
def stack_settings_path(stack: str, stack_renderer: StackRenderer) -> Path:
    """The hub-settings.json the TypeScript program renders for ``stack``."""
    path = stack_renderer.settings_path(stack)
    if path is None:
        pytest.fail(f"class stack {stack} rendered no hub-settings.json")
    return path


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "stacks(where): run only for the class stacks whose classhub:class passes the predicate"
        " (helpers.has_profiles, ...)",
    )


def pytest_generate_tests(metafunc):
    """``stack``: every class stack (one whose stack file has classhub:class), narrowed by
    ``@pytest.mark.stacks``.

    Decided from the stack files at collection time, so no item is generated only to be skipped.
    """
    if "stack" not in metafunc.fixturenames:
        return
    predicates = [m.kwargs["where"] for m in metafunc.definition.iter_markers("stacks")]
    classes = {stack: class_of(stack) for stack in discover_stacks()}
    stacks = [
        stack
        for stack, cls in classes.items()
        if cls is not None and all(predicate(cls) for predicate in predicates)
    ]
    if not stacks:
        wanted = ", ".join(p.__name__ for p in predicates) or "a class"
        pytest.fail(
            f"{metafunc.definition.nodeid}: no example stack has {wanted}, so it would check"
            " nothing; add such a stack or remove the test",
            pytrace=False,
        )
    metafunc.parametrize("stack", stacks)


# --- loading the hub config ---------------------------------------------------


@pytest.fixture
def hub_env(monkeypatch):
    """The secrets in the environment, as in the hub pod."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.fixture
def load_hub_config(hub_env):
    """Load jupyterhub_config.py through JupyterHub's own loader; return the app."""
    from jupyterhub.app import JupyterHub

    def load(settings_path: Path):
        hub_env.setenv("CLASSHUB_SETTINGS", str(settings_path))
        app = JupyterHub()
        app.load_config_file(str(CONFIG_FILE))
        return app

    return load


# --- a fake Kubernetes API, for the spawner -------------------------------------


class FakeKubernetes:
    """Records requests; answers 404 to everything (nothing exists)."""

    def __init__(self):
        self.requests: list[tuple[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                recorder.requests.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                body = json.dumps(
                    {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404}
                ).encode()
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def fake_kubernetes(tmp_path_factory):
    fake = FakeKubernetes()
    fake.start()
    kubeconfig = tmp_path_factory.mktemp("kube") / "config"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": fake.url}}],
                "users": [{"name": "fake", "user": {"token": "fake-token"}}],
                "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
                "current-context": "fake",
            }
        )
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KUBECONFIG", str(kubeconfig))  # for the smoke test's hub process
        mp.delenv("KUBERNETES_SERVICE_HOST", raising=False)
        # kubernetes_asyncio reads KUBECONFIG once, at import, which loading the
        # hub config (spawner_class) may already have done in this process
        mp.setattr(
            "kubernetes_asyncio.config.kube_config.KUBE_CONFIG_DEFAULT_LOCATION",
            str(kubeconfig),
        )
        yield fake
    fake.stop()


@pytest.fixture
def make_spawner(fake_kubernetes):
    """``make_spawner(app, user=None)`` -> a real KubeSpawner; call inside a running loop."""
    from kubespawner import KubeSpawner

    def make(app, user=None):
        app.init_hub()  # JupyterHub's own Hub object, from the loaded config
        return KubeSpawner(
            config=app.config,
            user=user or fake_user(),
            hub=app.hub,
            api_token="test-api-token",
            _mock=True,
        )

    return make
