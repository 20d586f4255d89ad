"""The tests run against exactly the hub environment the image ships."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

import pytest

from helpers import REPO

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def pins(path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_every_hub_pin_is_what_is_installed():
    hub_pins = pins(REPO / "requirements-hub.txt")
    assert hub_pins, "requirements-hub.txt pins nothing"
    wrong = {}
    for name, pinned in hub_pins.items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert wrong == {}, "re-create the venv: pip install -r requirements-test.txt"


@pytest.mark.parametrize(
    "package",
    ["jupyterhub", "jupyterhub-kubespawner", "oauthenticator", "jupyterhub-idle-culler"],
)
def test_hub_packages_are_pinned_exactly(package):
    assert package in pins(REPO / "requirements-hub.txt")


def test_test_requirements_build_on_the_hub_pins():
    text = (REPO / "requirements-test.txt").read_text()
    assert "-r requirements-hub.txt" in text.splitlines()
    test_pins = pins(REPO / "requirements-test.txt")
    assert {"pytest", "ruff"} <= set(test_pins)
    for name, pinned in test_pins.items():
        assert version(name) == pinned, name
