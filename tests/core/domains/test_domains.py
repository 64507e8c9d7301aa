"""What each node's network domain takes in (core.domains)."""

import pytest

from sd.archive.core import domains as d


@pytest.mark.parametrize(
    ("node", "kind", "ok"),
    [
        (d.ADMINISTRATIVE, d.KIND_DOCUMENT, True),
        (d.ADMINISTRATIVE, d.KIND_SERVICE, False),
        (d.PUBLIC_SERVICE, d.KIND_SERVICE, True),
        (d.PUBLIC_SERVICE, d.KIND_DOCUMENT, False),
        (d.PUBLIC_SERVICE, None, False),
        (d.COMBINED, d.KIND_SERVICE, True),
        (d.ARCHIVES, d.KIND_DOCUMENT, True),
    ],
)
def test_record_kinds_per_node(node, kind, ok):
    problems = d.kind_problems(node, kind)
    assert (problems == []) is ok
    if not ok:
        (p,) = problems
        assert p.code == "domain.record-kind" and p.object == "电子文件/@类型"
        assert p.message.startswith(("政务服务网", "电子政务外网"))


def test_the_archives_lan_serves_transfer_only():
    assert d.interface_problems(d.ARCHIVES, "transfer") == []
    for interface in ("archive", "pre-archive"):
        (p,) = d.interface_problems(d.ARCHIVES, interface)
        assert p.code == "domain.interface" and p.object == f"@{interface}"
        assert "档案馆局域网节点不提供" in p.message
    assert d.interface_problems(d.ADMINISTRATIVE, "pre-archive") == []


def test_fonds_of_the_other_domain_do_not_live_on_a_domain_node():
    (p,) = d.fonds_problems(d.ADMINISTRATIVE, d.PUBLIC_SERVICE, "J002")
    assert p.code == "domain.fonds" and p.object == "全宗 J002"
    assert d.fonds_problems(d.ARCHIVES, d.PUBLIC_SERVICE) == []
    assert d.fonds_problems(d.ARCHIVES, d.ADMINISTRATIVE) == []
    assert d.fonds_problems(d.PUBLIC_SERVICE, None)[0].code == "domain.fonds"


def test_combined_is_never_a_production_setting():
    assert d.setting_problems(d.COMBINED, production=False) == []
    assert [p.code for p in d.setting_problems(d.COMBINED, production=True)] == [
        "domain.combined-in-production"
    ]
    assert [p.code for p in d.setting_problems("lan", production=False)] == ["domain.unknown"]
