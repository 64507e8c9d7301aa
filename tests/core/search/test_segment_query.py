"""Chinese segmentation, query parsing and highlighting (core/search), no Zope."""

import pytest

from sd.archive.core.search import highlight
from sd.archive.core.search import query
from sd.archive.core.search import segment
from sd.archive.core.search.segment import BOUNDARY


def sections(text):
    tokens = segment.index_tokens(text)
    first = tokens.index(BOUNDARY)
    second = tokens.index(BOUNDARY, first + 1)
    return tokens[:first], tokens[first + 1 : second], tokens[second + 1 :]


def test_search_mode_finds_inner_words():
    words, inner, chars = sections("财务预算")
    assert words == ["财务预算"]
    assert {"财务", "预算"} <= set(inner)
    assert chars == ["财", "务", "预", "算"]


def test_no_false_word_across_boundary():
    words, inner, _ = sections("理财务实")
    assert "财务" not in words + inner  # 理财/务实, unlike the bigram splitter's 财务


def test_search_tokens_match_jieba_cut_for_search():
    import jieba

    text = "关于印发山东省财务预算管理办法的通知"
    assert segment.search_tokens(text) == [
        w for w in jieba.cut_for_search(text, HMM=False) if w.strip()
    ]


def test_codes_are_letter_digit_runs():
    words, _, chars = sections("J001-WS·2023-D30-BGS-0001")
    assert words == ["j001", "ws", "2023", "d30", "bgs", "0001"]
    assert chars == words


def test_full_width_and_case_normalised():
    assert segment.words("ＡＢＣ１２３") == ["abc123"]
    assert segment.words("*财务?") == ["财务"]


def test_file_text_has_words_but_no_character_section():
    tokens = segment.index_tokens("财务 报告" + segment.BODY + "理财务实")
    first = tokens.index(BOUNDARY)
    assert tokens[:first] == ["财务", "报告"]  # the description's words
    assert "理财" in tokens and "务实" in tokens
    assert tokens[-4:] == ["财", "务", "报", "告"]  # characters of the description only
    assert "实" not in tokens


def test_empty_text_has_no_tokens():
    assert segment.index_tokens("") == []
    assert segment.index_tokens("  ，。！") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("财务", '(("财务"))'),
        ("财务预算", '((("财务预算" OR ("财务" AND "预算"))))'),
        ('"预算报告"', '((("预 算 报 告" OR "预算 报告") AND "预算" AND "报告"))'),
        ("J001-WS·2023-D30", '(("j001 ws 2023 d30"))'),
        ("鲁某发〔2023〕5号", '(("鲁 某 发 2023 5 号"))'),
        ("财务 OR 预算", '(("财务")) OR (("预算"))'),
        ("财务 -理财", '(("财务") AND NOT ("理财"))'),
    ],
)
def test_query_translation(text, expected):
    assert query.parse(text).index_query == expected


@pytest.mark.parametrize(
    "text",
    ["AND OR NOT", '"unbalanced', "((财务", "财务*", "*", '"', "-", "NOT 财务", "财务 OR", "OR"],
)
def test_operators_and_odd_input_are_text(text):
    parsed = query.parse(text)
    assert '""' not in parsed.index_query
    # only quoted tokens, brackets and the three operators reach the index parser
    stripped = parsed.index_query
    for op in ("AND NOT", " AND ", " OR ", "(", ")"):
        stripped = stripped.replace(op, " ")
    for part in stripped.split('"')[::2]:
        assert part.strip() == ""


def test_only_punctuation_is_empty():
    assert not query.parse("*** ?? （）")
    assert not query.parse("-财务")  # exclusions alone find nothing to start from


def test_too_long_is_refused():
    with pytest.raises(query.SearchQueryError) as err:
        query.parse("财" * 10_000)
    assert err.value.status == 400
    assert err.value.as_dict()["errors"][0]["code"] == "SEARCH-QUERY-LENGTH"


def test_too_many_terms_refused():
    with pytest.raises(query.SearchQueryError):
        query.parse(" ".join(["财务"] * 30))


def test_highlight_word_only_where_segmented():
    parsed = query.parse("财务")
    html = highlight.snippet("理财务实，财务处", parsed.words, parsed.phrases)
    assert html == "理财务实，<mark>财务</mark>处"


def test_highlight_inner_word_and_phrase_and_escape():
    parsed = query.parse('财务 "预算报告"')
    html = highlight.snippet("<b>财务预算报告</b>", parsed.words, parsed.phrases)
    assert html == "&lt;b&gt;<mark>财务</mark><mark>预算报告</mark>&lt;/b&gt;"


def test_snippet_window_and_ellipsis():
    text = "甲" * 200 + "财务" + "乙" * 200
    html = highlight.snippet(text, ["财务"])
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>财务</mark>" in html
    assert len(html) < 160


def test_snippet_without_hit_is_empty():
    assert highlight.snippet("没有命中", ["财务"]) == ""


def test_code_highlight_case_insensitive():
    parsed = query.parse("j001-ws·2023")
    html = highlight.mark_all("J001-WS·2023-D30-BGS-0001", parsed.words, parsed.phrases)
    assert html == "<mark>J001-WS·2023</mark>-D30-BGS-0001"


def test_fast_cutter_agrees_with_jieba():
    """rjieba (the fast cutter) and jieba (the reference) segment alike."""
    import jieba

    texts = [
        "关于印发山东省财务预算管理办法的通知",
        "鲁某发〔2023〕5号 J001-WS·2023-D30-BGS-0001",
        "各市人民政府，省政府各部门：现将有关事项通知如下，请认真贯彻执行。",
        "理财务实，固定资产清查登记，张三丰与李四的往来函件",
    ]
    for text in texts:
        norm = segment.normalize(text)
        assert list(segment.cutter()(norm)) == list(jieba.cut(norm, HMM=False))
