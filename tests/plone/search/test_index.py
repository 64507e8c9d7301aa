"""The Chinese full-text index (SearchableText on the jieba lexicon) and the record indexer."""

import datetime

import Missing
from plone import api
from search_data import add
from search_data import set_text

from sd.archive.search.splitter import LEXICON_ID


def find(**query):
    return {b.getObject() for b in api.content.find(portal_type="Record", **query)}


def test_searchable_text_uses_jieba_lexicon(portal):
    catalog = api.portal.get_tool("portal_catalog")
    assert catalog._catalog.getIndex("SearchableText").lexicon_id == LEXICON_ID
    assert catalog._catalog.getIndex("record_title").lexicon_id == LEXICON_ID
    for name in (
        "document_number",
        "author",
        "keywords",
        "org_code",
        "document_date",
        "security_level",
        "open_status",
        "archival_code",
        "review_state",
    ):
        assert name in catalog.indexes()


def test_word_inside_longer_word_but_not_across_words(fonds):
    budget = add(fonds, 1, text="二〇二三年财务预算执行情况")
    plain = add(fonds, 2, text="财务处年度工作总结")
    other = add(fonds, 3, text="理财务实，勤俭办事")
    assert find(SearchableText="财务") == {budget, plain}
    assert other not in find(SearchableText="财务")
    assert find(SearchableText="理财") == {other}


def test_metadata_fields_are_searchable(fonds):
    record = add(
        fonds,
        7,
        document_number="鲁某发〔2023〕5号",
        author="山东省档案馆办公室",
        keywords=["档案", "数字化"],
        org_code="BGS",
        electronic_record_id="OA-J001-XYZ-0042",
    )
    code = record.archival_code
    assert code.startswith("J001-WS·2023")
    for text in (code, "鲁某发〔2023〕5号", "办公室", "数字化", "OA-J001-XYZ-0042"):
        assert find(SearchableText=text) == {record}, text


def test_file_text_indexed_and_reindexed(fonds):
    record = add(fonds, 1)
    assert not find(SearchableText="固定资产")
    set_text(record, "固定资产管理办法")
    assert find(SearchableText="固定资产") == {record}
    assert find(SearchableText="资产") == {record}


def test_plone_search_endpoint_with_new_text(fonds):
    """plone.restapi's @search passes SearchableText to the same index."""
    record = add(fonds, 1, text="关于加强档案信息化建设的意见")
    assert find(SearchableText="信息化") == {record}
    assert find(SearchableText="档案 信息化") == {record}


def test_field_indexes(fonds):
    r1 = add(fonds, 1, document_date=datetime.date(2023, 5, 1), keywords=["财务"])
    r2 = add(fonds, 2, document_date=datetime.date(2023, 9, 1), security_level="内部")
    assert find(keywords="财务") == {r1}
    assert find(security_level="内部") == {r2}
    assert find(document_date={"query": datetime.date(2023, 8, 1), "range": "min"}) == {r2}


def test_pages_and_folders_are_not_records(portal, fonds):
    """Other content never gets a record field by acquisition."""
    catalog = api.portal.get_tool("portal_catalog")
    brain = catalog(UID=fonds.UID())[0]
    assert brain.open_status in (None, Missing.Value)
    assert not catalog(author="Agency J001")
