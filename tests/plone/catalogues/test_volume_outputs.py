"""案卷目录, 卷内目录, 卷内备考表 and 归档章 from the catalog (#24 item 3): kinds of @catalogue."""

import io

import pytest
from openpyxl import load_workbook
from pdfcheck import assert_embedded
from pdfcheck import needs_font
from pdfcheck import needs_tools
from pdfcheck import pdf_text
from volumes import FONDS_NAME
from volumes import make_volume

from sd.archive.catalogues.item import CatalogueSelection
from sd.archive.catalogues.outputs import kinds_of
from sd.archive.catalogues.outputs import render
from sd.archive.catalogues.stamps import stamps
from sd.archive.catalogues.volume import volumes
from sd.archive.core.catalogues.volume_catalogue import CONTENTS_HEADINGS
from sd.archive.core.catalogues.volume_catalogue import VOLUME_HEADINGS
from sd.archive.core.errors import ArchiveError


@pytest.fixture
def shelf(fonds, catalogued):
    """Three volumes of 2023 (the second empty, the third kept 30 years) besides the twelve
    item-arranged records of ``catalogued``."""
    return [
        make_volume(fonds, 1, (5, 4, 3)),
        make_volume(fonds, 2, ()),
        make_volume(fonds, 3, (2,), retention="D30", item_count=0),
    ]


def _rows(data, sheet=0):
    book = load_workbook(io.BytesIO(data), read_only=True)
    return book.sheetnames, list(book.worksheets[sheet].iter_rows(values_only=True))


def test_volumes_from_the_catalog(shelf, fonds):
    found = volumes(fonds, CatalogueSelection())
    # in 案卷档号 order: D30 before Y
    assert [v.archival_code for v in found] == [shelf[i].archival_code for i in (2, 0, 1)]
    found = found[1:]
    first = found[0]
    assert (first.count, first.pages, first.dates) == (3, 12, "20230301-20230303")
    assert [i.title for i in first.items] == ["第1卷第1件", "第1卷第2件", "第1卷第3件"]
    assert found[1].items == () and found[1].count == 0


@pytest.mark.parametrize(
    "selection,codes",
    [
        (CatalogueSelection(year="2023", retention="D30"), ["J001-WS·2023·D30-003"]),
        (CatalogueSelection(year="2022"), []),
        (
            CatalogueSelection(category="WS", retention="Y"),
            ["J001-WS·2023·Y-001", "J001-WS·2023·Y-002"],
        ),
    ],
)
def test_volume_selection(shelf, fonds, selection, codes):
    assert [v.archival_code for v in volumes(fonds, selection)] == codes


def test_volume_catalogue_xlsx(shelf, fonds):
    data, media_type, name = render(fonds, {"kind": "volumes", "year": "2023"})
    assert media_type.endswith("spreadsheetml.sheet") and name == "J001-2023-volumes.xlsx"
    _, rows = _rows(data)
    assert rows[0][0] == "案卷目录" and FONDS_NAME in rows[0][1]
    assert rows[1] == VOLUME_HEADINGS
    assert rows[3][:7] == (
        2,
        "J001-WS·2023·Y-001",
        "2023年度办公室文件（第1卷）",
        "20230301-20230303",
        3,
        12,
        "永久",
    )
    assert rows[2][6] == "定期30年"


@needs_tools
@needs_font
@pytest.mark.parametrize("kind", ["volumes", "contents", "notes", "stamps"])
def test_every_pdf_embeds_its_font_and_reads_back(shelf, catalogued, fonds, kind):
    data, media_type, _ = render(fonds, {"kind": kind, "format": "pdf"})
    assert media_type == "application/pdf"
    assert_embedded(data)
    text = pdf_text(data)
    assert FONDS_NAME in text
    assert "J001-WS·2023·Y-001" in text  # the 档号's · survives
    compact = text.replace(" ", "")
    expected = {
        "volumes": "案卷目录",
        "contents": "卷内目录",
        "notes": "卷内备考表",
        "stamps": "归档章",
    }
    assert expected[kind] in text
    if kind == "contents":
        assert "1-5" in text and "6-9" in text and "10-12" in text
    if kind == "notes":
        assert "本卷共3件，12页" in compact and "张三" in text and "2024年1月10日" in text
        assert "本卷共0件，0页" in compact  # the empty volume has its sheet too
    if kind == "stamps":
        # the volume form for records in volumes (案卷号 1), the DA/T 22 form for the others
        assert "J001-WS·2023·Y-001-001" in text and catalogued[0].archival_code in text


def test_contents_of_one_volume(shelf):
    data, _, name = render(shelf[0], {"format": "xlsx"})  # a volume's default kind: 卷内目录
    assert name == "J001-WS·2023·Y-001-contents.xlsx"
    names, rows = _rows(data)
    assert names == ["卷内目录"] and "J001-WS·2023·Y-001" in rows[0][2]
    assert rows[1] == CONTENTS_HEADINGS
    assert [(r[0], r[3], r[5]) for r in rows[2:]] == [
        (1, "第1卷第1件", "1-5"),
        (2, "第1卷第2件", "6-9"),
        (3, "第1卷第3件", "10-12"),
    ]


def test_notes_sheet_of_one_volume(shelf):
    data, _, _ = render(shelf[0], {"kind": "notes", "format": "xlsx"})
    fields = dict(_rows(data)[1][1:])
    assert fields["本卷情况说明"].startswith("本卷共 3 件，12 页")
    assert fields["本卷情况说明"].endswith("本卷有一件复印件。")
    assert (fields["立卷人"], fields["检查人"], fields["立卷时间"]) == (
        "张三",
        "李四",
        "2024年1月10日",
    )


def test_stamps_forms(shelf, fonds, catalogued):
    found = {s.archival_code: s for s in stamps(fonds, CatalogueSelection())}
    in_volume = found["J001-WS·2023·Y-001-002"]
    assert in_volume.volume == "1"
    assert in_volume.cells() == (("J001", "2023", "1"), ("2", "永久", "4"))
    loose = found[catalogued[0].archival_code]
    assert loose.volume is None
    assert loose.cells()[0] == ("J001", "2023", str(catalogued[0].item_number))
    assert loose.cells()[1][0] == (catalogued[0].org_code or "")
    assert "尚未归档的文件" not in {s.archival_code for s in found.values()}
    assert len(found) == 12 + 4  # records without a code get no stamp


def test_stamps_of_a_list_a_volume_and_a_record(shelf, catalogued):
    fonds = shelf[0].__parent__
    ticked = [catalogued[2].UID(), catalogued[5].UID()]
    listed = stamps(fonds, CatalogueSelection(uids=tuple(ticked)))
    assert [s.archival_code for s in listed] == sorted(
        [catalogued[2].archival_code, catalogued[5].archival_code]
    )
    assert len(stamps(shelf[0], CatalogueSelection())) == 3
    data, _, name = render(catalogued[0], {})  # a record's one kind: its 归档章
    assert data.startswith(b"%PDF") and name.endswith("-stamps.pdf")


@pytest.mark.parametrize(
    "context,form,prop",
    [
        ("fonds", {"kind": "shelf"}, "kind"),
        ("fonds", {"kind": "stamps", "format": "xlsx"}, "format"),
        ("volume", {"kind": "items"}, "kind"),
        ("record", {"kind": "volumes"}, "kind"),
        ("fonds", {"kind": "volumes", "year": "今年"}, "year"),
    ],
)
def test_bad_requests(shelf, catalogued, fonds, context, form, prop):
    target = {"fonds": fonds, "volume": shelf[0], "record": catalogued[0]}[context]
    with pytest.raises(ArchiveError) as raised:
        render(target, form)
    assert raised.value.status == 400
    assert raised.value.problems[0].property == prop


def test_kinds_of_each_context(shelf, fonds, catalogued):
    assert kinds_of(fonds) == ("items", "volumes", "contents", "notes", "stamps")
    assert kinds_of(shelf[0])[0] == "contents" and "items" not in kinds_of(shelf[0])
    assert kinds_of(catalogued[0]) == ("stamps",)


@pytest.mark.parametrize(
    "kind,allowed",
    [
        ("volumes", {"Dossier"}),
        ("contents", {"Dossier"}),
        ("stamps", set()),
        ("notes", {"Dossier"}),
    ],
)
def test_outputs_do_not_wake_records(shelf, fonds, monkeypatch, kind, allowed):
    """Rows come from catalog metadata: no record is woken (a volume only for its 备考表, or
    when it lists no records: the empty volume 2)."""
    from Products.ZCatalog.CatalogBrains import AbstractCatalogBrain

    woken = []
    original = AbstractCatalogBrain.getObject

    def get_object(self, REQUEST=None):
        woken.append((self.portal_type, self.getPath().rsplit("/", 1)[-1]))
        return original(self, REQUEST)

    monkeypatch.setattr(AbstractCatalogBrain, "getObject", get_object)
    render(fonds, {"kind": kind, "format": "xlsx" if kind != "stamps" else "pdf"})
    assert {t for t, _ in woken} <= allowed
    if kind in ("volumes", "contents"):
        assert [name for _, name in woken] == ["volume-2"]
    if kind == "notes":
        assert sorted(name for _, name in woken) == ["volume-1", "volume-2", "volume-3"]
