"""A batch's steps (办理过程): each logged on the batch and in the audit trail
(:func:`log_step`), its workflow transitions run past their guard (:func:`transition`), and
the commit (or savepoint) between chunks of a long step."""

from __future__ import annotations

from contextlib import contextmanager

import transaction
from persistent.list import PersistentList
from plone import api

from sd.archive import audit
from sd.archive.actors import actor
from sd.archive.actors import now


def log_step(batch, step: str, **details) -> dict:
    """One step in the batch's own log and in the audit trail."""
    entry = {"step": step, "actor": actor(), "time": now(), **details}
    log = getattr(batch, "step_log", None)
    if log is None:
        log = batch.step_log = PersistentList()
    log.append(entry)
    audit.log(f"appraisal.{step}", batch, details={"batch": batch.getId(), **details})
    return entry


@contextmanager
def step(batch, name: str):
    """Let the batch's workflow transition ``name`` pass its guard while the block runs."""
    batch._v_appraisal_step = name
    try:
        yield
    finally:
        batch._v_appraisal_step = None


def transition(batch, name: str, comment: str = "") -> None:
    wf = api.portal.get_tool("portal_workflow")
    with step(batch, name):
        wf.doActionFor(batch, name, comment=comment)


def commit_or_savepoint(commit):
    if commit is not None:
        commit()
    else:
        transaction.savepoint(optimistic=True)
