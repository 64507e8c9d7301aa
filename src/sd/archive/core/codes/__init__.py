"""Archival codes (档号): the one place for their rules.

Grammars DA/T 22-2015 and DA/T 13-2022 (按件/按卷), configurable per fonds and category with a
:class:`CodeRule`; :func:`render`, :func:`parse`, :func:`validate`, :func:`normalise` legacy
input; item-number series (:func:`series_key`, :func:`check_continuity`, :func:`next_free`).
"""

from sd.archive.core.codes.checks import CATEGORIES
from sd.archive.core.codes.grammar import CodeError
from sd.archive.core.codes.grammar import is_valid
from sd.archive.core.codes.grammar import parse
from sd.archive.core.codes.grammar import parse_legacy
from sd.archive.core.codes.grammar import pattern
from sd.archive.core.codes.grammar import render
from sd.archive.core.codes.grammar import render_volume
from sd.archive.core.codes.grammar import validate
from sd.archive.core.codes.normalise import normalise
from sd.archive.core.codes.parts import CodeParts
from sd.archive.core.codes.rule import DAT13
from sd.archive.core.codes.rule import DAT22
from sd.archive.core.codes.rule import DEFAULT_RULE
from sd.archive.core.codes.rule import ITEM
from sd.archive.core.codes.rule import VOLUME
from sd.archive.core.codes.rule import CodeRule
from sd.archive.core.codes.rule import level_rule
from sd.archive.core.codes.series import ContinuityIssue
from sd.archive.core.codes.series import SeriesKey
from sd.archive.core.codes.series import check_continuity
from sd.archive.core.codes.series import next_free
from sd.archive.core.codes.series import series_key

__all__ = [
    "CATEGORIES",
    "DAT13",
    "DAT22",
    "DEFAULT_RULE",
    "ITEM",
    "VOLUME",
    "CodeError",
    "CodeParts",
    "CodeRule",
    "ContinuityIssue",
    "SeriesKey",
    "check_continuity",
    "is_valid",
    "level_rule",
    "next_free",
    "normalise",
    "parse",
    "parse_legacy",
    "pattern",
    "render",
    "render_volume",
    "series_key",
    "validate",
]
