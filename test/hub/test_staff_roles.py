"""Course staff from the login provider's groups, under the real hub.

Runs the real jupyterhub with hub/jupyterhub_config.py and the stat20-sp27
example's settings (CILogon, staff groups from isMemberOf) behind the real
configurable-http-proxy. CILogon itself is a small OAuth server on 127.0.0.1
that answers the token and user-info calls: the hub's own login handlers,
OAuthenticator's CILogon class, group sync and JupyterHub's role resolution
all run as in production. Every process started here is stopped in teardown.

People, all logging in through CILogon:
- an instructor (group stat20-instructors): the class admin role;
- a TA (group stat20-gsis): the class-ta role;
- a student (admitted by the berkeley.edu domain): no staff role.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from helpers import (
    CONFIG_FILE,
    free_port,
    read_settings,
    wait_for,
)
from test_smoke import http, proxied_hub

pytestmark = pytest.mark.smoke

BERKELEY = "urn:mace:incommon:berkeley.edu"
INSTRUCTOR = "prof-stark@berkeley.edu"
TA = "gsi-lee@berkeley.edu"
STUDENT = "oski@berkeley.edu"


class FakeCILogon:
    """CILogon's token and user-info endpoints; the code a test sends is the person's eppn."""

    def __init__(self, groups: dict[str, list[str]]):
        self.groups = groups
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # token: the access token is the code, i.e. the person
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                self._json({"access_token": form["code"][0], "token_type": "Bearer"})

            def do_GET(self):  # user info for the bearer token
                eppn = self.headers["Authorization"].split(" ", 1)[1]
                self._json(
                    {
                        "idp": BERKELEY,
                        "eppn": eppn,
                        "email": eppn,
                        "isMemberOf": fake.groups.get(eppn, []),
                    }
                )

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory, stack_renderer, fake_kubernetes):
    tmp = tmp_path_factory.mktemp("staff")
    s = read_settings(stack_renderer.settings_path("stat20-sp27"))
    assert s["auth"]["type"] == "cilogon"
    (instructors,) = s["auth"]["instructorGroups"]
    (tas,) = s["auth"]["taGroups"]
    provider = FakeCILogon({INSTRUCTOR: [instructors, "ucb-faculty"], TA: [tas]})
    public_port, api_port, hub_port = free_port(), free_port(), free_port()
    # only where the hub listens and its database: the auth section is the example's
    s["hub"].update(
        bindUrl=f"http://127.0.0.1:{hub_port}",
        connectUrl=f"http://127.0.0.1:{hub_port}",
        dbUrl=f"sqlite:///{tmp}/jupyterhub.sqlite",
        publicUrl=None,
    )
    s["proxy"]["apiUrl"] = f"http://127.0.0.1:{api_port}"
    s["culler"]["enabled"] = False
    # the classhub config, then CILogon's endpoints moved to the fake provider
    config = tmp / "jupyterhub_config.py"
    config.write_text(
        f"load_subconfig({str(CONFIG_FILE)!r})\n"
        f"c.CILogonOAuthenticator.token_url = {provider.url + '/oauth2/token'!r}\n"
        f"c.CILogonOAuthenticator.userdata_url = {provider.url + '/oauth2/userinfo'!r}\n"
    )
    try:
        with proxied_hub(tmp, s, (public_port, api_port, hub_port), config) as running:
            yield {
                "public": running["public"],
                "settings": s,
                "hub": running["hub"],
                "provider": provider,
            }
    finally:
        provider.stop()


def cilogon_login(hub, eppn: str) -> requests.Session:
    """The browser's way in: /hub/oauth_login, CILogon (answered here), /hub/oauth_callback."""
    session = http()
    start = session.get(f"{hub['public']}/hub/oauth_login", allow_redirects=False, timeout=10)
    assert start.status_code == 302, start.text
    query = parse_qs(urlparse(start.headers["Location"]).query)
    assert query["selected_idp"] == [BERKELEY + ",urn:mace:incommon:stanford.edu"]
    done = session.get(
        f"{hub['public']}/hub/oauth_callback",
        params={"code": eppn, "state": query["state"][0]},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302, f"{eppn} refused ({done.status_code}): {done.text[:300]}"
    return session


def call(session: requests.Session, hub, method: str, path: str, **kwargs):
    return session.request(
        method,
        f"{hub['public']}/hub{path}",
        headers={"X-XSRFToken": session.cookies.get("_xsrf", "")},
        allow_redirects=False,
        timeout=30,
        **kwargs,
    )


@pytest.fixture(scope="module")
def people(hub):
    sessions = {name: cilogon_login(hub, name) for name in (STUDENT, TA, INSTRUCTOR)}
    return sessions


def scopes(people, hub, name) -> set[str]:
    me = call(people[name], hub, "GET", "/api/user")
    assert me.status_code == 200, me.text
    return set(me.json()["scopes"])


def test_groups_come_from_the_claim_and_carry_the_roles(people, hub):
    models = {u["name"]: u for u in call(people[INSTRUCTOR], hub, "GET", "/api/users").json()}
    s = hub["settings"]["auth"]
    assert models[TA]["groups"] == s["taGroups"]
    assert sorted(models[INSTRUCTOR]["groups"]) == sorted(s["instructorGroups"] + ["ucb-faculty"])
    assert models[STUDENT]["groups"] == []
    groups = {g["name"]: g for g in call(people[INSTRUCTOR], hub, "GET", "/api/groups").json()}
    assert groups[s["taGroups"][0]]["roles"] == ["class-ta"]
    # adminAccess is off in the example: instructors hold class-admin, not JupyterHub's admin
    assert hub["settings"]["hub"]["adminAccess"] is False
    assert groups[s["instructorGroups"][0]]["roles"] == ["class-admin"]


def test_ta_opens_a_students_server_and_the_admin_page(people, hub):
    ta = people[TA]
    assert call(ta, hub, "GET", "/admin").status_code == 200
    # the hub's own check for opening a server: access granted, the server is just not running
    assert call(ta, hub, "GET", f"/user/{STUDENT}/lab").status_code == 424
    granted = scopes(people, hub, TA)
    assert {"access:servers", "servers", "admin-ui", "list:users", "read:users"} <= granted
    # stopping a student's server (not running: nothing to do)
    assert call(ta, hub, "DELETE", f"/api/users/{STUDENT}/server").status_code == 204


def test_ta_cannot_change_users_groups_or_the_hub(people, hub):
    ta = people[TA]
    granted = scopes(people, hub, TA)
    for scope in (
        "admin:users",
        "admin:groups",
        "groups",
        "shutdown",
        "admin:services",
        "read:roles",
    ):
        assert scope not in granted, scope
    assert (
        call(ta, hub, "POST", f"/api/users/new-{uuid.uuid4().hex[:6]}@berkeley.edu").status_code
        == 403
    )
    assert call(ta, hub, "DELETE", f"/api/users/{STUDENT}").status_code == 403
    assert (
        call(
            ta, hub, "POST", "/api/groups/stat20-gsis/users", json={"users": [STUDENT]}
        ).status_code
        == 403
    )
    assert call(ta, hub, "POST", "/api/shutdown").status_code == 403


def test_student_reaches_no_one_elses_server(people, hub):
    student = people[STUDENT]
    assert call(student, hub, "GET", "/admin").status_code == 403
    assert call(student, hub, "GET", f"/user/{TA}/lab").status_code == 404
    assert call(student, hub, "DELETE", f"/api/users/{TA}/server").status_code == 404
    assert "access:servers" not in {
        x.split("!")[0] for x in scopes(people, hub, STUDENT) if "!user" not in x
    }


def test_instructor_is_class_admin_without_student_server_access(people, hub):
    instructor = people[INSTRUCTOR]
    assert call(instructor, hub, "GET", "/admin").status_code == 200
    granted = scopes(people, hub, INSTRUCTOR)
    assert {"admin:users", "admin:groups", "shutdown"} <= granted
    # adminAccess off: like the admins list, no way into a student's server
    assert call(instructor, hub, "GET", f"/user/{STUDENT}/lab").status_code == 404
    added = f"late-{uuid.uuid4().hex[:6]}@berkeley.edu"
    assert call(instructor, hub, "POST", f"/api/users/{added}").status_code == 201


def test_leaving_the_group_loses_the_role_at_next_login(people, hub):
    provider = hub["provider"]
    ta_groups = provider.groups[TA]
    provider.groups[TA] = []
    try:
        again = cilogon_login(hub, TA)  # still admitted: berkeley.edu
        me = call(again, hub, "GET", "/api/user").json()
        assert me["groups"] == []
        assert "access:servers" not in {x.split("!")[0] for x in me["scopes"] if "!user" not in x}
        assert call(again, hub, "GET", "/admin").status_code == 403
    finally:
        provider.groups[TA] = ta_groups


def test_instructor_shuts_the_hub_down(people, hub):
    """Last: the hub is gone afterwards."""
    response = call(people[INSTRUCTOR], hub, "POST", "/api/shutdown")
    assert response.status_code == 202, response.text
    wait_for(lambda: hub["hub"].proc.poll() is not None, 30, "the hub to exit")
