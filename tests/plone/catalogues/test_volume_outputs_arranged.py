"""The volume outputs of a volume made and filled by the volume arrangement's own actions
(``sd.archive.dossiers``: 新建案卷, 组卷), end to end (#24 item 3)."""

import io
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sd.archive.catalogues.item import CatalogueSelection
from sd.archive.catalogues.outputs import render
from sd.archive.catalogues.stamps import stamps

sys.path.insert(0, str(Path(__file__).parents[1] / "dossiers"))
from volume_helpers import DESCRIPTION  # noqa: E402
from volume_helpers import archived  # noqa: E402
from volume_helpers import volume_fonds  # noqa: E402


@pytest.fixture
def arranged(manager):
    from sd.archive.dossiers import create_volume
    from sd.archive.dossiers import place_in_volume

    fonds = volume_fonds(manager)
    records = [
        archived(fonds, 1, day=40, pages=3),
        archived(fonds, 2, day=10, pages=2),
        archived(fonds, 3, day=20, pages=4),
    ]
    volume = create_volume(fonds, dict(DESCRIPTION))
    place_in_volume(volume, records, "按年度组卷")
    return fonds, volume


def test_contents_and_volume_rows_of_an_arranged_volume(arranged):
    fonds, volume = arranged
    rows = list(
        load_workbook(io.BytesIO(render(volume, {"format": "xlsx"})[0])).active.iter_rows(
            values_only=True
        )
    )
    # 卷内件号 by date (days 10, 20, 40), cumulative 页号
    assert [(r[0], r[3], r[5]) for r in rows[2:]] == [
        (1, "关于档案工作的通知（2）", "1-2"),
        (2, "关于档案工作的通知（3）", "3-6"),
        (3, "关于档案工作的通知（1）", "7-9"),
    ]
    data = render(fonds, {"kind": "volumes", "year": "2023", "category": "WS"})[0]
    catalogue = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert catalogue[2][1:7] == (
        volume.archival_code,
        DESCRIPTION["title"],
        *catalogue[2][3:4],
        3,
        9,
        "永久",
    )
    assert catalogue[2][4:6] == (volume.item_count, volume.page_count)


def test_stamps_of_an_arranged_volume_use_the_volume_form(arranged):
    fonds, volume = arranged
    found = stamps(volume, CatalogueSelection())
    assert [s.cells()[1][0] for s in found] == ["1", "2", "3"]  # 卷内件号
    assert {s.cells()[0] for s in found} == {("J003", "2023", str(volume.dossier_number))}
    assert [s.archival_code for s in found] == sorted(
        r.archival_code for r in volume.objectValues()
    )
    assert len(stamps(fonds, CatalogueSelection())) == 3


def test_notes_sheet_of_an_arranged_volume(arranged):
    _, volume = arranged
    data = render(volume, {"kind": "notes", "format": "xlsx"})[0]
    fields = dict(list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))[1:7])
    assert fields["本卷情况说明"].startswith("本卷共 3 件，9 页")
    assert fields["本卷情况说明"].endswith(DESCRIPTION["note"])
    assert (fields["立卷人"], fields["检查人"], fields["立卷时间"]) == (
        "张三",
        "李四",
        "2024年1月15日",
    )
