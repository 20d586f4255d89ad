"""Who gets in: the roster, the admins, and everyone else refused.

Each login runs the authenticator's whole decision path
(``get_authenticated_user``: authenticate, normalize, block, allow, admin).
Only the calls to the identity provider are replaced by canned answers, so no
network is needed; the decisions are OAuthenticator's and JupyterHub's own.
"""

from __future__ import annotations

import copy
import uuid
from types import SimpleNamespace

import pytest

from helpers import FIXTURES, has_roster, read_settings, run, write_settings


class _Handler:
    """Just enough of a tornado handler for OAuthenticator.authenticate."""

    def get_argument(self, name, default=None):
        return "oauth-code" if name == "code" else default

    def get_state_cookie(self):
        """The state the login handler stored; PKCE keeps its code_verifier there."""
        from oauthenticator.oauth2 import _serialize_state

        return _serialize_state({"state_id": uuid.uuid4().hex, "code_verifier": "verifier"})


def login(auth, username: str, *, domain: str | None = None, groups=(), orgs=()):
    """Log ``username`` in through ``auth``; the auth model, or None if refused.

    ``domain`` is the Google hosted domain (hd claim) of the account, ``groups``
    the generic-OAuth group claim, ``orgs`` the GitHub org:team memberships.
    """
    kind = type(auth).__name__
    if kind == "DummyAuthenticator":
        data = {"username": username, "password": "anything"}
        return run(auth.get_authenticated_user(None, data))

    token = {"access_token": uuid.uuid4().hex, "token_type": "Bearer", "scope": ""}
    if kind == "GoogleOAuthenticator":
        user_info = {"email": username, "verified_email": True}
        if domain:
            user_info["hd"] = domain
    elif kind == "GitHubOAuthenticator":
        user_info = {"login": username, "email": f"{username}@users.noreply.github.com"}
    elif kind == "GenericOAuthenticator":
        user_info = {auth.username_claim: username, "groups": list(groups)}
    elif kind == "CILogonOAuthenticator":
        # from the first identity provider the class offers
        user_info = {"idp": next(iter(auth.idps)), "eppn": username, "isMemberOf": list(groups)}
    else:
        raise AssertionError(kind)

    async def get_token_info(handler, params):
        return token

    async def token_to_user(token_info):
        return copy.deepcopy(user_info)

    async def org_membership(org_team, name, access_token, token_type):
        return org_team in orgs

    auth.get_token_info = get_token_info
    auth.token_to_user = token_to_user
    auth._check_membership_allowed_organizations = org_membership
    return run(auth.get_authenticated_user(_Handler(), None))


def stranger(s: dict) -> str:
    """A username on no roster: an email for email-named authenticators."""
    name = f"stranger-{uuid.uuid4().hex[:8]}"
    if s["auth"]["type"] in ("google", "generic-oauth", "cilogon"):
        return f"{name}@example.org"
    return name


@pytest.fixture
def authenticator(load_hub_config):
    """``authenticator(settings_path)`` -> (authenticator, settings)."""

    def make(path):
        app = load_hub_config(path)
        return app.authenticator_class(parent=app), read_settings(path)

    return make


def domain_of(s: dict, name: str) -> str | None:
    if s["auth"]["type"] == "google":
        return name.split("@", 1)[1]
    return None


# --- every example stack --------------------------------------------------------


@pytest.mark.stacks(where=has_roster)
def test_roster_students_get_in(stack_settings_path, authenticator):
    auth, s = authenticator(stack_settings_path)
    roster = s["auth"]["allowedUsers"]
    assert roster != []
    for name in (roster[0], roster[-1]):
        model = login(auth, name, domain=domain_of(s, name))
        assert model is not None, f"roster student {name} refused"
        assert model["name"] == name
        assert not model["admin"]


def test_student_not_on_roster_is_refused(stack_settings_path, authenticator):
    auth, s = authenticator(stack_settings_path)
    name = stranger(s)
    assert name not in s["auth"]["allowedUsers"]
    assert login(auth, name, domain="example.org" if "@" in name else None) is None


def test_admins_get_in(stack_settings_path, authenticator):
    """Admins log in under the name the roles list them by (no domain stripped)."""
    auth, s = authenticator(stack_settings_path)
    for name in s["auth"]["admins"]:
        model = login(auth, name, domain=domain_of(s, name))
        assert model is not None, f"admin {name} refused"
        assert model["name"] == name


# --- Google: roster, or the hosted domain -----------------------------------------


def google_settings(tmp_path, roster):
    s = read_settings(FIXTURES / "google.json")
    assert s["auth"]["type"] == "google"
    s["auth"]["allowedUsers"] = roster
    return write_settings(tmp_path, s), s


def test_google_domain_class_admits_the_domain_only(tmp_path, authenticator):
    path, s = google_settings(tmp_path, [])
    auth, _ = authenticator(path)
    (domain,) = s["auth"]["google"]["hostedDomain"]
    assert login(auth, f"new-student@{domain}", domain=domain) is not None
    # same name, another Google account: blocked by the hosted domain
    assert login(auth, "new-student@gmail.com", domain=None) is None
    assert login(auth, f"spoof@{domain}", domain="evil.example") is None


def test_google_roster_class_refuses_others_in_the_domain(tmp_path, authenticator):
    (domain,) = read_settings(FIXTURES / "google.json")["auth"]["google"]["hostedDomain"]
    path, _ = google_settings(tmp_path, [f"enrolled@{domain}"])
    auth, _ = authenticator(path)
    assert auth.allow_all is False
    assert login(auth, f"enrolled@{domain}", domain=domain) is not None
    assert login(auth, f"not-enrolled@{domain}", domain=domain) is None


def test_google_hosted_domain_blocks_listed_users_of_other_domains(tmp_path, authenticator):
    """Why the TypeScript side refuses such a class (classhub:class.admins[i]
    "is outside auth.hostedDomain"): OAuthenticator blocks an account of
    another Google domain before it reads the admins or the roster."""
    _, s = google_settings(tmp_path, ["visitor@stanford.edu"])
    s["auth"]["admins"].append("ta@gmail.com")
    auth, _ = authenticator(write_settings(tmp_path, s, "other-domains.json"))
    assert "ta@gmail.com" in auth.allowed_users
    assert login(auth, "ta@gmail.com", domain=None) is None  # a personal account has no hd
    assert login(auth, "visitor@stanford.edu", domain="stanford.edu") is None
    (admin, *_) = s["auth"]["admins"]
    assert login(auth, admin, domain=domain_of(s, admin)) is not None


# --- GitHub: roster, or org/team -------------------------------------------------


def test_github_org_team_members_get_in(tmp_path, authenticator):
    s = read_settings(FIXTURES / "github.json")
    s["auth"]["allowedUsers"] = []
    s["auth"]["github"]["allowedOrganizations"] = ["cs294-dl:fa26-students"]
    auth, _ = authenticator(write_settings(tmp_path, s))
    assert "read:org" in auth.scope
    assert login(auth, "member", orgs={"cs294-dl:fa26-students"}) is not None
    assert login(auth, "outsider", orgs={"cs294-dl:staff"}) is None


# --- Generic OAuth / OIDC (no example stack uses it) ------------------------------


def test_generic_oauth_config(authenticator):
    auth, s = authenticator(FIXTURES / "generic-oauth.json")
    g = s["auth"]["genericOAuth"]
    assert type(auth).__name__ == "GenericOAuthenticator"
    assert auth.login_service == g["loginService"]
    assert auth.authorize_url == g["authorizeUrl"]
    assert auth.token_url == g["tokenUrl"]
    assert auth.userdata_url == g["userdataUrl"]
    assert auth.username_claim == g["usernameClaim"]
    assert auth.scope == g["scope"]
    assert auth.oauth_callback_url == s["auth"]["callbackUrl"]
    assert auth.allowed_groups == set(g["allowedGroups"])
    assert auth.manage_groups is True
    assert auth.auth_state_groups_key == f"oauth_user.{g['claimGroupsKey']}"


def test_generic_oauth_group_members_get_in(authenticator):
    auth, s = authenticator(FIXTURES / "generic-oauth.json")
    (group,) = s["auth"]["genericOAuth"]["allowedGroups"]
    assert login(auth, "member@example.edu", groups=[group]) is not None
    assert login(auth, "other@example.edu", groups=["another-course"]) is None
    admin = s["auth"]["admins"][0]
    assert login(auth, admin, groups=[]) is not None


def test_generic_oauth_roster_without_groups(tmp_path, authenticator):
    s = read_settings(FIXTURES / "generic-oauth.json")
    s["auth"]["allowedUsers"] = ["enrolled@example.edu"]
    s["auth"]["genericOAuth"].update(allowedGroups=[], claimGroupsKey=None)
    auth, _ = authenticator(write_settings(tmp_path, s))
    assert auth.manage_groups is False
    assert login(auth, "enrolled@example.edu") is not None
    assert login(auth, "someone@example.edu") is None


# --- the roster is the whole truth -----------------------------------------------


def test_student_dropped_from_roster_is_refused_though_in_db(stack_settings_path, authenticator):
    """allow_existing_users is off: being in the hub database lets nobody in."""
    auth, s = authenticator(stack_settings_path)
    dropped = stranger(s)
    # what JupyterHub does at startup for every user already in its database
    auth.add_user(SimpleNamespace(name=dropped))
    assert dropped not in auth.allowed_users
    assert login(auth, dropped, domain="example.org" if "@" in dropped else None) is None
