"""The packing scheduler under the real KubeSpawner: with ``spawner.schedulerName``
(classhub:class.packing.scheduler) every student's pod names the class's scheduler,
profiles included; without it the pod leaves the choice to the cluster's default
scheduler.
"""

from __future__ import annotations

from helpers import FIXTURES, fake_user, manifest_dict, read_settings, run, write_settings

SCHEDULER = "demo-dev-user-scheduler"


def pod_of(app, make_spawner) -> dict:
    async def build():
        spawner = make_spawner(app, fake_user())
        await spawner.load_user_options()  # the default profile, if the class has profiles
        return manifest_dict(await spawner.get_pod_manifest())

    return run(build())


def test_a_packing_class_sends_every_server_to_its_scheduler(
    tmp_path, load_hub_config, make_spawner
):
    settings = read_settings(FIXTURES / "dummy.json")
    settings["spawner"]["schedulerName"] = SCHEDULER
    app = load_hub_config(write_settings(tmp_path, settings))
    assert app.config.KubeSpawner.scheduler_name == SCHEDULER
    assert pod_of(app, make_spawner)["spec"]["schedulerName"] == SCHEDULER


def test_a_profile_keeps_the_class_scheduler(tmp_path, load_hub_config, make_spawner):
    settings = read_settings(FIXTURES / "github.json")
    assert settings["spawner"]["profiles"], "github.json has profiles"
    settings["spawner"]["schedulerName"] = SCHEDULER
    app = load_hub_config(write_settings(tmp_path, settings))
    for profile in app.config.KubeSpawner.profile_list:
        assert "scheduler_name" not in profile.get("kubespawner_override", {})
    assert pod_of(app, make_spawner)["spec"]["schedulerName"] == SCHEDULER


def test_without_packing_the_cluster_default_scheduler_places_servers(
    tmp_path, load_hub_config, make_spawner
):
    settings = read_settings(FIXTURES / "dummy.json")
    assert settings["spawner"]["schedulerName"] is None
    app = load_hub_config(write_settings(tmp_path, settings))
    assert "schedulerName" not in pod_of(app, make_spawner)["spec"]
