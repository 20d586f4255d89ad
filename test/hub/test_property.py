"""Whatever the TypeScript side accepts and renders, the real hub loads.

test/support/generateSettings.ts draws varied class stacks (every
authenticator, rosters or restrictions, awkward resources, profiles, TLS and
exposure choices, cluster facts), keeps those parseConfig accepts, and writes
their hub settings. Each one goes through the real jupyterhub_config.py under
the real JupyterHub, and KubeSpawner builds the pod for every profile.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from helpers import RENDER_TIMEOUT, REPO, env_with_node, pod_and_pvc, read_settings

GENERATED = 100
SEED = 2026


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    npx = shutil.which("npx", path=env_with_node()["PATH"])
    assert npx is not None, "npx (Node 22) is needed to generate settings"
    proc = subprocess.run(
        [npx, "tsx", "test/support/generateSettings.ts", str(out), str(GENERATED), str(SEED)],
        cwd=REPO,
        env=env_with_node(),
        capture_output=True,
        text=True,
        timeout=RENDER_TIMEOUT,
        check=True,
    )
    counts = json.loads(proc.stdout)
    # most draws must reach the hub, or the property says little
    assert counts["accepted"] >= GENERATED * 3 // 4, counts
    return sorted(out.glob("settings-*.json"))


def test_every_accepted_class_loads_and_spawns(generated, load_hub_config, make_spawner):
    kinds = set()
    for path in generated:
        settings = read_settings(path)
        kinds.add(settings["auth"]["type"])
        app = load_hub_config(path)
        profiles = [p["slug"] for p in settings["spawner"]["profiles"]] or [None]
        for profile in profiles:
            pod, pvc = pod_and_pvc(app, make_spawner, profile)
            (container,) = pod["spec"]["containers"]
            assert container["image"], path.name
            capacity = pvc["spec"]["resources"]["requests"]["storage"]
            assert capacity == settings["storage"]["capacity"], path.name
    assert kinds == {"dummy", "github", "google", "generic-oauth"}
