"""Findings in a record's text (#28 items 3–5): names, near-duplicates, cited 文号, sensitive
content, and bad input (no text, another language, a huge text, bad patterns) → no finding."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sd.archive.core.mining.findings import analyse
from sd.archive.core.mining.findings import citations
from sd.archive.core.mining.findings import entities
from sd.archive.core.mining.findings import neardup
from sd.archive.core.mining.findings import sensitive
from sd.archive.core.mining.findings.sensitive import Pattern
from sd.archive.core.mining.findings.sensitive import PatternError


def id_number(first17: str) -> str:
    """A 身份证号 with its right check character."""
    return first17 + sensitive.check_character(first17)


VALID_ID = id_number("37010219800101123")
LETTER = """济南市档案馆关于2023年档案工作情况的报告
省档案局：
根据你局《关于做好2023年度档案工作的通知》（鲁档发〔2023〕7号）要求，现将我馆全年工作报告如下。
一、全年接收进馆档案一万二千卷，完成馆藏档案数字化八十万画幅，开展档案安全检查四次。
二、馆长张伟带队赴青岛市财政局调研电子档案单套制管理，与山东大学合作开展档案修复研究。
三、明年计划完成历下区、市中区机关档案室的业务指导和库房改造，确保档案实体安全。
特此报告。
济南市档案馆
2023年12月20日"""


# --- sensitive content 敏感内容 ------------------------------------------------------------


def test_id_number_needs_its_check_character_and_a_real_date():
    assert sensitive.check_character("11010519491231002") == "X"  # GB 11643's own example
    assert sensitive.id_number_valid(VALID_ID)
    assert sensitive.id_number_valid(id_number("11010519491231002"))  # X check character
    wrong = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    assert not sensitive.id_number_valid(wrong)
    assert not sensitive.id_number_valid(id_number("37010219801301123"))  # month 13
    assert not sensitive.id_number_valid("12345")


def test_id_number_found_masked_an_order_number_is_not():
    text = f"申请人身份证号{VALID_ID}，订单号123456789012345678。"
    hits = sensitive.findings(text, "正文.pdf")
    assert [h["kind"] for h in hits] == ["id_number"]
    assert hits[0]["value"] == VALID_ID[:4] + "*" * 10 + VALID_ID[-4:]
    assert VALID_ID not in hits[0]["excerpt"]
    assert hits[0]["value"] in hits[0]["excerpt"]
    assert hits[0]["where"].startswith("正文.pdf @")


def test_id_number_inside_a_longer_number_is_not_one():
    assert sensitive.find(f"9{VALID_ID}9") == []


@pytest.mark.parametrize(
    "text,kind,masked",
    [
        ("手机13812345678。", "mobile", "138****5678"),
        ("手机 138-1234-5678", "mobile", "138-****-5678"),
        ("电话+86 13912345678", "mobile", None),
        ("电话0531-86012345", "phone", "0531-****2345"),
    ],
)
def test_phone_numbers(text, kind, masked):
    hits = sensitive.find(text)
    assert [h.kind for h in hits] == [kind]
    if masked:
        assert hits[0].masked == masked


def test_a_long_number_is_no_phone():
    assert sensitive.find("编号138123456789012") == []


def test_address_and_its_numbers_masked():
    hits = sensitive.find("住址：山东省济南市历下区泉城路12号3单元201室。")
    assert [h.kind for h in hits] == ["address"]
    assert hits[0].masked.startswith("山东省济南市历下区泉城路")
    assert "12" not in hits[0].masked and "201" not in hits[0].masked


@pytest.mark.parametrize(
    "text,found",
    [
        ("秘密★1年", True),
        ("绝密★", True),
        ("密级：机密", True),
        ("保护商业秘密和个人隐私", False),
        ("机密文件管理办法的修订", False),
    ],
)
def test_security_markings(text, found):
    kinds = [h.kind for h in sensitive.find(text)]
    assert (kinds == ["secret_marking"]) is found


def test_every_finding_in_an_excerpt_is_masked():
    text = f"电话13812345678身份证{VALID_ID}"
    found = sensitive.findings(text)
    assert len(found) == 2
    for item in found:
        assert "13812345678" not in item["excerpt"] and VALID_ID not in item["excerpt"]


def test_configured_patterns_find_and_are_named():
    patterns = sensitive.parse_patterns(["# 项目", "项目编号|XM-\\d{6}", ""])
    assert patterns == [Pattern("项目编号", "XM-\\d{6}")]
    hits = sensitive.find("见 XM-123456 号项目", patterns)
    assert [h.kind for h in hits] == ["项目编号"]


@pytest.mark.parametrize(
    "lines,code",
    [
        (["坏规则|([a-z"], "FINDINGS-PATTERN-REGEX"),
        (["空匹配|a*"], "FINDINGS-PATTERN-REGEX"),
        (["没有分隔符"], "FINDINGS-PATTERN-FORMAT"),
        (["|abc"], "FINDINGS-PATTERN-NAME"),
        (["重复|abc", "重复|def"], "FINDINGS-PATTERN-NAME"),
        (["mobile|abc"], "FINDINGS-PATTERN-NAME"),
        (["太长|" + "a" * 400], "FINDINGS-PATTERN-REGEX"),
    ],
)
def test_bad_patterns_are_refused_with_the_rule_and_where(lines, code):
    with pytest.raises(PatternError) as caught:
        sensitive.parse_patterns(lines)
    error = caught.value
    assert error.status == 400
    assert code in [p.code for p in error.problems]
    assert all(p.property == "sensitive_patterns" for p in error.problems)


def test_a_bad_pattern_kept_from_before_finds_nothing_and_raises_nothing():
    assert sensitive.find("abc", [Pattern("旧规则", "([a-")]) == []


def test_a_pattern_that_backtracks_badly_runs_out_of_time_without_error():
    slow = Pattern("回溯", r"(\w+\s?)*x$")
    assert sensitive.find("a " * 3000 + "!", [slow]) == []


def test_too_many_findings_of_one_kind_are_capped():
    text = "，".join(f"138{n:08d}" for n in range(500))
    assert len(sensitive.find(text)) == sensitive.MAX_PER_KIND


def test_naive_baseline_finds_more_than_is_there():
    text = f"订单号123456789012345678 身份证{VALID_ID}"
    assert len(sensitive.naive_find(text)) > len(sensitive.find(text))


# --- people, organisations, places 人名、机构、地名 ---------------------------------------


def test_names_in_an_official_letter():
    found = entities.extract(LETTER)
    assert "张伟" in found["people"]
    assert "济南市档案馆" in found["organisations"]
    assert "青岛市财政局" in found["organisations"]
    assert "山东大学" in found["organisations"]
    assert "历下区" in found["places"]
    assert "济南市" in found["places"]


def test_an_issuer_prefix_is_not_a_person():
    found = entities.extract("根据鲁某发〔2023〕12号文件，王建国同志负责。")
    assert "鲁某" not in found["people"]
    assert "王建国" in found["people"]


def test_orgs_joined_by_and_stay_two():
    found = entities.extract("山东大学和中国银行参加了会议，济南市发展和改革委员会主持。")
    assert "山东大学和中国银行" not in found["organisations"]
    assert "济南市发展和改革委员会" in found["organisations"]


# --- 文号 cited 引用文号 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,normal",
    [
        ("鲁某发〔2023〕12号", "鲁某发〔2023〕12号"),
        ("鲁某发[2023]012号", "鲁某发〔2023〕12号"),
        ("鲁某发（2023）12号", "鲁某发〔2023〕12号"),
        (" 鲁某发 【2023】 第12号 ", "鲁某发〔2023〕12号"),
        ("第12号", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normal_document_numbers(value, normal):
    assert citations.normal(value) == normal


def test_variants_cover_the_brackets_business_systems_write():
    found = citations.variants("鲁某发〔2023〕7号")
    assert {"鲁某发[2023]7号", "鲁某发（2023）007号", "鲁某发〔2023〕7号"} <= set(found)


def test_citations_in_text_without_leading_words_or_own_number():
    text = "根据鲁档发[2023]7号和鲁某发〔2023〕12号文件要求，本文鲁某办发〔2024〕3号。"
    assert citations.citations(text, own="鲁某办发〔2024〕3号") == [
        "鲁档发〔2023〕7号",
        "鲁某发〔2023〕12号",
    ]
    assert citations.citations(LETTER) == ["鲁档发〔2023〕7号"]


# --- near-duplicates 近似重复 -------------------------------------------------------------


def test_same_text_small_change_is_near_other_text_is_not():
    changed = LETTER.replace("四次", "五次").replace("12月20日", "12月21日")
    other = LETTER.replace("济南", "淄博")[:40] + "。".join(
        f"第{n}条 本办法自印发之日起施行，由档案局负责解释和监督检查" for n in range(20)
    )
    a, b, c = neardup.signature(LETTER), neardup.signature(changed), neardup.signature(other)
    assert neardup.similarity(a, a) == 1.0
    assert neardup.similarity(a, b) >= neardup.THRESHOLD
    assert neardup.similarity(a, c) < 0.3
    pairs = neardup.near_duplicates([("r1", LETTER), ("r2", changed), ("r3", other)])
    assert [(p.a, p.b) for p in pairs] == [("r1", "r2")]


def test_spacing_and_punctuation_do_not_matter():
    reflowed = LETTER.replace("，", ",").replace("\n", " \n  ")
    assert neardup.similarity(neardup.signature(LETTER), neardup.signature(reflowed)) == 1.0


def test_signature_round_trip_and_index():
    sig = neardup.signature(LETTER)
    assert neardup.similarity(neardup.from_bytes(neardup.to_bytes(sig)), sig) == 1.0
    assert neardup.from_bytes(b"short") is None
    index = neardup.LshIndex()
    assert index.add("a", sig) == []
    assert index.add("b", sig) == [("a", 1.0)]
    assert index.query(sig, exclude="a") == [("b", 1.0)]
    assert len(neardup.band_keys(sig)) == neardup.BANDS


def test_signatures_are_the_same_in_another_process():
    """Kept with records: a signature made in one process must match one made in another
    (no salted ``hash()``)."""
    code = (
        "from sd.archive.core.mining.findings import neardup;"
        "import sys; sys.stdout.write(neardup.to_bytes(neardup.signature(sys.argv[1])).hex())"
    )
    out = [
        subprocess.run(
            [sys.executable, "-c", code, LETTER],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert out[0] == out[1] == neardup.to_bytes(neardup.signature(LETTER)).hex()


# --- bad input 异常输入 -------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   \n ", 12, b"bytes"])
def test_no_text_no_finding(text):
    result = analyse([("a.pdf", text)])
    assert result.entities == {"people": [], "organisations": [], "places": []}
    assert result.citations == [] and result.sensitive == [] and result.signature == b""
    assert neardup.signature(text) is None
    assert sensitive.find(text) == []
    assert citations.citations(text) == []


def test_short_text_has_no_signature():
    assert neardup.signature("关于召开会议的通知") is None


def test_text_in_another_language_has_no_names():
    english = "The annual report of the archives, signed by John Smith in London. " * 20
    result = analyse([("report.pdf", english)])
    assert result.entities == {"people": [], "organisations": [], "places": []}
    assert result.chinese is False
    assert result.signature  # near-duplicates are still found in any language


def test_huge_text_is_read_up_to_the_cap():
    huge = LETTER * 2000 + f"身份证{VALID_ID}"  # ~600,000 characters, the number past the cap
    result = analyse([("big.txt", huge)])
    assert result.entities["people"]
    assert result.signature
    assert all(item["kind"] != "id_number" for item in result.sensitive)


def test_analyse_keeps_where_per_file():
    result = analyse([("正文.pdf", LETTER), ("附件.pdf", f"联系电话13812345678，{VALID_ID}")])
    assert {item["where"].split(" @")[0] for item in result.sensitive} == {"附件.pdf"}
    assert result.citations == ["鲁档发〔2023〕7号"]


def test_a_cited_number_with_words_run_into_its_prefix_offers_its_endings():
    ((shown, candidates),) = citations.cited("经研究同意鲁某办发〔2024〕3号")
    assert shown == "研究同意鲁某办发〔2024〕3号"
    assert "鲁某办发〔2024〕3号" in candidates
    assert candidates[0] == "经研究同意鲁某办发〔2024〕3号"


def test_a_document_number_alone_on_its_line_is_the_documents_own():
    text = (
        "关于开展档案安全检查的通知\n鲁某局发〔2023〕101号\n各单位：根据鲁档发〔2023〕7号文件要求……"
    )
    assert citations.citations(text) == ["鲁档发〔2023〕7号"]


def test_short_form_like_texts_need_more_similarity():
    """Two 办件 of a government service: the same template, another number and date — not the
    same document archived twice, though their shingles overlap by ~60-70 %."""

    def filing(n, day):
        return "\n".join(
            f"建设工程消防验收办件 第{n}号\n山东省住房和城乡建设厅 · {part}\n2023-03-{day:02d}"
            for part in ("申请材料", "受理凭证", "办理结果")
        )

    a, b = filing(2, 4), filing(29, 24)
    sim = neardup.similarity(neardup.signature(a), neardup.signature(b))
    assert neardup.THRESHOLD <= sim < neardup.SHORT_THRESHOLD
    assert neardup.near_duplicates([("a", a), ("b", b)]) == []
    assert neardup.near_duplicates([("a", a), ("c", a + "。")])  # the same one again


def test_required_similarity_rises_for_short_texts():
    assert neardup.required(1000) == neardup.THRESHOLD
    assert neardup.required(100) == neardup.SHORT_THRESHOLD
    assert neardup.THRESHOLD < neardup.required(300) < neardup.SHORT_THRESHOLD
