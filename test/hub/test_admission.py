"""Admission without a roster: CILogon identity providers, a Google domain plus
named outsiders, everyone an LMS authenticates, a domain of a verified email;
and what KubeSpawner names the pods and claims of '@' users.

As in test_auth.py, each login runs the authenticator's whole decision path
under the real OAuthenticator and JupyterHub; only the identity provider's
token and user-info answers are canned.
"""

from __future__ import annotations

import copy
import re
import uuid

import pytest
from tornado import web

from helpers import fake_user, pod_and_pvc, read_settings, run, write_settings
from test_auth import _Handler

BERKELEY = "urn:mace:incommon:berkeley.edu"
STANFORD = "urn:mace:incommon:stanford.edu"
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def login_as(auth, user_info: dict):
    """The auth model for a user the provider describes with ``user_info``; None if refused."""

    async def get_token_info(handler, params):
        return {"access_token": uuid.uuid4().hex, "token_type": "Bearer", "scope": ""}

    async def token_to_user(token_info):
        return copy.deepcopy(user_info)

    auth.get_token_info = get_token_info
    auth.token_to_user = token_to_user
    return run(auth.get_authenticated_user(_Handler(), None))


@pytest.fixture
def stack_auth(stack_renderer, load_hub_config, tmp_path):
    """``stack_auth(stack, change=None)`` -> (authenticator, settings): rendered, then changed."""

    def make(stack: str, change=None):
        s = read_settings(stack_renderer.settings_path(stack))
        if change is not None:
            change(s)
        app = load_hub_config(write_settings(tmp_path, s, f"{uuid.uuid4().hex}.json"))
        return app.authenticator_class(parent=app), s

    return make


# --- CILogon: by identity provider and domain ----------------------------------


def cilogon_user(idp: str, eppn: str, groups=()) -> dict:
    return {"idp": idp, "eppn": eppn, "email": eppn, "isMemberOf": list(groups)}


def test_cilogon_admits_the_domain_of_its_provider(stack_auth):
    auth, _ = stack_auth("stat20-sp27")
    assert type(auth).__name__ == "CILogonOAuthenticator"
    model = login_as(auth, cilogon_user(BERKELEY, "oski@berkeley.edu"))
    assert model is not None
    assert model["name"] == "oski@berkeley.edu"
    # the same provider vouching for another domain (eppn scope) is not admitted by it
    assert login_as(auth, cilogon_user(BERKELEY, "guest@lbl.gov")) is None


def test_cilogon_provider_without_admission_lets_in_only_the_named(stack_auth):
    auth, s = stack_auth("stat20-sp27")
    (outsider,) = s["auth"]["allowedUsers"]
    assert login_as(auth, cilogon_user(STANFORD, outsider)) is not None
    assert login_as(auth, cilogon_user(STANFORD, "someone@stanford.edu")) is None
    # a Berkeley domain name from another provider is not Berkeley's say-so
    assert login_as(auth, cilogon_user(STANFORD, "oski@berkeley.edu")) is None


def test_cilogon_refuses_a_provider_not_configured(stack_auth):
    auth, _ = stack_auth("stat20-sp27")
    with pytest.raises(web.HTTPError, match="not pre-configured"):
        login_as(
            auth, cilogon_user("https://accounts.google.com/o/oauth2/auth", "oski@berkeley.edu")
        )


def test_cilogon_staff_group_members_log_in_with_their_groups(stack_auth):
    auth, s = stack_auth("stat20-sp27")
    (ta_group,) = s["auth"]["taGroups"]
    assert auth.manage_groups is True
    assert auth.auth_state_groups_key == "cilogon_user.isMemberOf"
    # a TA from the provider without admission gets in through the group
    model = login_as(auth, cilogon_user(STANFORD, "gsi@stanford.edu", [ta_group, "stanford-staff"]))
    assert model is not None
    assert model["groups"] == sorted([ta_group, "stanford-staff"])
    assert login_as(auth, cilogon_user(STANFORD, "gsi2@stanford.edu", ["stanford-staff"])) is None


def test_cilogon_idps_as_oauthenticator_reads_them(stack_auth):
    auth, s = stack_auth("stat20-sp27")
    assert list(auth.idps) == [idp["entityId"] for idp in s["auth"]["cilogon"]["idps"]]
    assert auth.idps[BERKELEY] == {
        "username_derivation": {"username_claim": "eppn"},
        "allow_all": False,
        "allowed_domains": ["berkeley.edu"],
    }
    assert auth.allow_all is False


def test_cilogon_provider_allow_all(stack_auth):
    def open_stanford(s):
        s["auth"]["cilogon"]["idps"][1]["allowAll"] = True

    auth, _ = stack_auth("stat20-sp27", open_stanford)
    assert (
        login_as(auth, cilogon_user(STANFORD, f"{uuid.uuid4().hex[:8]}@stanford.edu")) is not None
    )
    assert login_as(auth, cilogon_user(BERKELEY, "guest@lbl.gov")) is None


# --- Google: a domain plus named outsiders --------------------------------------


def google_user(email: str, hd: str | None) -> dict:
    info = {"email": email, "verified_email": True}
    if hd:
        info["hd"] = hd
    return info


def domain_plus_outsiders(s):
    s["auth"]["google"] = {"hostedDomain": [], "allowedDomains": ["berkeley.edu"]}
    s["auth"]["allowedUsers"] = ["exchange@stanford.edu"]
    s["auth"]["admins"].append("visiting-ta@gmail.com")


def test_google_domain_plus_outsiders(stack_auth):
    auth, _ = stack_auth("data8-fa26", domain_plus_outsiders)
    assert auth.hosted_domain == []
    assert auth.allow_all is False
    assert login_as(auth, google_user("new-student@berkeley.edu", "berkeley.edu")) is not None
    # the outsiders the class names, on the roster and among the admins
    assert login_as(auth, google_user("exchange@stanford.edu", "stanford.edu")) is not None
    model = login_as(auth, google_user("visiting-ta@gmail.com", None))
    assert model is not None
    assert model["name"] == "visiting-ta@gmail.com"
    # and nobody else: another domain, or a personal account with a berkeley.edu address (no hd)
    assert login_as(auth, google_user("someone@stanford.edu", "stanford.edu")) is None
    assert login_as(auth, google_user("spoof@berkeley.edu", None)) is None


def test_google_domain_plus_outsiders_refuses_unverified_email(stack_auth):
    auth, _ = stack_auth("data8-fa26", domain_plus_outsiders)
    info = google_user("new-student@berkeley.edu", "berkeley.edu") | {"verified_email": False}
    with pytest.raises(web.HTTPError, match="unverified email"):
        login_as(auth, info)


# --- generic OAuth: everyone the LMS authenticates, or by email domain ------------


def generic(**changes):
    def change(s):
        s["auth"]["type"] = "generic-oauth"
        s["auth"]["cilogon"] = None
        s["auth"]["genericOAuth"] = {
            "loginService": "bCourses",
            "authorizeUrl": "https://bcourses.berkeley.edu/login/oauth2/auth",
            "tokenUrl": "https://bcourses.berkeley.edu/login/oauth2/token",
            "userdataUrl": "https://bcourses.berkeley.edu/api/v1/users/self",
            "usernameClaim": "email",
            "scope": ["openid"],
            "allowAll": False,
            "allowedDomains": [],
            "allowedGroups": [],
            "claimGroupsKey": "groups",
            **changes,
        }

    return change


def test_generic_allow_all_admits_everyone_the_provider_authenticates(stack_auth):
    auth, _ = stack_auth("stat20-sp27", generic(allowAll=True))
    assert auth.allow_all is True
    assert (
        login_as(auth, {"email": f"{uuid.uuid4().hex[:8]}@example.org", "groups": []}) is not None
    )


def test_generic_without_allow_all_admits_only_the_named(stack_auth):
    auth, _ = stack_auth("stat20-sp27", generic())
    assert auth.allow_all is False
    assert login_as(auth, {"email": "someone@berkeley.edu", "groups": []}) is None
    assert login_as(auth, {"email": "exchange-student@stanford.edu", "groups": []}) is not None


def test_generic_admits_a_domain_of_a_verified_email(stack_auth):
    auth, _ = stack_auth("stat20-sp27", generic(allowedDomains=["berkeley.edu"]))
    assert login_as(auth, {"email": "oski@berkeley.edu", "email_verified": True, "groups": []})
    assert login_as(auth, {"email": "oski@Berkeley.EDU", "groups": []}) is not None
    assert (
        login_as(auth, {"email": "oski@berkeley.edu", "email_verified": False, "groups": []})
        is None
    )
    assert login_as(auth, {"email": "oski@stanford.edu", "groups": []}) is None


# --- GitHub: course staff by team ------------------------------------------------


def github_staff_teams(s):
    s["auth"]["github"]["teamsAsGroups"] = True
    s["auth"]["instructorGroups"] = ["cs294-dl:faculty"]
    s["auth"]["taGroups"] = ["cs294-dl:gsis"]
    s["auth"]["staffGroups"] = ["cs294-dl:faculty", "cs294-dl:gsis"]


def github_login(auth, login: str, teams: list[tuple[str, str]]):
    """Log in as ``login``, a member of ``teams``: (org login, team slug) pairs."""

    async def paginated_fetch(url, access_token, token_type):
        assert url.endswith("/user/teams?per_page=100"), url
        return [{"slug": slug, "organization": {"login": org}} for org, slug in teams]

    async def org_membership(org_team, name, access_token, token_type):
        return False

    auth._paginated_fetch = paginated_fetch
    auth._check_membership_allowed_organizations = org_membership
    return login_as(auth, {"login": login, "email": None})


def test_github_staff_teams_are_read_at_login(stack_auth):
    auth, _ = stack_auth("gpu-seminar-fa26", github_staff_teams)
    assert "read:org" in auth.scope
    assert auth.populate_teams_in_auth_state is True
    assert auth.manage_groups is True
    # a GSI on no roster gets in through the team; org logins compare in lower case
    model = github_login(auth, "gsi", [("CS294-DL", "gsis"), ("cs294-dl", "readers")])
    assert model is not None
    assert model["groups"] == ["cs294-dl:gsis", "cs294-dl:readers"]
    assert github_login(auth, "someone", [("cs294-dl", "readers")]) is None


def test_github_teams_are_not_read_without_staff_teams(stack_auth):
    auth, s = stack_auth("gpu-seminar-fa26")
    assert s["auth"]["github"]["teamsAsGroups"] is False
    assert auth.populate_teams_in_auth_state is False
    assert auth.manage_groups is False


# --- '@' users: KubeSpawner's names for their pods and claims ---------------------


def test_at_users_get_valid_distinct_pod_and_claim_names(
    stack_renderer, load_hub_config, make_spawner
):
    app = load_hub_config(stack_renderer.settings_path("stat20-sp27"))
    names = set()
    for user in ("oski@berkeley.edu", "oski@stanford.edu", "o.ski+1@berkeley.edu"):
        pod, pvc = pod_and_pvc(app, make_spawner, user=fake_user(user))
        for name in (pod["metadata"]["name"], pvc["metadata"]["name"]):
            assert DNS_LABEL.match(name), name
            assert "@" not in name
        assert pvc["metadata"]["name"] in {
            v["persistentVolumeClaim"]["claimName"]
            for v in pod["spec"]["volumes"]
            if "persistentVolumeClaim" in v
        }
        names.add((pod["metadata"]["name"], pvc["metadata"]["name"]))
    assert len(names) == 3, "two users share a pod or a claim"
