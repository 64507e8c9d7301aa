"""The parts of an archival code (档号组成部分)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace


@dataclass(frozen=True)
class CodeParts:
    """Components of an archival code (档号), stored beside the rendered string.

    - ``fonds_code`` 全宗号, e.g. ``Z109``
    - ``category`` 门类代码, e.g. ``WS``
    - ``year`` 年度
    - ``retention`` 保管期限代码: ``Y``, ``D30``, ``D10`` …
    - ``item_number`` 件号 (1, 2, …), rendered zero-padded
    - ``org_code`` 机构或问题代码, empty when the fonds does not use it
    - ``volume`` 案卷号, only for the DA/T 13-2022 volume form (按卷)
    - ``extra`` further 类别号 parts of the DA/T 13-2022 form (e.g. ``("JC", "CC")``)
    """

    fonds_code: str
    category: str
    year: int
    retention: str
    item_number: int
    org_code: str = ""
    volume: int | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)

    def with_item(self, item_number: int) -> CodeParts:
        """The same parts with another 件号."""
        return replace(self, item_number=item_number)
