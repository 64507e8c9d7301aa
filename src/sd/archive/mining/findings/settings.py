"""Registry settings of the findings (挖掘发现配置): the archive's own sensitive patterns.

``sensitive_patterns`` holds one pattern a line, ``名称|正则表达式`` (``#`` starts a comment).
A list with a bad line is refused as a whole by the ``@mining-patterns`` endpoint (the rule
and the line in the one error shape) and by a form on this schema (the field's constraint,
:func:`valid_patterns`). The registry record itself cannot check (plone.registry's persistent
fields keep no constraint), so a list written around both — a GenericSetup import, a script —
is read line by line: a bad line is skipped with a warning, the good ones are used.
"""

from __future__ import annotations

import logging

from plone import api
from zope import schema
from zope.interface import Interface
from zope.interface import Invalid

from sd.archive import _
from sd.archive.core.mining.findings import sensitive

logger = logging.getLogger(__name__)

PREFIX = "sd.archive.mining.findings"
PATTERNS = f"{PREFIX}.sensitive_patterns"


def valid_patterns(lines) -> bool:
    """The field's constraint: every line a named, compilable pattern that matches something."""
    try:
        sensitive.parse_patterns(lines)
    except sensitive.PatternError as error:
        details = "; ".join(p.message for p in error.problems)
        raise Invalid(f"{error.message}: {details}") from None
    return True


class IFindingsSettings(Interface):
    """Findings (挖掘发现): people and places, duplicates, related records, sensitive content."""

    sensitive_patterns = schema.List(
        title=_("Sensitive-content patterns"),  # 自定义敏感内容规则
        description=_("One per line: name|regular expression."),
        value_type=schema.TextLine(),
        required=False,
        default=[],
        constraint=valid_patterns,
    )


def configured_patterns() -> list[sensitive.Pattern]:
    """The archive's usable patterns as kept, a bad line skipped ([] when none)."""
    try:
        lines = api.portal.get_registry_record(PATTERNS, default=None) or []
    except Exception:  # noqa: BLE001 - no registry (profile not applied): built-in kinds only
        return []
    found: list[sensitive.Pattern] = []
    for line in lines:
        try:
            patterns = sensitive.parse_patterns([line])
            sensitive.check_patterns([*found, *patterns])
        except sensitive.PatternError as error:
            logger.warning("sensitive pattern %r not used: %s", line, error.message)
            continue
        found += patterns
    return found
