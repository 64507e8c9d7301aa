"""Automatic arrangement of pre-archive records (整理): category, retention, organisation code.

:func:`arrange` (``RecordFacts``, ``ClassificationScheme``, ``RetentionSchedule``) →
:class:`Decision`, arranged by a schedule rule or pending review with the reasons.
"""

from sd.archive.core.arrangement.decide import ARRANGED
from sd.archive.core.arrangement.decide import PENDING_REVIEW
from sd.archive.core.arrangement.decide import Decision
from sd.archive.core.arrangement.decide import arrange
from sd.archive.core.arrangement.facts import METADATA_NAMES
from sd.archive.core.arrangement.facts import RecordFacts
from sd.archive.core.arrangement.matching import explain_match
from sd.archive.core.arrangement.matching import matches
from sd.archive.core.codes import next_free

__all__ = [
    "ARRANGED",
    "METADATA_NAMES",
    "PENDING_REVIEW",
    "Decision",
    "RecordFacts",
    "arrange",
    "explain_match",
    "matches",
    "next_free",
]
