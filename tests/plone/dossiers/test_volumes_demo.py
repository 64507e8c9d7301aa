"""The demo's volume-arranged fonds (#24 item 3): J003 with two volumes of three records."""

from sd.archive import dossiers
from sd.archive.dossiers.demo import make_volume_fonds


def test_demo_volume_fonds(manager):
    fonds = make_volume_fonds(manager)
    volumes = dossiers.fonds_volumes(fonds)
    assert [v.archival_code for v in volumes] == ["J003-WS·2023·Y-001", "J003-WS·2023·Y-002"]
    assert [v.item_count for v in volumes] == [3, 3]
    assert [v.page_count for v in volumes] == [12, 7]
    first = dossiers.volume_records(volumes[0])
    assert [r.archival_code for r in first] == [f"J003-WS·2023·Y-001-000{n}" for n in (1, 2, 3)]
    assert [r.Title() for r in first][0] == "局务会议纪要（第1期）"
    outside = [r for r in fonds.objectValues() if r.portal_type == "Record"]
    assert len(outside) == 2 and all(r.volume_number is None for r in outside)
    assert make_volume_fonds(manager) is None  # idempotent: an existing fonds is left alone
