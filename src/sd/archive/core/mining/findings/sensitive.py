"""Sensitive content in a record's text (敏感内容发现), for the open-access review.

What is looked for, and why these rules and not looser ones (each kind's precision is measured
in ``bench/bench_mining_findings.py`` beside a naive regex):

- ``id_number`` 居民身份证号 (GB 11643-1999): 18 characters, a valid birth date and the ISO
  7064 MOD 11-2 check character — an order number of 18 digits is not one;
- ``mobile`` 手机号: 11 digits from 13x–19x, optional +86, spaces or hyphens 3-4-4, not inside a
  longer number;
- ``phone`` 固定电话: an area code 0xx(x) and a 7–8 digit number (0531-86012345);
- ``address`` 住址: a place (省/市/区/县/镇/乡…) followed by a road, street or village and a
  house number (…路 12 号);
- ``secret_marking`` 密级标志: 绝密/机密/秘密 with the ★ of GB/T 9704 or after 密级 — the word
  秘密 in 商业秘密 is not a marking;
- named patterns the archive configures (:class:`Pattern`), checked before they are kept
  (:func:`check_patterns`), run with a time limit so a pattern that backtracks badly finds
  nothing instead of blocking the worker.

A finding never shows the value whole: :func:`mask` keeps its ends (3701**********1234,
138****5678), and the excerpt around it is masked the same way for every other finding in it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

import regex

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .text import prepare

logger = logging.getLogger(__name__)

#: kinds built in (内置类型), in the order a page lists them
BUILTIN_KINDS = ("id_number", "mobile", "phone", "address", "secret_marking")
#: characters of context either side of a finding in its excerpt
CONTEXT = 10
#: a configured pattern's longest source and time per text (seconds)
MAX_PATTERN_CHARS = 300
PATTERN_TIMEOUT = 0.25
#: the most findings of one kind in one text (a register of 5,000 phone numbers: the first)
MAX_PER_KIND = 50

_ID = regex.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})((?:18|19|20)\d{2})(\d{2})(\d{2})(\d{3})([0-9Xx])(?![0-9A-Za-z])"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = regex.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")
_PHONE = regex.compile(r"(?<![0-9-])(0\d{2,3})[-－ ]?([2-9]\d{6,7})(?![0-9])")
_PLACE = r"[\p{Han}]{2,8}?(?:省|市|自治区|自治州|地区|盟|区|县|旗|镇|乡|街道)"
_ROAD = r"[\p{Han}0-9]{1,10}?(?:路|街|巷|大道|大街|胡同|村|小区|社区)"
_ADDRESS = regex.compile(
    rf"(?:{_PLACE}){{1,4}}{_ROAD}[0-9一二三四五六七八九十百]{{1,5}}号"
    r"(?:[0-9]{1,4}(?:号楼|栋|幢|单元|室|层|号)){0,4}"
)
_SECRET = regex.compile(
    r"(?:(绝密|机密|秘密)\s*★\s*(?:[0-9一二三四五六七八九十]+\s*[年月])?"
    r"|密\s*级\s*[:：]?\s*(绝密|机密|秘密))"
)


def id_number_valid(value: str) -> bool:
    """Is ``value`` an 18-character 身份证号 with a real birth date and the right check
    character (GB 11643: ISO 7064 MOD 11-2)?"""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return check_character(value[:17]) == value[17].upper()


def check_character(first17: str) -> str:
    """The check character of the first 17 digits of a 身份证号 (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def mask(kind: str, value: str) -> str:
    """``value`` with its middle hidden (脱敏), the same length: ends kept for a reviewer to
    recognise it (3701**********1234, 138****5678, 0531-****2345, 泉城路**号)."""
    if kind == "id_number" and len(value) == 18:
        return value[:4] + "*" * 10 + value[-4:]
    if kind in ("mobile", "phone"):
        positions = [i for i, c in enumerate(value) if c.isdigit()]
        head = 4 if kind == "phone" and value.startswith("0") and len(positions) >= 11 else 3
        if kind == "phone" and (m := _PHONE.fullmatch(value)):
            head = len(m.group(1))
        hidden = set(positions[head:-4])
        return "".join("*" if i in hidden else c for i, c in enumerate(value))
    if kind == "address":
        # the place and the road stay, every number is hidden
        return regex.sub(r"[0-9一二三四五六七八九十百]", "*", value)
    if kind == "secret_marking":
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


@dataclass(frozen=True)
class Pattern:
    """A pattern the archive configures (自定义敏感规则): a name and a regular expression."""

    name: str
    source: str


@dataclass(frozen=True)
class Hit:
    """One sensitive finding (敏感内容): kind, where in the text, the value masked."""

    kind: str
    start: int
    end: int
    masked: str


class PatternError(ArchiveError):
    """A configured pattern that cannot be used (敏感规则有误)."""

    def __init__(self, message, problems=(), status=400, type="PatternRefused"):
        super().__init__(message, list(problems), status, type)


def parse_patterns(lines) -> list[Pattern]:
    """Patterns from the registry's lines ``名称|正则`` (blank lines and ``#`` comments
    skipped); raises :class:`PatternError` naming every bad line."""
    patterns, problems = [], []
    for n, line in enumerate(lines or (), 1):
        line = (line or "").strip()
        if not line or line.startswith("#"):
            continue
        name, sep, source = line.partition("|")
        if not sep:
            problems.append(
                Problem(
                    "FINDINGS-PATTERN-FORMAT",
                    f"line {n}: name|regular expression expected (应为 名称|正则表达式)",
                    f"line {n}",
                    "sensitive_patterns",
                )
            )
            continue
        patterns.append(Pattern(name.strip(), source.strip()))
    problems += _pattern_problems(patterns)
    if problems:
        raise PatternError("the sensitive-content patterns are not valid (敏感规则有误)", problems)
    return patterns


def _pattern_problems(patterns: list[Pattern]) -> list[Problem]:
    problems, seen = [], set()
    for p in patterns:
        where = p.name or "(no name)"
        if not p.name or len(p.name) > 40 or "|" in p.name:
            problems.append(
                Problem(
                    "FINDINGS-PATTERN-NAME",
                    "a name of 1 to 40 characters without | is required "
                    "(规则名称须为 1–40 字，不含 |)",
                    where,
                    "sensitive_patterns",
                )
            )
        elif p.name in seen or p.name in BUILTIN_KINDS:
            problems.append(
                Problem(
                    "FINDINGS-PATTERN-NAME",
                    f"the name {p.name!r} is used twice or built in (规则名称重复)",
                    where,
                    "sensitive_patterns",
                )
            )
        seen.add(p.name)
        if not p.source or len(p.source) > MAX_PATTERN_CHARS:
            problems.append(
                Problem(
                    "FINDINGS-PATTERN-REGEX",
                    f"a regular expression of 1 to {MAX_PATTERN_CHARS} characters is required "
                    "(正则表达式长度不符)",
                    where,
                    "sensitive_patterns",
                )
            )
            continue
        try:
            compiled = regex.compile(p.source)
        except (regex.error, OverflowError, RecursionError) as error:
            problems.append(
                Problem(
                    "FINDINGS-PATTERN-REGEX",
                    f"not a valid regular expression: {error} (正则表达式无法解析)",
                    where,
                    "sensitive_patterns",
                )
            )
            continue
        try:
            empty = compiled.fullmatch("", timeout=PATTERN_TIMEOUT) is not None
        except TimeoutError:
            empty = False
        if empty:
            problems.append(
                Problem(
                    "FINDINGS-PATTERN-REGEX",
                    "the expression matches empty text (正则表达式可匹配空文本)",
                    where,
                    "sensitive_patterns",
                )
            )
    return problems


def check_patterns(patterns: list[Pattern]) -> None:
    """Raise :class:`PatternError` when a pattern cannot be used (编译、空匹配、名称)."""
    problems = _pattern_problems(patterns)
    if problems:
        raise PatternError("the sensitive-content patterns are not valid (敏感规则有误)", problems)


def _builtin(text: str):
    for m in _ID.finditer(text):
        if id_number_valid(m.group(0)):
            yield "id_number", m.start(), m.end(), m.group(0)
    for m in _MOBILE.finditer(text):
        yield "mobile", m.start(), m.end(), m.group(0)
    for m in _PHONE.finditer(text):
        yield "phone", m.start(), m.end(), m.group(0)
    for m in _ADDRESS.finditer(text):
        yield "address", m.start(), m.end(), m.group(0)
    for m in _SECRET.finditer(text):
        yield "secret_marking", m.start(), m.end(), m.group(0).strip()


def _configured(text: str, patterns: list[Pattern]):
    for p in patterns:
        try:
            compiled = regex.compile(p.source)
            found = [
                (m.start(), m.end(), m.group(0))
                for m in compiled.finditer(text, timeout=PATTERN_TIMEOUT)
                if m.end() > m.start()
            ]
        except TimeoutError:
            logger.warning("sensitive pattern %r ran out of time; no finding from it", p.name)
            continue
        except (regex.error, OverflowError, RecursionError):
            continue  # checked when kept; an old bad entry finds nothing
        for start, end, value in found:
            yield p.name, start, end, value


def find(text, patterns: list[Pattern] = ()) -> list[Hit]:
    """Every sensitive finding in ``text`` (the built-in kinds and ``patterns``), in text
    order, at most :data:`MAX_PER_KIND` per kind; overlapping findings of one kind count once
    (a mobile number inside an address is still a mobile number)."""
    text = prepare(text)
    if not text:
        return []
    hits: list[Hit] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    for kind, start, end, value in (*_builtin(text), *_configured(text, list(patterns))):
        spans = taken.setdefault(kind, [])
        if len(spans) >= MAX_PER_KIND or any(s < end and start < e for s, e in spans):
            continue
        spans.append((start, end))
        hits.append(Hit(kind, start, end, mask(kind, value)))
    hits.sort(key=lambda h: (h.start, h.kind))
    return hits


def masked_text(text: str, hits: list[Hit]) -> str:
    """``text`` with every finding replaced by its mask (the masks keep the length)."""
    chars = list(text)
    for h in hits:
        if len(h.masked) == h.end - h.start:
            chars[h.start : h.end] = h.masked
    return "".join(chars)


def excerpt(text: str, hit: Hit, hidden: str, context: int = CONTEXT) -> str:
    """The passage around ``hit`` in ``hidden`` (:func:`masked_text`: every finding in it
    masked), spaces squeezed: …前文 3701**********1234 后文…"""
    lo, hi = max(0, hit.start - context), min(len(hidden), hit.end + context)
    body = " ".join(hidden[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def findings(text, where: str = "", patterns: list[Pattern] = ()) -> list[dict]:
    """The findings of ``text`` as the open-access review shows them:
    ``{"kind", "excerpt", "where", "value"}`` (``value`` masked), in text order."""
    text = prepare(text)
    hits = find(text, patterns)
    hidden = masked_text(text, hits)
    return [
        {
            "kind": h.kind,
            "value": h.masked,
            "excerpt": excerpt(text, h, hidden),
            "where": f"{where} @{h.start}" if where else f"@{h.start}",
        }
        for h in hits
    ]


# --- the same-run baseline of the benchmark (朴素正则) ----------------------------------------

_NAIVE_ID = regex.compile(r"\d{17}[\dXx]")
_NAIVE_MOBILE = regex.compile(r"1\d{10}")


def naive_find(text) -> list[Hit]:
    """What a naive search finds (no checksum, no date, no boundaries): the baseline."""
    text = prepare(text)
    hits = [Hit("id_number", m.start(), m.end(), "") for m in _NAIVE_ID.finditer(text)]
    hits += [Hit("mobile", m.start(), m.end(), "") for m in _NAIVE_MOBILE.finditer(text)]
    return hits
