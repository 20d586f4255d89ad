"""Shared homes under the real KubeSpawner: the pod a student and a staff member
get, no claim per student, the folders the hub creates, and the refusal of a
student whose files are still on a claim of their own.

The settings come from the real TypeScript render of the example stacks with
``storage.shared`` (see conftest.py); the hub's mount of the volume is pointed
at a temporary directory, as the hub pod's mount would be.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

import classhub_storage
from helpers import fake_user, read_settings, run, shares_homes, write_settings


def has_course_folder(cls: dict) -> bool:
    return "courseFolder" in (cls.get("storage") or {})


def shows_staff_homes(cls: dict) -> bool:
    return "staffHomes" in (cls.get("storage") or {})


def keeps_per_student_disks(cls: dict) -> bool:
    return not shares_homes(cls)


@pytest.fixture
def shared_hub(stack_settings_path, load_hub_config, tmp_path):
    """(app, settings, volume root); the hub's mount of the volume is a temporary folder."""
    settings = read_settings(stack_settings_path)
    root = tmp_path / "volume"
    root.mkdir()
    settings["storage"]["shared"]["hubMountPath"] = str(root)
    return load_hub_config(write_settings(tmp_path, settings)), settings, root


def spawn(app, make_spawner, name: str, *, claim_exists: bool = False):
    """The pod KubeSpawner would create for `name`, through the configured hooks, with
    the Kubernetes API answering whether the user's own claim exists: (pod, spawner)."""
    from helpers import manifest_dict

    async def build():
        spawner = make_spawner(app, fake_user(name))
        spawner.user.groups = []

        async def check(pvc_name, namespace):
            assert (pvc_name, namespace) == (spawner.pvc_name, spawner.namespace)
            return claim_exists

        spawner._check_pvc_exists = check
        spawner.pre_spawn_hook(spawner)
        pod = await spawner.get_pod_manifest()
        pod = await spawner.modify_pod_hook(spawner, pod)
        return manifest_dict(pod), spawner

    return run(build())


def mounts(pod: dict) -> list[dict]:
    (container,) = pod["spec"]["containers"]
    return sorted(container["volumeMounts"], key=lambda m: m["mountPath"])


@pytest.mark.stacks(where=shares_homes)
def test_student_mounts_only_their_own_home_folder_of_the_class_claim(shared_hub, make_spawner):
    app, settings, _ = shared_hub
    shared = settings["storage"]["shared"]
    pod, spawner = spawn(app, make_spawner, "student1")
    assert spawner.storage_pvc_ensure is False
    assert pod["spec"]["volumes"] == [
        {"name": "home", "persistentVolumeClaim": {"claimName": shared["claimName"]}}
    ]
    home = next(m for m in mounts(pod) if m["mountPath"] == settings["storage"]["mountPath"])
    assert home == {
        "name": "home",
        "mountPath": settings["storage"]["mountPath"],
        "subPath": "home/student1",
        "readOnly": False,
    }
    assert not any(m.get("subPath") == "home" for m in mounts(pod)), (
        "a student never sees all homes"
    )
    assert pod["spec"]["securityContext"]["fsGroupChangePolicy"] == "OnRootMismatch"


@pytest.mark.stacks(where=has_course_folder)
def test_course_folder_is_read_only_for_students_and_writable_for_admins(shared_hub, make_spawner):
    app, settings, _ = shared_hub
    course = lambda pod: next(m for m in mounts(pod) if m["subPath"] == "course")  # noqa: E731
    student, _ = spawn(app, make_spawner, "student1")
    admin, _ = spawn(app, make_spawner, settings["auth"]["admins"][0])
    assert course(student)["readOnly"] is True
    assert course(admin)["readOnly"] is False


@pytest.mark.stacks(where=shows_staff_homes)
def test_staff_see_every_home_and_students_do_not(shared_hub, make_spawner):
    app, settings, _ = shared_hub
    admin, _ = spawn(app, make_spawner, settings["auth"]["admins"][0])
    student, _ = spawn(app, make_spawner, "student1")
    homes = [m for m in mounts(admin) if m["subPath"] == "home"]
    assert homes == [
        {
            "name": "home",
            "mountPath": settings["storage"]["mountPath"] + "/homes",
            "subPath": "home",
            "readOnly": True,
        }
    ]
    assert [m for m in mounts(student) if m["subPath"] == "home"] == []


@pytest.mark.stacks(where=shares_homes)
def test_members_of_a_staff_group_get_the_staff_mounts(shared_hub, make_spawner):
    _, settings, _ = shared_hub
    volume = settings["storage"]["volumeName"]
    hook = classhub_storage.make_pre_spawn_hook(
        settings["storage"]["shared"]["staffMounts"], volume, set(), {"gsis"}
    )
    student_mounts = settings["storage"]["shared"]["studentMounts"]
    files = {"name": "files", "mountPath": "/etc/gitconfig", "subPath": "0-gitconfig"}
    spawner = SimpleNamespace(
        user=SimpleNamespace(name="gsi-7", groups=[SimpleNamespace(name="gsis")]),
        volume_mounts=[*student_mounts, files],
    )
    hook(spawner)
    # The staff view of the shared volume replaces the student's; the class's files stay mounted.
    assert spawner.volume_mounts == [*settings["storage"]["shared"]["staffMounts"], files]
    spawner.user.groups = [SimpleNamespace(name="students")]
    spawner.volume_mounts = [*student_mounts, files]
    hook(spawner)
    assert spawner.volume_mounts == [*student_mounts, files]


@pytest.mark.stacks(where=shares_homes)
def test_hub_creates_the_home_and_mount_points_as_itself(shared_hub, make_spawner):
    app, settings, root = shared_hub
    spawn(app, make_spawner, "student1")
    home = root / "home" / "student1"
    assert home.is_dir()
    assert home.stat().st_uid == os.getuid()
    if settings["storage"]["shared"]["studentMounts"][1:]:
        assert (home / "course").is_dir(), "the course mount point belongs to the student, not root"


@pytest.mark.stacks(where=shares_homes)
def test_a_student_whose_files_are_on_their_own_claim_is_refused(shared_hub, make_spawner):
    app, _, root = shared_hub
    with pytest.raises(
        classhub_storage.SharedStorageError,
        match=r"storage.shared: student1 has a home claim of their own, claim-student1, "
        r"while this class keeps homes on a shared filesystem",
    ):
        spawn(app, make_spawner, "student1", claim_exists=True)
    assert not (root / "home" / "student1").exists(), "nothing is created for a refused student"


@pytest.mark.stacks(where=shares_homes)
def test_a_volume_root_the_hub_cannot_write_is_a_clear_error(shared_hub, make_spawner):
    app, _, root = shared_hub
    if os.getuid() == 0:
        pytest.skip("root writes anywhere: run as a user to see the permission error")
    root.chmod(0o555)
    try:
        with pytest.raises(
            classhub_storage.SharedStorageError,
            match=r"cannot create home/student1 on the shared volume .* by uid 1000 or gid 100",
        ):
            spawn(app, make_spawner, "student1")
    finally:
        root.chmod(0o755)


@pytest.mark.stacks(where=keeps_per_student_disks)
def test_per_student_disks_install_no_storage_hooks(
    stack_settings_path, load_hub_config, make_spawner
):
    app = load_hub_config(stack_settings_path)
    spawner = run(_spawner(make_spawner, app))
    assert spawner.storage_pvc_ensure is True
    assert spawner.pre_spawn_hook is None
    assert spawner.modify_pod_hook is None


async def _spawner(make_spawner, app):
    return make_spawner(app)


def test_folders_are_each_mounts_subpath_and_its_mount_point_in_the_home():
    mounts_ = [
        {"mountPath": "/home/jovyan", "subPath": "ns/home/ada"},
        {"mountPath": "/home/jovyan/course", "subPath": "ns/course"},
        {"mountPath": "/srv/homes", "subPath": "ns/home"},
    ]
    assert classhub_storage.folders(mounts_, "/home/jovyan") == [
        "ns/home/ada",
        "ns/course",
        "ns/home",
        "ns/home/ada/course",
    ]
