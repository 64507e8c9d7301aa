"""Content types: creation, fields, behaviors, digests, immutability, audit."""

import datetime

import pytest
from plone import api
from plone.base.utils import human_readable_size
from plone.dexterity.interfaces import IDexterityFTI
from zExceptions import Forbidden
from zope.component import queryUtility
from zope.interface import providedBy
from zope.lifecycleevent import modified

from sd.archive.appraisal.execution import sanctioned
from sd.archive.behaviors.archival_code import IArchivalCode
from sd.archive.behaviors.government_service import IGovernmentService
from sd.archive.behaviors.notarization import INotarization
from sd.archive.behaviors.records_metadata import IRecordsMetadata
from sd.archive.behaviors.retention import IRetention
from sd.archive.behaviors.seal import ISeal
from sd.archive.core import digests
from sd.archive.corrections import correct_description
from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import IFonds
from sd.archive.interfaces import IRecord
from sd.archive.numbering import assign_code
from sd.archive.protection import RecordProtected
from sd.archive.testing import PDF
from sd.archive.testing import make_record


@pytest.mark.parametrize(
    "type_id,add_permission",
    [
        ("Fonds", "sd.archive.AddFonds"),
        ("Dossier", "sd.archive.AddDossier"),
        ("Record", "sd.archive.AddRecord"),
        ("Component", "sd.archive.AddComponent"),
    ],
)
def test_fti_add_permission(portal, type_id, add_permission):
    fti = queryUtility(IDexterityFTI, name=type_id)
    assert fti.add_permission == add_permission


@pytest.mark.parametrize(
    "behavior",
    [IRetention, IArchivalCode, IRecordsMetadata, IGovernmentService, INotarization, ISeal],
)
def test_record_provides_behaviors(record, behavior):
    assert behavior.providedBy(record)


def test_fonds_fields(fonds):
    assert IFonds.providedBy(fonds)
    assert fonds.fonds_code == "J001"
    assert fonds.agency_name == "Agency J001"
    assert fonds.network_domain == "administrative"


def test_dossier_in_fonds(fonds):
    dossier = api.content.create(
        container=fonds, type="Dossier", id="d1", title="案卷一", dossier_number="001", year=2023
    )
    assert IDossier.providedBy(dossier)
    rec = make_record(dossier, 7)
    assert IRecord.providedBy(rec)
    assert rec.aq_parent is dossier


def test_record_not_addable_at_site_root(manager):
    with pytest.raises((ValueError, Exception)):
        api.content.create(container=manager, type="Record", id="r", title="x")


def test_components_get_digests(record):
    components = record.objectValues()
    assert [c.role for c in components] == ["正本", "处理单"]
    assert all(IComponent.providedBy(c) for c in components)
    first = components[0]
    assert first.sm3 == digests.digest_bytes(PDF, "SM3")
    assert first.sha256 == digests.digest_bytes(PDF, "SHA-256")
    assert first.size == len(PDF)


def test_repository_components_are_parts_of_their_record(portal, record):
    """Stored without Plone's generic added subscribers: no int id, no catalog entry."""
    from zope.component import getUtility
    from zope.intid.interfaces import IIntIds

    intids = getUtility(IIntIds)
    assert intids.queryId(record) is not None
    for component in record.objectValues():
        assert intids.queryId(component) is None
        assert component.UID() and component.getOwner() is not None
    assert not api.content.find(portal_type="Component")
    api.content.delete(record)  # and the record goes with them
    assert not api.content.find(UID=record.UID())


def test_record_security_reindex_reaches_the_catalog(portal, record):
    """Record.reindexObjectSecurity reindexes the record itself (nothing else is catalogued
    under it): a local role granted on it is searchable at once."""
    catalog = api.portal.get_tool("portal_catalog")
    api.user.create(email="reader@example.org", username="reader-1", password="secret-reader")
    api.user.grant_roles(username="reader-1", obj=record, roles=["RecordsOfficer"])
    record.reindexObjectSecurity()
    (brain,) = catalog.unrestrictedSearchResults(UID=record.UID())
    allowed = catalog.getIndexDataForRID(brain.getRID())["allowedRolesAndUsers"]
    assert "user:reader-1" in allowed
    record.reindexObjectSecurity(skip_self=True)  # nothing to do, nothing fails


def test_component_added_as_content_is_stored_like_the_others(portal, record):
    from plone.namedfile.file import NamedBlobFile

    extra = api.content.create(
        container=record,
        type="Component",
        id="c009",
        title="附件",
        role="附件",
        sequence=9,
        file=NamedBlobFile(PDF + b"%9", filename="附件.pdf"),
    )
    assert extra.sm3 == digests.digest_bytes(PDF + b"%9", "SM3") and extra.size == len(PDF) + 2
    assert extra.format_name == "PDF"
    assert "c009" in record.objectIds()
    assert not api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        path="/".join(extra.getPhysicalPath())
    )


def test_digest_look_ups_are_the_ledgers_not_the_catalogs(portal):
    """@verify answers from the evidence ledger (tests/plone/ledger); a catalog copy of
    every component digest only made each intake commit rewrite its buckets."""
    assert "component_sm3" not in api.portal.get_tool("portal_catalog").indexes()


def test_record_lists_its_content_interfaces_not_the_plumbing(portal, record):
    from plone.dexterity.interfaces import IDexterityContent
    from Products.CMFCore.interfaces import IContentish
    from Products.CMFCore.interfaces import IFolderish
    from Products.CMFPlone.CatalogTool import object_provides

    catalog = api.portal.get_tool("portal_catalog")
    for iface in (IRecord, IContentish, IFolderish, IDexterityContent, IRetention):
        found = catalog.unrestrictedSearchResults(
            object_provides=iface.__identifier__, UID=record.UID()
        )
        assert len(found) == 1, iface
    rid = catalog.unrestrictedSearchResults(UID=record.UID())[0].getRID()
    listed = set(catalog.getIndexDataForRID(rid)["object_provides"])
    assert "zope.location.interfaces.ILocation" not in listed
    assert "Products.CMFCore.interfaces.IWorkflowAware" not in listed
    assert "plone.uuid.interfaces.IAttributeUUID" not in listed
    assert "plone.portlets.interfaces.ILocalPortletAssignable" not in listed
    assert listed < set(object_provides.callable(record))  # Plone's own list, shortened
    everything = [i.__identifier__ for i in providedBy(record).flattened()]
    assert len(listed) <= len(everything) - 20  # an IITreeSet write each, per intake


def test_retention_expiry_computed(record):
    record.retention_period = "D10"
    modified(record)
    assert record.retention_expiry == datetime.date(2033, 12, 31)
    record.retention_period = "Y"
    modified(record)
    assert record.retention_expiry is None


def test_government_service_fields(fonds):
    rec = make_record(
        fonds,
        2,
        record_kind="政务服务电子文件",
        service_item_code="11370000004",
        case_number="3700002023051200001",
        applicant_name="某某建设有限公司",
    )
    assert IGovernmentService(rec).case_number == "3700002023051200001"


def test_archived_content_is_immutable(record):
    from plone.namedfile.file import NamedBlobFile

    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    component = record.objectValues()[0]
    component.file = NamedBlobFile(data=b"%PDF-1.4 other bytes", filename="正本.pdf")
    with pytest.raises(RecordProtected):
        modified(component)


def test_pre_archived_content_may_change(record):
    from plone.namedfile.file import NamedBlobFile

    component = record.objectValues()[0]
    component.file = NamedBlobFile(data=b"%PDF-1.4 corrected", filename="正本.pdf")
    modified(component)
    assert component.sm3 == digests.digest_bytes(b"%PDF-1.4 corrected")


def test_metadata_correction_after_archiving_is_audited(record):
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    correct_description(record, {"title": "更正后的题名"}, "题名有错字")
    log = record.correction_log
    assert len(log) == 1
    assert log[0]["changes"] == [
        {"field": "title", "old": "关于档案工作的通知（1）", "new": "更正后的题名"}
    ]
    assert log[0]["state"] == "archived"
    assert log[0]["reason"] == "题名有错字"


def test_changes_before_archiving_are_not_audited(record):
    record.title = "预归档时修改"
    modified(record)
    assert not record.correction_log


def test_frozen_code_cannot_be_edited(record):
    assign_code(record, "WS", 2023, "Y", "BGS")
    record.year = 2022
    with pytest.raises(Forbidden):
        modified(record)


def test_destroy_keeps_tombstone(record):
    # destroyed only once its period has run out (#25): 2013 + D10 → kept to 2023-12-31
    assign_code(record, "WS", 2013, "D10", "BGS")
    with sanctioned(record, "test"):  # as an executed appraisal batch does (#25)
        for t in ("archive", "appraise", "destroy"):
            api.content.transition(record, transition=t)
    assert api.content.get_state(record) == "destroyed"
    assert record.objectIds() == []
    assert record.title == "关于档案工作的通知（1）"
    assert record.archival_code == "J001-WS·2013-D10-BGS-0001"
    assert record.disposition_state == "destroyed"


def test_hold_blocks_destruction(record):
    assign_code(record, "WS", 2013, "D10", "BGS")  # expired: only the hold stands in the way
    for t in ("archive", "appraise"):
        api.content.transition(record, transition=t)
    record.holds = ["诉讼冻结 2024-01"]
    available = [t["id"] for t in api.portal.get_tool("portal_workflow").getTransitionsFor(record)]
    assert "destroy" not in available
    assert "retain" in available
    record.holds = []
    available = [t["id"] for t in api.portal.get_tool("portal_workflow").getTransitionsFor(record)]
    assert "destroy" not in available  # never alone (#25)
    with sanctioned(record, "test"):  # inside an executed appraisal batch
        wf = api.portal.get_tool("portal_workflow")
        assert "destroy" in [t["id"] for t in wf.getTransitionsFor(record)]


def test_intake_finds_a_fonds_by_its_code_wherever_it_is_now(portal, fonds):
    from sd.archive.intake.fonds import find_fonds

    assert find_fonds(portal, "J001") == fonds
    assert find_fonds(portal, "J001") == fonds  # from the remembered place
    api.content.rename(obj=fonds, new_id="j001-renamed")
    assert find_fonds(portal, "J001").getId() == "j001-renamed"
    moved = portal["j001-renamed"]
    moved.fonds_code = "J009"
    moved.reindexObject()
    assert find_fonds(portal, "J001") is None
    assert find_fonds(portal, "J009") == moved
    api.content.delete(moved)
    assert find_fonds(portal, "J009") is None
    assert find_fonds(portal, "") is None


def test_a_record_is_as_large_as_its_components(record):
    from Products.CMFCore.indexing import processQueue

    assert record.get_size() == 2 * len(PDF) + 2
    record["c001"].size = 2048  # the size received with the package wins (计算机文件大小)
    assert record.get_size() == 2048 + len(PDF) + 2
    processQueue()
    brain = api.content.find(UID=record.UID())[0]
    assert brain.getObjSize == human_readable_size(2048 + len(PDF) + 2)


def test_a_record_has_no_image_scales(record):
    from plone.base.interfaces import IImageScalesAdapter
    from Products.CMFCore.indexing import processQueue
    from zope.component import getMultiAdapter
    from zope.globalrequest import getRequest

    from sd.archive.indexers import RecordImageScales

    assert isinstance(
        getMultiAdapter((record, getRequest()), IImageScalesAdapter), RecordImageScales
    )
    processQueue()
    brain = api.content.find(UID=record.UID())[0]
    assert not brain.image_scales


def test_a_record_says_at_once_what_it_does_not_have(portal, record):
    """The names of ``ABSENT`` are fields of no record schema, and the catalog finds no value
    for them on a record, as before: the indexer only answers sooner."""
    from Acquisition import aq_base
    from plone.dexterity.utils import iterSchemata
    from plone.indexer.interfaces import IIndexableObject
    from Products.CMFCore.indexing import processQueue
    from zope.component import getGlobalSiteManager
    from zope.component import getMultiAdapter
    from zope.schema import getFieldNames

    from sd.archive.indexers import ABSENT
    from sd.archive.indexers import absent

    registered = {
        r.name for r in getGlobalSiteManager().registeredAdapters() if r.factory is absent
    }
    assert registered == set(ABSENT)  # configure.zcml registers exactly the names of ABSENT
    fields = {name for schema in iterSchemata(record) for name in getFieldNames(schema)}
    assert fields, "the record's schemata were not found"
    assert not fields & set(ABSENT)
    catalog = api.portal.get_tool("portal_catalog")
    wrapped = getMultiAdapter((record, catalog), IIndexableObject)
    for name in ABSENT:
        assert getattr(wrapped, name, "nothing") == "nothing", name
    assert wrapped.mime_type == aq_base(record).content_type() == "text/plain"
    processQueue()
    brain = api.content.find(UID=record.UID())[0]
    rid = brain.getRID()
    indexed = catalog.getIndexDataForRID(rid)
    for name in ("start", "end", "sync_uid", "cmf_uid", "in_reply_to", "exclude_from_nav"):
        assert not indexed.get(name), name
    assert brain.mime_type == "text/plain"
    assert not brain.getRemoteUrl and not brain.location and not brain.getIcon


def test_link_integrity_finds_nothing_to_read_in_a_record(record):
    from plone.app.linkintegrity.interfaces import IRetriever

    assert IRetriever(record, None) is None
    document = api.content.create(
        container=record.aq_parent.aq_parent, type="Document", id="doc-links", title="links"
    )
    assert IRetriever(document, None) is not None  # other content keeps Plone's retriever


def test_a_component_is_made_as_create_content_would(portal):
    from plone.dexterity.utils import createContent
    from plone.namedfile.file import NamedBlobFile
    from plone.uuid.interfaces import IUUID

    from sd.archive.repository import new_component

    def values():
        return {
            "title": "正本.pdf",
            "file": NamedBlobFile(data=PDF, filename="正本.pdf"),
            "role": "正本",
            "sequence": 1,
            "path": "a/正本.pdf",
            "format_name": "PDF",
        }

    made = new_component("c001", values())
    expected = createContent("Component", **values())
    expected.id = "c001"
    assert IUUID(made) and IUUID(made) != IUUID(expected)
    assert made.portal_type == expected.portal_type == "Component"
    assert IComponent.providedBy(made)
    ignored = {"creation_date", "modification_date", "_plone.uuid", "file"}
    assert {k: v for k, v in vars(made).items() if k not in ignored} == {
        k: v for k, v in vars(expected).items() if k not in ignored
    }
    assert made.file.data == expected.file.data == PDF


@pytest.mark.parametrize("type_id", ["Fonds", "Dossier"])
def test_record_containers_provide_their_fti_schema(fonds, type_id):
    """The local-roles mixin must not hide Dexterity's ``__providedBy__``: REST adapts a fonds
    or volume to its FTI schema for GET and PATCH (it answered 500 when the schema was missing)."""
    obj = fonds if type_id == "Fonds" else None
    if obj is None:
        obj = api.content.create(container=fonds, type="Dossier", id="v-schema", title="卷")
    fti = queryUtility(IDexterityFTI, name=type_id)
    assert fti.lookupSchema() in providedBy(obj)


@pytest.mark.parametrize("type_id", ["Fonds", "Dossier", "Record", "Component"])
def test_no_yes_no_field_is_required(portal, type_id):
    """A required ``Bool`` makes the edit form demand the box ticked: "no" could not be saved
    (the fonds' 自建数字档案室 could not be left unticked)."""
    from plone.dexterity.utils import iterSchemataForType
    from zope import schema as zschema

    for iface in iterSchemataForType(type_id):
        for name, field in zschema.getFieldsInOrder(iface):
            if isinstance(field, zschema.Bool) and not field.readonly:
                assert not field.required, f"{iface.__identifier__}.{name}"
