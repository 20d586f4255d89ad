"""Profiles, the choices within them, placement, the server's command and named
servers, under the real JupyterHub and KubeSpawner.

The settings come from the real TypeScript side (test/support/classSettings.ts)
for a class that uses every feature; jupyterhub_config.py is loaded through
JupyterHub's own loader, and the pods and claims are the ones KubeSpawner would
create. The choices are picked as a browser would: from the profile form
KubeSpawner renders, posted back through its options_from_form.
"""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from helpers import (
    RENDER_TIMEOUT,
    REPO,
    env_with_node,
    fake_user,
    manifest_dict,
    read_settings,
    run,
    write_settings,
)

IMAGE_311 = "quay.io/jupyter/scipy-notebook:python-3.11"
IMAGE_312 = "quay.io/jupyter/scipy-notebook:python-3.12"
USER_TOLERATION = {
    "key": "hub.jupyter.org/dedicated",
    "operator": "Equal",
    "value": "user",
    "effect": "NoSchedule",
}
POOL_TOLERATION = {
    "key": "classhub.io/pool",
    "operator": "Equal",
    "value": "highmem",
    "effect": "NoSchedule",
}
LAB_TOLERATION = {"key": "example.edu/lab", "operator": "Exists", "effect": "NoSchedule"}

CLASS = {
    "name": "prof",
    "term": "dev",
    "admins": ["instructor"],
    "roster": ["student1", "student2"],
    "auth": {"type": "dummy"},
    "image": "quay.io/jupyter/minimal-notebook:2025-10-06",
    "resources": {
        "cpuGuarantee": 0.1,
        "cpuLimit": 0.5,
        "memoryGuarantee": "256Mi",
        "memoryLimit": "512Mi",
    },
    "environment": {"COURSE": "prof"},
    "workingDir": "/home/jovyan",
    "namedServers": {"enabled": True, "limitPerStudent": 2},
    "profiles": [
        {
            "slug": "python",
            "displayName": "Python",
            "default": True,
            "environment": {"KERNEL": "python"},
            "options": [
                {
                    "name": "image",
                    "displayName": "Image",
                    "choices": [
                        {"slug": "py311", "displayName": "Python 3.11", "image": IMAGE_311},
                        {
                            "slug": "py312",
                            "displayName": "Python 3.12",
                            "image": IMAGE_312,
                            "environment": {"PY": "3.12"},
                        },
                    ],
                },
                {
                    "name": "size",
                    "displayName": "Size",
                    "choices": [
                        {"slug": "small", "displayName": "Small"},
                        {
                            "slug": "large",
                            "displayName": "Large",
                            "default": True,
                            "resources": {"cpuLimit": 2, "memoryLimit": "4Gi"},
                            "placement": {"nodePool": "highmem"},
                        },
                    ],
                },
            ],
        },
        {
            "slug": "classic",
            "displayName": "Classic notebook",
            "defaultUrl": "/tree",
            "cmd": ["jupyterhub-singleuser"],
            "args": ["--ServerApp.terminals_enabled=False"],
            "workingDir": "/home/jovyan/work",
            "placement": {
                "nodeSelector": {"example.edu/disk": "ssd"},
                "tolerations": [LAB_TOLERATION],
            },
        },
    ],
}
CLUSTER = {
    "source": "gke",
    "gke": {
        "project": "ucb-classhub",
        "region": "us-central1",
        "extraUserPools": [{"name": "highmem", "machineType": "n2-highmem-16"}],
    },
}
FACTS = {
    "userPool": True,
    "extraUserPools": {
        "highmem": {"key": "classhub.io/pool", "value": "highmem", "effect": "NoSchedule"}
    },
}


def class_settings(cls: dict, cluster: dict | None = None, facts: dict | None = None) -> dict:
    """The hub settings the TypeScript side writes for ``cls``."""
    proc = subprocess.run(
        [
            str(REPO / "node_modules" / ".bin" / "tsx"),
            str(REPO / "test" / "support" / "classSettings.ts"),
        ],
        input=json.dumps({"class": cls, "cluster": cluster, "facts": facts or {"userPool": False}}),
        cwd=REPO,
        env=env_with_node(),
        capture_output=True,
        text=True,
        timeout=RENDER_TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def settings() -> dict:
    return class_settings(CLASS, CLUSTER, FACTS)


@pytest.fixture
def hub(settings, tmp_path, load_hub_config):
    return load_hub_config(write_settings(tmp_path, settings))


class FormFields(HTMLParser):
    """The profile form's menus: {select name: ([choice values], preselected value)}."""

    def __init__(self):
        super().__init__()
        self.menus: dict[str, tuple[list[str], str | None]] = {}
        self._menu: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._menu = attrs["name"]
            self.menus[self._menu] = ([], None)
        elif tag == "option" and self._menu is not None:
            values, selected = self.menus[self._menu]
            values.append(attrs["value"])
            self.menus[self._menu] = (values, attrs["value"] if "selected" in attrs else selected)

    def handle_endtag(self, tag):
        if tag == "select":
            self._menu = None


def spawn(app, make_spawner, formdata: dict | None = None, user=None, name: str = ""):
    """The pod and claim KubeSpawner makes after the form posts ``formdata`` (None: no form)."""
    from kubespawner import KubeSpawner

    async def build():
        base = make_spawner(app, user)  # builds app.hub
        spawner = (
            base
            if not name
            else KubeSpawner(
                config=app.config,
                user=base.user,
                hub=app.hub,
                # a named server's name comes from its database row
                orm_spawner=SimpleNamespace(name=name, server=None, state=None),
                api_token="test-api-token",
                _mock=True,
            )
        )
        if formdata is not None:
            spawner.user_options = spawner.options_from_form(formdata)
        await spawner.load_user_options()
        pod = await spawner.get_pod_manifest()
        return manifest_dict(pod), manifest_dict(spawner.get_pvc_manifest()), spawner

    return run(build())


def notebook(pod: dict) -> dict:
    (container,) = pod["spec"]["containers"]
    return container


def env_of(pod: dict) -> dict:
    return {e["name"]: e.get("value") for e in notebook(pod)["env"]}


# --- the profile form -----------------------------------------------------------


def test_profile_form_offers_each_option_with_its_default_preselected(hub, make_spawner):
    _, _, spawner = spawn(hub, make_spawner)
    form = FormFields()
    form.feed(spawner.options_form)
    assert form.menus == {
        "profile-option-python--image": (["py311", "py312"], "py311"),  # none marked: the first
        "profile-option-python--size": (["small", "large"], "large"),
    }


@pytest.mark.parametrize("image", [("py311", IMAGE_311), ("py312", IMAGE_312)])
@pytest.mark.parametrize("size", ["small", "large"])
def test_each_choice_posted_from_the_form_builds_its_pod(hub, make_spawner, image, size):
    slug, expected_image = image
    pod, _, _ = spawn(
        hub,
        make_spawner,
        {
            "profile": ["python"],
            "profile-option-python--image": [slug],
            "profile-option-python--size": [size],
        },
    )
    c = notebook(pod)
    assert c["image"] == expected_image
    large = size == "large"
    assert float(c["resources"]["limits"]["cpu"]) == (2 if large else 0.5)
    assert int(c["resources"]["limits"]["memory"]) == (4 if large else 0.5) * 2**30
    assert float(c["resources"]["requests"]["cpu"]) == 0.1  # the class guarantee stays
    assert pod["spec"]["nodeSelector"] == {
        "hub.jupyter.org/node-purpose": "user",
        **({"cloud.google.com/gke-nodepool": "highmem"} if large else {}),
    }
    assert pod["spec"]["tolerations"] == [USER_TOLERATION] + ([POOL_TOLERATION] if large else [])
    env = env_of(pod)
    # class, profile and choice environments add up
    assert (env["COURSE"], env["KERNEL"]) == ("prof", "python")
    assert env.get("PY") == ("3.12" if slug == "py312" else None)
    assert c["workingDir"] == "/home/jovyan"
    assert c.get("args") is None  # the image's own command
    assert env["JUPYTERHUB_DEFAULT_URL"] == "/lab"


def test_choosing_only_the_profile_applies_its_default_choices(hub, make_spawner):
    pod, _, _ = spawn(hub, make_spawner, {"profile": ["python"]})
    c = notebook(pod)
    assert c["image"] == IMAGE_311
    assert float(c["resources"]["limits"]["cpu"]) == 2
    assert pod["spec"]["nodeSelector"]["cloud.google.com/gke-nodepool"] == "highmem"


def test_a_profile_sets_command_working_dir_url_and_placement(hub, make_spawner):
    pod, _, spawner = spawn(hub, make_spawner, {"profile": ["classic"]})
    c = notebook(pod)
    assert c["args"] == ["jupyterhub-singleuser", "--ServerApp.terminals_enabled=False"]
    assert "command" not in c or c["command"] is None  # the image's entrypoint (tini) stays
    assert c["workingDir"] == "/home/jovyan/work"
    assert spawner.default_url == "/tree"
    assert env_of(pod)["JUPYTERHUB_DEFAULT_URL"] == "/tree"
    assert pod["spec"]["nodeSelector"] == {
        "hub.jupyter.org/node-purpose": "user",
        "example.edu/disk": "ssd",
    }
    assert pod["spec"]["tolerations"] == [USER_TOLERATION, LAB_TOLERATION]
    assert "KERNEL" not in env_of(pod)  # the other profile's environment


def test_choices_do_not_leak_into_the_next_server(hub, make_spawner, settings):
    spawn(hub, make_spawner, {"profile": ["python"], "profile-option-python--image": ["py312"]})
    pod, _, _ = spawn(hub, make_spawner, {"profile": ["classic"]})
    assert notebook(pod)["image"] == settings["spawner"]["image"]
    assert "PY" not in env_of(pod)
    assert hub.config.KubeSpawner.environment == settings["spawner"]["environment"]


def test_a_choice_the_profile_does_not_offer_is_refused(hub, make_spawner):
    with pytest.raises(KeyError, match="py27"):
        spawn(hub, make_spawner, {"profile": ["python"], "profile-option-python--image": ["py27"]})


# --- named servers ----------------------------------------------------------------


def test_named_servers_are_allowed_up_to_the_limit(hub, settings):
    assert hub.allow_named_servers is True
    assert hub.named_server_limit_per_user == settings["hub"]["namedServerLimitPerUser"] == 2


def test_each_named_server_has_its_own_home_and_the_default_server_keeps_its_own(hub, make_spawner):
    user = fake_user()
    default_pod, default_claim, _ = spawn(hub, make_spawner, {"profile": ["python"]}, user=user)
    named_pod, named_claim, _ = spawn(
        hub, make_spawner, {"profile": ["classic"]}, user=user, name="project"
    )
    # the default server's claim is the one every existing home has: claim-<user>
    assert default_claim["metadata"]["name"] == f"claim-{user.name}"
    assert named_claim["metadata"]["name"] == f"claim-{user.name}--project"
    assert named_pod["metadata"]["name"] == f"jupyter-{user.name}--project"
    for pod, claim in ((default_pod, default_claim), (named_pod, named_claim)):
        (volume,) = pod["spec"]["volumes"]
        assert volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    # the named server is started with its own profile
    assert notebook(named_pod)["workingDir"] == "/home/jovyan/work"


def test_named_servers_off_by_default(tmp_path, load_hub_config):
    cls = {k: v for k, v in CLASS.items() if k not in ("namedServers", "profiles")}
    app = load_hub_config(write_settings(tmp_path, class_settings(cls)))
    assert app.allow_named_servers is False
    assert app.named_server_limit_per_user == 0


# --- what the hub refuses ---------------------------------------------------------


def choices_of(settings: dict) -> list:
    return settings["spawner"]["profiles"][0]["options"][1]["choices"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: choices_of(s)[0].update(default=True),
            "spawner.profiles[0].options[1].choices: expected exactly one default choice"
            " (got ['small', 'large'])",
        ),
        (
            lambda s: choices_of(s)[1].update(slug="small"),
            "spawner.profiles[0].options[1].choices[1].slug: duplicate choice slug (got 'small')",
        ),
        (
            lambda s: choices_of(s)[1]["overrides"].update(cpuGuarantee=3),
            "spawner.profiles[0].options[1].choices[1].overrides.cpuGuarantee:"
            " guarantee is above the limit 2 (got 3)",
        ),
        (
            lambda s: choices_of(s)[0]["overrides"].update(memGuarantee=2**30),
            "spawner.profiles[0].options[1].choices[0].overrides.memGuarantee:"
            " guarantee is above the limit 536870912 (got 1073741824)",
        ),
        (
            lambda s: s["spawner"]["profiles"][0]["options"][1].update(name="image"),
            "spawner.profiles[0].options[1].name: duplicate option name (got 'image')",
        ),
        (
            lambda s: s["spawner"]["profiles"][0]["options"][1].update(name="profile"),
            "spawner.profiles[0].options[1].name: 'profile' does not match",
        ),
    ],
)
def test_bad_choices_stop_the_hub_naming_them(settings, tmp_path, load_hub_config, change, message):
    bad = json.loads(json.dumps(settings))
    change(bad)
    path = write_settings(tmp_path, bad)
    with pytest.raises(ValueError, match=re.escape(f"{path}: {message}")):
        load_hub_config(path)


def test_settings_round_trip(settings, tmp_path):
    """The file the test loads is the one the TypeScript side wrote."""
    assert read_settings(write_settings(tmp_path, settings)) == settings
