"""A new version of a file (stripped seal, format conversion) is a new component with its own
path: the original keeps its path, and the ledger entry and ``@export`` list both (#22 item 16)."""

import io
import zipfile

import pytest
import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import setRoles
from seal_helpers import pyhanko_signed_pdf
from seal_helpers import record_with

from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.preservation import conversion as core_conversion
from sd.archive.ledger import records
from sd.archive.ledger.current import current_ledger
from sd.archive.ledger.export import export_record
from sd.archive.numbering import assign_code
from sd.archive.preservation import conversion
from sd.archive.preservation import store
from sd.archive.repository import ComponentData
from sd.archive.repository import add_component
from sd.archive.seals import stripping
from sd.archive.testing import PDF
from sd.archive.testing import make_fonds


def latest_entry(record) -> dict:
    log = current_ledger().log
    with log.reading() as conn:
        return parse_entry(log.entry(conn, log.record_indexes(conn, record.UID())[-1])[0])


def exported(record) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(export_record(record).read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_both_kept(record, original, new):
    """The original kept its path and bytes; the version has a path of its own; the record's
    latest entry and its export hold both."""
    assert new.version_of == original.UID()
    assert records.component_path(new) != records.component_path(original)
    entry = latest_entry(record)
    assert entry["content"] == records.content_digests(record)[0]  # every file, by path
    assert entry["content"][records.component_path(original)] == original.sm3
    assert entry["content"][records.component_path(new)] == new.sm3
    assert records.tamper_status(record, current_ledger()).intact
    files = exported(record)
    assert files[records.component_path(original)] == original.file.data
    assert files[records.component_path(new)] == new.file.data


@pytest.fixture
def archived_pdf(functional, tmp_path):
    """An archived record, committed (the ledger is read as committed), whose 正本 is a signed
    PDF, with a 处理单; no archiving-seal key, so no sealed copy."""
    portal = functional["portal"]
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    api.portal.set_registry_record("sd.archive.seals.key_path", str(tmp_path / "none.key"))
    record = record_with(
        make_fonds(portal), "正本.pdf", pyhanko_signed_pdf(), content_type="application/pdf"
    )
    with api.env.adopt_roles(["Manager"]):
        add_component(
            record,
            ComponentData(
                filename="处理单.pdf",
                data=PDF + b"%2",
                role="处理单",
                sequence=2,
                content_type="application/pdf",
            ),
        )
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    transaction.commit()
    return record


@pytest.fixture(autouse=True)
def no_new_aip(monkeypatch):
    """No AIP version follows the change (the after-archiving queue writes it after the commit,
    or never when storage fails): the new version's own entry must state the record's files."""
    monkeypatch.setattr(store, "queue", lambda record: None)


def test_stripped_seal_is_a_new_component_with_its_own_path(archived_pdf):
    record = archived_pdf
    original = record["c001"]
    path, sm3 = records.component_path(original), original.sm3
    new, _entry = stripping.strip_seal(record, original.UID(), "利用版")
    transaction.commit()
    assert records.component_path(original) == path and original.sm3 == sm3
    assert_both_kept(record, original, new)
    again, _entry = stripping.strip_seal(record, original.UID(), "再次利用")
    transaction.commit()
    assert records.component_path(again) not in (path, records.component_path(new))
    assert_both_kept(record, original, again)


def test_converted_file_is_a_new_component_with_its_own_path(archived_pdf, monkeypatch):
    """PDF → PDF/A keeps the extension: the converted copy must not take the original's path."""
    record = archived_pdf
    original = record["c001"]
    path, sm3 = records.component_path(original), original.sm3

    def fake_gs(source, out_dir, **kw):  # Ghostscript's part, without Ghostscript
        out_dir.mkdir()
        result = out_dir / source.name
        result.write_bytes(PDF + b"%PDF/A")
        return core_conversion.ConversionResult(
            result, {"ok": True, "tool": "gs", "tool_version": "10", "source": {}, "result": {}}
        )

    monkeypatch.setattr(core_conversion, "convert", fake_gs)
    new, _att = conversion.convert_component(original)
    transaction.commit()
    assert records.component_path(original) == path and original.sm3 == sm3
    assert new.path.startswith("converted/")
    assert_both_kept(record, original, new)
