"""Smoke test: the real jupyterhub with this config behind the real proxy.

Starts configurable-http-proxy (from npm, the version the proxy image ships)
and jupyterhub with hub/jupyterhub_config.py and the dev stack's settings,
changed only to run on 127.0.0.1 free ports with sqlite in a tmp dir. Nothing
is spawned (that needs a Kubernetes API); KubeSpawner objects still get built,
against the recording fake API from conftest.py. Every process started here
is stopped in teardown.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from helpers import (
    CONFIG_FILE,
    FIXTURES,
    REPO,
    SECRETS,
    ProcessDied,
    env_with_node,
    free_port,
    read_settings,
    wait_for,
    write_settings,
)

pytestmark = pytest.mark.smoke

CHP = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
STARTUP_TIMEOUT = 90


def http() -> requests.Session:
    """A client for 127.0.0.1 that ignores any HTTP(S)_PROXY of the environment."""
    session = requests.Session()
    session.trust_env = False
    return session


class Process:
    """A child process in its own process group, with its output in a file."""

    def __init__(self, name: str, cmd: list[str], env: dict, cwd: Path, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stop it and its children together
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def assert_running(self):
        if self.proc.poll() is not None:
            raise ProcessDied(f"{self.name} exited ({self.proc.returncode}):\n{self.log()}")

    def stop(self):
        if self.proc.poll() is None:
            pgid = self.proc.pid  # == its process group id (start_new_session)
            try:
                os.killpg(pgid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(pgid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        # the group's other members (the culler) go with SIGTERM to the group;
        # make sure none is left behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


def dev_settings_path(stack_renderer) -> Path:
    """The dev stack's settings as the TypeScript renders them (a fixture without it)."""
    if (REPO / "Pulumi.dev.yaml").exists():
        path = stack_renderer.settings_path("dev")
        assert path is not None, "the dev stack rendered no hub-settings.json"
        return path
    return FIXTURES / "dummy.json"


def smoke_settings(stack_renderer, tmp_path: Path, hub_port: int, api_port: int) -> dict:
    """The dev stack's rendered settings, moved onto 127.0.0.1."""
    s = read_settings(dev_settings_path(stack_renderer))
    assert s["auth"]["type"] == "dummy", "the smoke test logs in with dummy auth"
    s["hub"]["bindUrl"] = f"http://127.0.0.1:{hub_port}"
    s["hub"]["connectUrl"] = f"http://127.0.0.1:{hub_port}"
    s["hub"]["dbUrl"] = f"sqlite:///{tmp_path}/jupyterhub.sqlite"
    s["hub"]["publicUrl"] = None
    s["hub"]["logLevel"] = "DEBUG"
    s["proxy"]["apiUrl"] = f"http://127.0.0.1:{api_port}"
    s["culler"]["enabled"] = True
    s["culler"]["apiUrl"] = f"http://127.0.0.1:{hub_port}/hub/api"
    return s


@contextlib.contextmanager
def proxied_hub(tmp: Path, settings: dict, ports: tuple[int, int, int], config: Path = CONFIG_FILE):
    """The real configurable-http-proxy and jupyterhub on 127.0.0.1, on `ports` (public, proxy
    API, hub), the hub with `config` and these settings, both answering. Every process started
    is stopped on exit. The yielded `start_proxy` starts another proxy, for a test that stopped
    the first."""
    public_port, api_port, hub_port = ports
    processes: list[Process] = []
    env = env_with_node() | {"CONFIGPROXY_AUTH_TOKEN": SECRETS["CONFIGPROXY_AUTH_TOKEN"]}
    chp_cmd = [
        str(CHP),
        "--ip=127.0.0.1",
        f"--port={public_port}",
        "--api-ip=127.0.0.1",
        f"--api-port={api_port}",
        f"--default-target=http://127.0.0.1:{hub_port}",
        f"--error-target=http://127.0.0.1:{hub_port}/hub/error",
    ]
    api = f"http://127.0.0.1:{api_port}"
    token = {"Authorization": f"token {SECRETS['CONFIGPROXY_AUTH_TOKEN']}"}

    def start_proxy() -> Process:
        chp = Process("proxy", chp_cmd, env, tmp, tmp)
        processes.append(chp)

        def proxy_up():
            chp.assert_running()
            return http().get(f"{api}/api/routes", headers=token, timeout=2).ok

        wait_for(proxy_up, STARTUP_TIMEOUT, "configurable-http-proxy API")
        return chp

    try:
        chp = start_proxy()
        hub_env = {
            **os.environ,
            **SECRETS,
            "CLASSHUB_SETTINGS": str(write_settings(tmp, settings)),
            # the culler service runs `python3 -m jupyterhub_idle_culler`: this venv's
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
        jhub = Process(
            "jupyterhub",
            [sys.executable, "-m", "jupyterhub", "--config", str(config), "--upgrade-db"],
            hub_env,
            tmp,
            tmp,
        )
        processes.append(jhub)
        public = f"http://127.0.0.1:{public_port}"

        def healthy():
            chp.assert_running()
            jhub.assert_running()
            return http().get(f"{public}/hub/health", timeout=2).status_code == 200

        wait_for(healthy, STARTUP_TIMEOUT, "/hub/health through the proxy")
        yield {
            "public": public,
            "api": api,
            "api_headers": token,
            "hub": jhub,
            "proxy": chp,
            "start_proxy": start_proxy,
        }
    finally:
        for process in reversed(processes):
            process.stop()


@pytest.fixture(scope="module")
def hub(tmp_path_factory, stack_renderer, fake_kubernetes):
    tmp = tmp_path_factory.mktemp("smoke")
    public_port, api_port, hub_port = free_port(), free_port(), free_port()
    settings = smoke_settings(stack_renderer, tmp, hub_port, api_port)
    with proxied_hub(tmp, settings, (public_port, api_port, hub_port)) as running:
        yield {**running, "hub_port": hub_port, "settings": settings}


def login(hub, username: str) -> tuple[requests.Session, requests.Response]:
    """Dummy-auth login through the proxy, as a browser would (xsrf and all)."""
    session = http()
    page = session.get(f"{hub['public']}/hub/login", timeout=10)
    page.raise_for_status()
    match = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    assert match, "login form has no _xsrf field"
    response = session.post(
        f"{hub['public']}/hub/login",
        data={"username": username, "password": "any", "_xsrf": match.group(1)},
        allow_redirects=False,  # the next stop would be /hub/spawn: don't spawn
        timeout=10,
    )
    return session, response


def api_get(session: requests.Session, hub, path: str):
    """A hub API call authenticated by the browser session's cookie."""
    return session.get(
        f"{hub['public']}/hub/api{path}",
        headers={"X-XSRFToken": session.cookies.get("_xsrf", "")},
        timeout=10,
    )


def test_health_answers_through_the_proxy(hub):
    response = http().get(f"{hub['public']}/hub/health", timeout=5)
    assert response.status_code == 200
    hub["hub"].assert_running()
    hub["proxy"].assert_running()


def test_hub_registered_its_route_in_the_proxy(hub):
    routes = http().get(f"{hub['api']}/api/routes", headers=hub["api_headers"], timeout=5)
    routes.raise_for_status()
    targets = {spec: r["target"] for spec, r in routes.json().items()}
    assert targets["/"] == f"http://127.0.0.1:{hub['hub_port']}"


def test_roster_student_logs_in(hub):
    student = hub["settings"]["auth"]["allowedUsers"][0]
    session, response = login(hub, student)
    assert response.status_code == 302
    assert "jupyterhub-hub-login" in session.cookies
    home = session.get(f"{hub['public']}/hub/home", allow_redirects=False, timeout=10)
    assert home.status_code == 200
    assert student in home.text
    me = api_get(session, hub, "/user")
    assert me.status_code == 200
    assert me.json()["name"] == student
    assert me.json()["admin"] is False


def test_stranger_is_refused(hub):
    stranger = f"stranger-{uuid.uuid4().hex[:8]}"
    session, response = login(hub, stranger)
    assert response.status_code == 403
    assert "jupyterhub-hub-login" not in session.cookies


def test_hub_api_lists_the_admin(hub):
    (admin, *_) = hub["settings"]["auth"]["admins"]
    session, response = login(hub, admin)
    assert response.status_code == 302
    users = api_get(session, hub, "/users")
    assert users.status_code == 200, users.text
    by_name = {u["name"]: u for u in users.json()}
    # adminAccess is off in the dev stack: a class admin, not a JupyterHub admin
    assert hub["settings"]["hub"]["adminAccess"] is False
    assert "class-admin" in by_name[admin]["roles"]
    assert by_name[admin]["admin"] is False
    # the roster was loaded into the hub at startup; strangers never were
    for student in hub["settings"]["auth"]["allowedUsers"]:
        assert by_name[student]["roles"] == ["user"]
    assert not [name for name in by_name if name.startswith("stranger-")]
    assert session.get(f"{hub['public']}/hub/admin", timeout=10).status_code == 200


def test_class_admin_has_no_access_to_student_servers(hub):
    (admin, *_) = hub["settings"]["auth"]["admins"]
    session, _ = login(hub, admin)
    scopes = set(api_get(session, hub, "/user").json()["scopes"])
    assert "admin:users" in scopes
    assert "admin:servers" in scopes
    # only their own server and tokens (the "self" of every user)
    own = (f"!user={admin}", f"!server={admin}/")
    reaching = ("access:servers", "tokens", "read:tokens", "shares", "users:shares")
    assert not [s for s in scopes if s.split("!")[0] in reaching and not s.endswith(own)]


def test_idle_culler_runs_with_its_role(hub):
    """The hub-managed culler starts and its API calls are allowed."""
    log = hub["hub"].log

    def culler_listed_users():
        return re.search(r"200 GET /hub/api/users\S* \(idle-culler@", log())

    wait_for(culler_listed_users, 60, "the idle culler's first GET /hub/api/users")
    assert "Starting service 'idle-culler'" in log()
    assert not re.search(r"40[13] \w+ /hub/api\S* \(idle-culler@", log())


def test_deleting_a_user_keeps_the_home(hub, fake_kubernetes):
    """DELETE /hub/api/users/<name>: the spawner is told to go, the PVC stays."""
    student = hub["settings"]["auth"]["allowedUsers"][-1]
    student_session, response = login(hub, student)
    assert response.status_code == 302
    # the home page builds the student's (KubeSpawner) spawner, without spawning
    assert student_session.get(f"{hub['public']}/hub/home", timeout=10).status_code == 200

    (admin, *_) = hub["settings"]["auth"]["admins"]
    admin_session, _ = login(hub, admin)
    fake_kubernetes.requests.clear()
    deleted = admin_session.delete(
        f"{hub['public']}/hub/api/users/{student}",
        headers={"X-XSRFToken": admin_session.cookies.get("_xsrf", "")},
        timeout=30,
    )
    assert deleted.status_code == 204, deleted.text
    claim = hub["settings"]["storage"]["pvcNameTemplate"].replace("{user_server}", student)
    wait_for(
        lambda: f"Not deleting pvc for {student}: {claim}" in hub["hub"].log(),
        30,
        "KubeSpawner.delete_forever to decline deleting the PVC",
    )
    assert not [r for r in fake_kubernetes.requests if r[0] == "DELETE"]
    users = api_get(admin_session, hub, "/users").json()
    assert student not in {u["name"] for u in users}


def test_smoke_settings_still_the_dev_stack(hub, stack_renderer):
    """Only the listening addresses, database, log level and culler were changed."""
    original = read_settings(dev_settings_path(stack_renderer))
    changed = json.loads(json.dumps(hub["settings"]))
    for section, key in [
        ("hub", "bindUrl"),
        ("hub", "connectUrl"),
        ("hub", "dbUrl"),
        ("hub", "publicUrl"),
        ("hub", "logLevel"),
        ("proxy", "apiUrl"),
        ("culler", "enabled"),
        ("culler", "apiUrl"),
    ]:
        changed[section][key] = original[section][key]
    assert changed == original


def test_culler_reaches_the_hub_without_the_url_jupyterhub_hands_it(hub, load_hub_config, tmp_path):
    """In the hub pod, the JUPYTERHUB_API_URL that JupyterHub gives managed
    services (http://hub:8081/hub/api) is blocked by the hub's own
    NetworkPolicy. Run the configured culler command with that URL pointing
    nowhere: it must still reach the hub, through its --url."""
    log = hub["hub"].log
    calls = r"200 GET /hub/api/users\S* \(idle-culler@"
    # The hub's own culler calls once at start, then every culler.everySeconds
    # (minutes): count from after its first call, so new calls are this one's.
    wait_for(lambda: re.search(calls, log()), 60, "the hub-managed culler's first call")
    before = len(re.findall(calls, log()))
    services = load_hub_config(write_settings(tmp_path, hub["settings"])).services
    (service,) = [s for s in services if s["name"] == "idle-culler"]
    errors = Path(hub["hub"].log_path).parent / "test-culler.log"
    with errors.open("w") as err:
        culler = subprocess.Popen(
            [sys.executable, *service["command"][1:]],
            env={
                **os.environ,
                "JUPYTERHUB_API_TOKEN": service["api_token"],
                "JUPYTERHUB_API_URL": f"http://127.0.0.1:{free_port()}/hub/api",  # nothing listens
            },
            stdout=subprocess.DEVNULL,
            stderr=err,
        )

    def called_the_hub():
        if "Connection refused" in errors.read_text():
            raise ProcessDied(f"the culler used JUPYTERHUB_API_URL:\n{errors.read_text()}")
        return len(re.findall(calls, log())) > before

    try:
        wait_for(called_the_hub, 60, "the culler's GET /hub/api/users")
    finally:
        culler.terminate()
        culler.wait(timeout=10)


def test_routes_come_back_after_a_proxy_restart(hub):
    """configurable-http-proxy keeps routes in memory: a restarted proxy has
    none. The hub restores them at its next route check, within
    hub.lastActivityInterval (runs last: it replaces the proxy)."""
    interval = hub["settings"]["hub"]["lastActivityInterval"]
    assert interval <= 30
    hub["proxy"].stop()
    hub["proxy"] = hub["start_proxy"]()
    routes_url = f"{hub['api']}/api/routes"

    def hub_route():
        """The hub's own route, as JupyterHub registers it (not --default-target's)."""
        hub["hub"].assert_running()
        routes = http().get(routes_url, headers=hub["api_headers"], timeout=5).json()
        return routes.get("/", {}).get("jupyterhub") is True

    assert not hub_route(), "a new proxy starts with no JupyterHub routes"

    wait_for(hub_route, interval + 15, "the hub to restore its route in the new proxy")
    assert http().get(f"{hub['public']}/hub/health", timeout=5).status_code == 200
