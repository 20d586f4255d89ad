"""Admission by domain, for the authenticators whose pinned version lacks it.

OAuthenticator 17.4 admits a whole domain only through CILogon's per-IdP
``allowed_domains``. Google's ``hosted_domain`` refuses every other domain
before the allow-list is read, so "everyone of berkeley.edu plus these
outsiders" cannot be said with it; GenericOAuthenticator has no domain
admission at all. These subclasses add one trait, ``allowed_domains``, that
admits a user of a listed domain *in addition to* everything upstream's
``check_allowed`` admits (roster, admins, groups, allow_all). They keep
upstream's class names, so their config sections are upstream's.
"""

from __future__ import annotations

from oauthenticator.generic import GenericOAuthenticator as _Generic
from oauthenticator.google import GoogleOAuthenticator as _Google
from oauthenticator.oauth2 import OAuthenticator
from traitlets import Set, Unicode


def github_team_groups(auth_state: dict) -> list[str]:
    """The user's GitHub teams as groups, ``org:team`` in lower case.

    GitHub compares organization logins without case and team slugs are
    lower case, so the stack's staff teams are compared in lower case too.
    """
    return sorted(
        f"{team['organization']['login']}:{team['slug']}".lower()
        for team in auth_state.get("teams", [])
    )


class _DomainAdmission(OAuthenticator):
    allowed_domains = Set(
        Unicode(),
        config=True,
        help="Domains whose every user may log in, besides whoever else is allowed.",
    )

    def user_domain(self, auth_model: dict) -> str | None:
        """The domain the provider vouches for; None when it vouches for none."""
        raise NotImplementedError

    async def check_allowed(self, username, auth_model):
        if await super().check_allowed(username, auth_model):
            return True
        return bool(self.allowed_domains) and self.user_domain(auth_model) in self.allowed_domains


class GoogleOAuthenticator(_DomainAdmission, _Google):
    def user_domain(self, auth_model):
        # hd is the Google Workspace domain. The email's domain is not proof:
        # a personal Google account may carry any address, even ada@berkeley.edu.
        hd = auth_model["auth_state"][self.user_auth_state_key].get("hd")
        return hd.lower() if hd else None


class GenericOAuthenticator(_DomainAdmission, _Generic):
    def user_domain(self, auth_model):
        info = auth_model["auth_state"][self.user_auth_state_key]
        email = info.get("email")
        # OIDC providers say whether they checked the address; one they did not is no proof
        if not isinstance(email, str) or "@" not in email or info.get("email_verified") is False:
            return None
        return email.rsplit("@", 1)[1].lower()
