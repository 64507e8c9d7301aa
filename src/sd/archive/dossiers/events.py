"""Subscribers of a volume's events (案卷事件): its class parts stay fixed, a volume holding
records is not deleted."""

from __future__ import annotations

from sd.archive.core.errors import Problem
from sd.archive.dossiers.description import VolumeRefused
from sd.archive.dossiers.description import check_volume_code
from sd.archive.dossiers.members import volume_records


def volume_modified(dossier, event) -> None:
    """IObjectModifiedEvent of a volume: its class parts stay those of its 案卷档号."""
    check_volume_code(dossier)


def volume_removing(dossier, event) -> None:
    """IObjectWillBeRemovedEvent of a volume: a volume holding records is not deleted (its
    archived records would go with it); take them out first (调出案卷)."""
    inside = volume_records(dossier)
    if inside:
        raise VolumeRefused(
            f"案卷 {dossier.archival_code} 中还有 {len(inside)} 件文件，不能删除：请先调出 "
            "/ a volume holding records is not deleted: take them out first",
            [
                Problem("VOLUME-NOT-EMPTY", "卷内还有文件 / records inside", r.archival_code or "")
                for r in inside
            ],
            409,
            "VolumeNotEmpty",
        )
