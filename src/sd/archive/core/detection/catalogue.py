"""The detection catalogue (检测项目目录): versioned data, loaded and switched per fonds.

The default catalogue is ``catalogue.json`` beside this module. A manager-edited copy (same
shape) can be loaded instead; per-fonds switches enable or disable items by code without
touching the file. Items: code, stage (archiving | transfer | preservation), property,
Chinese and English title, severity (block | warn), executor (auto | manual), scope (package
and/or record), the name of the check function and its parameters.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path

STAGES = ("archiving", "transfer", "preservation")
PROPERTIES = ("authenticity", "integrity", "usability", "security")
PROPERTY_ZH = {
    "authenticity": "真实性",
    "integrity": "完整性",
    "usability": "可用性",
    "security": "安全性",
}
DEFAULT_PATH = Path(__file__).with_name("catalogue.json")


@dataclass(frozen=True)
class CatalogueItem:
    """One detection item (检测项)."""

    code: str
    stage: str
    property: str
    title_zh: str
    title_en: str
    severity: str = "block"
    executor: str = "auto"
    scope: tuple[str, ...] = ("record",)
    check: str | None = None
    parameters: Mapping = field(default_factory=dict)
    enabled: bool = True
    #: the role that signs off this item's ``manual`` results (人工检测签字角色)
    sign_off_role: str = "Archivist"

    def __post_init__(self):
        if self.stage not in STAGES:
            raise ValueError(f"{self.code}: unknown stage {self.stage!r}")
        if self.property not in PROPERTIES:
            raise ValueError(f"{self.code}: unknown property {self.property!r}")
        if self.severity not in ("block", "warn") or self.executor not in ("auto", "manual"):
            raise ValueError(f"{self.code}: bad severity or executor")
        if self.executor == "auto" and not self.check:
            raise ValueError(f"{self.code}: an automatic item needs a check")

    @classmethod
    def from_dict(cls, data: Mapping) -> CatalogueItem:
        values = dict(data)
        values["scope"] = tuple(values.get("scope", ("record",)))
        values["parameters"] = dict(values.get("parameters", {}))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})

    def as_dict(self) -> dict:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["scope"] = list(self.scope)
        data["parameters"] = dict(self.parameters)
        return data


@dataclass(frozen=True)
class Catalogue:
    """A versioned catalogue (检测目录版本) of items."""

    version: str
    items: tuple[CatalogueItem, ...]
    title_zh: str = ""
    title_en: str = ""

    def item(self, code: str) -> CatalogueItem:
        return next(i for i in self.items if i.code == code)

    def for_stage(
        self, stage: str, level: tuple[str, ...] = ("package", "record")
    ) -> list[CatalogueItem]:
        """Enabled items of a stage whose scope meets ``level``, in code order."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        chosen = [
            i for i in self.items if i.stage == stage and i.enabled and set(i.scope) & set(level)
        ]
        return sorted(chosen, key=lambda i: _code_key(i.code))

    def with_switches(
        self, switches: Mapping[str, bool], parameters: Mapping[str, Mapping] | None = None
    ) -> Catalogue:
        """A copy with items enabled/disabled and parameters overridden per fonds (按全宗开关)."""
        parameters = parameters or {}
        items = []
        for item in self.items:
            changed = item
            if item.code in switches:
                changed = replace(changed, enabled=bool(switches[item.code]))
            if item.code in parameters:
                changed = replace(changed, parameters={**item.parameters, **parameters[item.code]})
            items.append(changed)
        return replace(self, items=tuple(items))

    def as_dict(self) -> dict:
        return {
            "version": self.version,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "items": [i.as_dict() for i in self.items],
        }

    def dumps(self) -> str:
        """Export (导出) for a manager to edit and re-import."""
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1)


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in code.split("-"))


def catalogue_from_dict(data: Mapping) -> Catalogue:
    """Build and validate a catalogue from its JSON shape; duplicate codes are refused."""
    items = tuple(CatalogueItem.from_dict(i) for i in data["items"])
    codes = [i.code for i in items]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise ValueError(f"duplicate item codes {sorted(duplicates)}")
    return Catalogue(
        version=str(data["version"]),
        items=items,
        title_zh=data.get("title_zh", ""),
        title_en=data.get("title_en", ""),
    )


_loaded: dict[tuple[str, int, int], Catalogue] = {}
_shipped: list[Catalogue] = []  # the shipped catalogue, once loaded


def load_catalogue(path: str | os.PathLike | None = None) -> Catalogue:
    """Load the default catalogue or a manager-edited copy (加载检测目录).

    Read once per file version (path, size, modification time): every package of a busy
    intake uses the same catalogue object, an edited file is read again. The shipped
    catalogue is part of the installed code and read once per process (no file system call
    per package)."""
    shipped = path is None
    if shipped and _shipped:
        return _shipped[0]
    path = os.fspath(path or DEFAULT_PATH)
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    found = _loaded.get(key)
    if found is None:
        with open(path, encoding="utf-8") as fp:
            found = catalogue_from_dict(json.load(fp))
        for old in [k for k in _loaded if k[0] == path]:
            del _loaded[old]
        _loaded[key] = found
    if shipped:
        _shipped[:] = [found]
    return found
