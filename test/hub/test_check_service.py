"""The health check's service (npm run check) under the real hub.

Runs the real jupyterhub with hub/jupyterhub_config.py and the dev stack's
settings behind the real configurable-http-proxy (test_smoke.proxied_hub),
with the check's token in the environment as the hub Secret gives it. The
service may create, spawn, reach and delete its one user, and nobody else.
Nothing is spawned here (that needs a Kubernetes API; test/live/tools.live.ts
spawns on the local node). Every process started is stopped in teardown.
"""

from __future__ import annotations

import uuid

import pytest

from helpers import free_port
from test_smoke import dev_settings_path, http, proxied_hub, smoke_settings

pytestmark = pytest.mark.smoke

CHECK_TOKEN = uuid.uuid4().hex
CHECK_USER = "classhub-check-user"  # tools/classes/check.ts CHECK_USER


@pytest.fixture(scope="module")
def hub(tmp_path_factory, stack_renderer, fake_kubernetes):
    tmp = tmp_path_factory.mktemp("check")
    ports = (free_port(), free_port(), free_port())
    settings = smoke_settings(stack_renderer, tmp, ports[2], ports[1])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLASSHUB_CHECK_API_TOKEN", CHECK_TOKEN)  # proxied_hub passes os.environ on
        with proxied_hub(tmp, settings, ports) as running:
            yield {**running, "settings": settings}


def call(hub, method: str, path: str, token: str = CHECK_TOKEN):
    return http().request(
        method,
        f"{hub['public']}/hub/api{path}",
        headers={"Authorization": f"token {token}"},
        timeout=10,
    )


def test_check_service_changes_only_its_user_and_reads_the_rest(hub):
    me = call(hub, "GET", "/user")
    assert me.status_code == 200, me.text
    assert me.json()["kind"] == "service"
    assert me.json()["name"] == "classhub-check"
    own = f"!user={CHECK_USER}"
    # npm run status reads these of everyone; nothing else reaches past its user
    assert {s for s in me.json()["scopes"] if not s.endswith(own)} == {
        "list:users",
        "read:users:name",
        "read:users:activity",
        "read:servers",
    }
    assert {s.split("!")[0] for s in me.json()["scopes"]} >= {
        "admin:users",
        "servers",
        "access:servers",
        "delete:users",
    }


def test_check_service_creates_and_deletes_its_user(hub):
    created = call(hub, "POST", f"/users/{CHECK_USER}")
    assert created.status_code == 201, created.text
    seen = call(hub, "GET", f"/users/{CHECK_USER}")
    assert seen.status_code == 200
    assert seen.json()["admin"] is False
    deleted = call(hub, "DELETE", f"/users/{CHECK_USER}")
    assert deleted.status_code == 204, deleted.text
    assert call(hub, "GET", f"/users/{CHECK_USER}").status_code == 404


def test_check_service_reaches_no_student(hub):
    student = hub["settings"]["auth"]["allowedUsers"][0]
    (admin, *_) = hub["settings"]["auth"]["admins"]
    listed = call(hub, "GET", "/users")
    assert listed.status_code == 200
    by_name = {u["name"]: u for u in listed.json()}
    assert student in by_name
    assert "last_activity" in by_name[student]
    assert "auth_state" not in by_name[student]
    for method, path in [
        ("GET", f"/users/{student}/tokens"),
        ("POST", f"/users/{student}/server"),
        ("POST", f"/users/{student}/tokens"),
        ("DELETE", f"/users/{student}"),
        ("DELETE", f"/users/{admin}"),
        ("POST", "/users/classhub-check-other"),
    ]:
        response = call(hub, method, path)
        assert response.status_code in (403, 404), f"{method} {path}: {response.status_code}"
    assert call(hub, "GET", f"/users/{student}", token=uuid.uuid4().hex).status_code == 403


def test_without_its_token_the_hub_has_no_check_service(load_hub_config, hub_env, stack_renderer):
    """A hub Secret from before the check: the hub starts, without the service."""
    hub_env.delenv("CLASSHUB_CHECK_API_TOKEN", raising=False)
    app = load_hub_config(dev_settings_path(stack_renderer))
    assert "classhub-check" not in {s["name"] for s in app.services}
    assert "classhub-check" not in {r["name"] for r in app.load_roles}
