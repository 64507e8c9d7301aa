"""Default scheme and schedule files shipped with sd.archive (默认分类方案与保管期限表).

``data/<fonds>-scheme.csv`` and ``data/<fonds>-schedule.csv``:

- ``J001`` 山东省示例厅 — an 电子公文 fonds: 文书 (WS), organisations BGS 办公室, ZCFG 政策法规处,
  RSC 人事处, CWC 财务处; 文书 retention (永久/定期30年/定期10年) by 文种 and title keywords.
- ``J002`` 山东省示例服务中心 — a 政务服务 fonds. Government-service e-files are classed under
  文书 (WS), as in the province's sample packages (``J002-WS·2023-D30-BGS-0008``); a fonds that
  prefers 专业 (ZY) changes its scheme and schedule files, nothing in the code.

The fonds codes match the sample packages; a site copies and edits these files for its fonds.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from sd.archive.core.scheme.csv_io import read_schedule_csv
from sd.archive.core.scheme.csv_io import read_scheme_csv
from sd.archive.core.scheme.model import ClassificationScheme
from sd.archive.core.scheme.model import RetentionSchedule

DEFAULT_FONDS = ("J001", "J002")


def _data(name: str) -> bytes:
    return files("sd.archive.core.scheme").joinpath("data", name).read_bytes()


@cache
def default_scheme(fonds_code: str) -> ClassificationScheme:
    """The shipped classification scheme of ``fonds_code`` (``J001`` or ``J002``); read once
    (the files ship with the code, the parsed scheme is frozen)."""
    if fonds_code not in DEFAULT_FONDS:
        raise KeyError(fonds_code)
    return read_scheme_csv(_data(f"{fonds_code}-scheme.csv"))


@cache
def default_schedule(fonds_code: str) -> RetentionSchedule:
    """The shipped retention schedule of ``fonds_code``, checked against its scheme; read once."""
    scheme = default_scheme(fonds_code)
    return read_schedule_csv(_data(f"{fonds_code}-schedule.csv"), scheme=scheme)
