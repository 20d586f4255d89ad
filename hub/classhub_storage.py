"""Shared homes: which mounts a server gets, and the folders the hub creates for it.

jupyterhub_config.py installs the two hooks below when ``storage.shared`` is
set. The TypeScript side decided every mount (``storage.shared.studentMounts``
and ``staffMounts``); these hooks only pick between them and prepare the
folders:

- ``pre_spawn_hook``: staff (the class admins and members of
  ``auth.staffGroups``) get the staff mounts of the shared volume instead of
  the student ones; their other mounts stay.
- ``modify_pod_hook``: before KubeSpawner creates the pod, refuse a student
  who still has a home claim of their own (their files are on that disk, and
  a shared home would start empty), then create each folder the pod mounts
  from the shared volume, and the mount points inside the home, as the hub's
  uid 1000. Otherwise kubelet would create them as root, and the student
  could not write their own home.
"""

from __future__ import annotations

import logging
import os
from pathlib import PurePosixPath
from typing import Any

log = logging.getLogger("JupyterHub.classhub")


class SharedStorageError(RuntimeError):
    """A server must not start on the shared volume; the message says why and what to do."""


def is_staff(user: Any, admins: set[str], staff_groups: set[str]) -> bool:
    groups = {g.name for g in getattr(user, "groups", [])}
    return user.name in admins or bool(groups & staff_groups)


def make_pre_spawn_hook(
    staff_mounts: list[dict], volume_name: str, admins: set[str], staff_groups: set[str]
):
    def pre_spawn_hook(spawner):
        if is_staff(spawner.user, admins, staff_groups):
            # The staff's mounts of the shared volume in place of a student's;
            # every other mount (the class's files) stays.
            others = [m for m in spawner.volume_mounts if m["name"] != volume_name]
            spawner.volume_mounts = staff_mounts + others

    return pre_spawn_hook


def folders(mounts: list[dict], home_mount_path: str) -> list[str]:
    """Folders of the shared volume a pod needs, relative to its root: each
    mount's subPath, and for a mount inside the home (the first mount) its
    mount point in the home folder, so that it belongs to the student."""
    home = mounts[0]
    out = [m["subPath"] for m in mounts]
    for m in mounts[1:]:
        inside = PurePosixPath(m["mountPath"])
        if inside.is_relative_to(home_mount_path) and inside != PurePosixPath(home_mount_path):
            out.append(str(PurePosixPath(home["subPath"]) / inside.relative_to(home_mount_path)))
    return out


def create_folders(root: str, relative: list[str]) -> None:
    """Create the folders as this process (uid 1000); an unwritable root is a clear error."""
    for rel in relative:
        path = os.path.join(root, rel)
        try:
            os.makedirs(path, exist_ok=True)
        except PermissionError:
            raise SharedStorageError(
                f"storage.shared: the hub (uid {os.getuid()}) cannot create {rel} on the "
                f"shared volume mounted at {root}; make its root writable by uid 1000 "
                "or gid 100 (docs/platform.md)"
            ) from None


def pod_mounts(pod: Any, volume_name: str) -> list[dict]:
    """The server container's mounts of the shared volume, as KubeSpawner expanded them."""
    container = pod.spec.containers[0]
    return [
        {"mountPath": m.mount_path, "subPath": m.sub_path or ""}
        for m in container.volume_mounts or []
        if m.name == volume_name
    ]


def make_modify_pod_hook(root: str, volume_name: str, home_mount_path: str):
    async def modify_pod_hook(spawner, pod):
        if await spawner._check_pvc_exists(spawner.pvc_name, spawner.namespace):
            raise SharedStorageError(
                f"storage.shared: {spawner.user.name} has a home claim of their own, "
                f"{spawner.pvc_name}, while this class keeps homes on a shared filesystem; "
                "their files are on that claim. Copy them into the shared home and delete "
                "the claim (docs/course-staff.md), or set classhub:class.storage.shared back"
            )
        create_folders(root, folders(pod_mounts(pod, volume_name), home_mount_path))
        return pod

    return modify_pod_hook
