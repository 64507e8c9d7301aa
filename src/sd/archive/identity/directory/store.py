"""What the sync keeps on the site (同步状态): the agency bindings and the role mapping the
security administrator edits, the fonds that hold the sync's grants, the recent runs, and the
nonces and codes already used (replay protection). One site annotation; reading never writes.
"""

from __future__ import annotations

import time

from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

from sd.archive.core.identity.mapping import DEFAULT_MAPPING_TEXT
from sd.archive.core.identity.mapping import RoleMapping
from sd.archive.core.identity.mapping import parse_bindings
from sd.archive.core.identity.mapping import parse_mapping

KEY = "sd.archive.identity.directory"
RUNS_KEPT = 30
USED_KEPT_SECONDS = 24 * 3600


def state(portal, create: bool = False):
    annotations = IAnnotations(portal)
    found = annotations.get(KEY)
    if found is None and create:
        found = annotations[KEY] = PersistentMapping()
    if found is not None and create:
        found.setdefault("bindings", PersistentMapping())
        found.setdefault("mapping", DEFAULT_MAPPING_TEXT)
        found.setdefault("granted", PersistentMapping())  # fonds code -> True
        found.setdefault("runs", PersistentList())
        found.setdefault("used", OOBTree())  # "nonce:..." / "code:..." -> time
    return found if found is not None else {}


def bindings(portal) -> dict[str, str]:
    return dict(state(portal).get("bindings", {}))


def mapping(portal) -> RoleMapping:
    return parse_mapping(state(portal).get("mapping", DEFAULT_MAPPING_TEXT))


def mapping_text(portal) -> str:
    return state(portal).get("mapping", DEFAULT_MAPPING_TEXT)


def save_settings(portal, bindings_text: str, mapping_text: str) -> None:
    """Store new bindings and mapping (both checked first: nothing is stored if one is bad)."""
    new_bindings = parse_bindings(bindings_text)
    parse_mapping(mapping_text)
    kept = state(portal, create=True)
    kept["bindings"] = PersistentMapping(new_bindings)
    kept["mapping"] = mapping_text.strip()


def granted_fonds(portal) -> set[str]:
    return set(state(portal).get("granted", {}))


def record_run(portal, run: dict) -> None:
    runs = state(portal, create=True)["runs"]
    runs.append(run)
    while len(runs) > RUNS_KEPT:
        del runs[0]


def runs(portal) -> list[dict]:
    return list(state(portal).get("runs", ()))


def use_once(portal, key: str) -> bool:
    """Mark ``key`` used; False when it was used already (a replay). Old keys are dropped."""
    used = state(portal, create=True)["used"]
    now = time.time()
    if key in used:
        return False
    if len(used) > 1000:
        for old in [k for k, t in used.items() if now - t > USED_KEPT_SECONDS]:
            del used[old]
    used[key] = now
    return True
