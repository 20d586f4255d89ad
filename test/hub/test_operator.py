"""What operators add to a class, under the real JupyterHub and KubeSpawner.

- files (classhub:class.files): KubeSpawner's pod mounts each file of the
  ConfigMap read-only at its path, next to the home, which stays as it was;
- branding (classhub:class.branding): the real JupyterHub, started with the
  dev stack's settings plus the branding section the TypeScript renders for
  data8-fa26, serves classhub's login template with the course name and the
  message (escaped), and the logo at /hub/logo.
"""

from __future__ import annotations

import shutil

import pytest

from helpers import (
    REPO,
    free_port,
    pod_and_pvc,
    read_settings,
    write_settings,
)
from test_smoke import http, proxied_hub, smoke_settings

STACK = "data8-fa26"


@pytest.fixture(scope="module")
def data8_settings(stack_renderer) -> dict:
    path = stack_renderer.settings_path(STACK)
    assert path is not None
    return read_settings(path)


def test_files_are_mounted_read_only_next_to_the_home(
    data8_settings, stack_renderer, load_hub_config, make_spawner
):
    app = load_hub_config(stack_renderer.settings_path(STACK))
    pod, _ = pod_and_pvc(app, make_spawner)
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    assert volumes["home"]["persistentVolumeClaim"]["claimName"].startswith("claim-")
    assert volumes["classhub-files"] == {
        "name": "classhub-files",
        "configMap": {
            "name": "singleuser-files",
            "items": [
                {
                    "key": "0-jupyter_server_config.json",
                    "path": "0-jupyter_server_config.json",
                    "mode": 0o644,
                },
                {"key": "1-gitconfig", "path": "1-gitconfig", "mode": 0o644},
            ],
        },
    }
    mounts = pod["spec"]["containers"][0]["volumeMounts"]
    assert mounts[0] == {"name": "home", "mountPath": "/home/jovyan"}
    assert [m for m in mounts if m["name"] == "classhub-files"] == [
        {
            "name": "classhub-files",
            "mountPath": "/etc/jupyter/jupyter_server_config.json",
            "subPath": "0-jupyter_server_config.json",
            "readOnly": True,
        },
        {
            "name": "classhub-files",
            "mountPath": "/etc/gitconfig",
            "subPath": "1-gitconfig",
            "readOnly": True,
        },
    ]


def test_no_files_adds_no_volume(stack_renderer, load_hub_config, make_spawner):
    app = load_hub_config(stack_renderer.settings_path("dev"))
    pod, _ = pod_and_pvc(app, make_spawner)
    assert [v["name"] for v in pod["spec"]["volumes"]] == ["home"]


def test_branding_sets_jupyterhubs_template_traits(data8_settings, tmp_path, load_hub_config):
    app = load_hub_config(write_settings(tmp_path, data8_settings))
    assert app.config.JupyterHub.template_paths == ["/etc/classhub/branding"]
    assert app.config.JupyterHub.logo_file == "/etc/classhub/branding/logo.svg"
    assert app.config.JupyterHub.template_vars == {
        "classhub_title": "Data 8: Foundations of Data Science",
        "classhub_message": data8_settings["branding"]["message"],
    }


MESSAGE = 'Log in with <b>CalNet</b> & "your" ID.'


@pytest.fixture(scope="module")
def branded_hub(tmp_path_factory, stack_renderer, data8_settings, fake_kubernetes):
    """The real JupyterHub behind the real proxy: dev's settings with data8's branding."""
    tmp = tmp_path_factory.mktemp("branded")
    branding_dir = tmp / "branding"
    branding_dir.mkdir()
    # What the branding ConfigMap holds in the hub pod: classhub's template and the logo.
    shutil.copy(REPO / "hub" / "templates" / "login.html", branding_dir / "login.html")
    shutil.copy(REPO / "files" / "data8-fa26" / "logo.svg", branding_dir / "logo.svg")
    public_port, api_port, hub_port = free_port(), free_port(), free_port()
    settings = smoke_settings(stack_renderer, tmp, hub_port, api_port)
    settings["culler"]["enabled"] = False
    settings["branding"] = {
        **data8_settings["branding"],
        "message": MESSAGE,
        "templateDir": str(branding_dir),
        "logoFile": str(branding_dir / "logo.svg"),
    }
    with proxied_hub(tmp, settings, (public_port, api_port, hub_port)) as running:
        yield running["public"]


def test_login_page_shows_the_course_name_and_the_escaped_message(branded_hub):
    page = http().get(f"{branded_hub}/hub/login", timeout=10)
    assert page.status_code == 200
    assert "<title>Data 8: Foundations of Data Science</title>" in page.text
    assert '<h1 id="classhub-title">Data 8: Foundations of Data Science</h1>' in page.text
    escaped = "Log in with &lt;b&gt;CalNet&lt;/b&gt; &amp; &#34;your&#34; ID."
    assert f'<p id="classhub-message" class="lead">{escaped}</p>' in page.text
    assert "<b>CalNet</b>" not in page.text
    # JupyterHub's own login form is still there, under the branding.
    assert 'name="username"' in page.text


def test_logo_is_served_at_hub_logo(branded_hub):
    logo = http().get(f"{branded_hub}/hub/logo", timeout=10)
    assert logo.status_code == 200
    assert logo.headers["Content-Type"].startswith("image/svg+xml")
    assert logo.content == (REPO / "files" / "data8-fa26" / "logo.svg").read_bytes()
