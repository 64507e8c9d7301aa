"""The translation catalogues (翻译目录) stay well formed: one entry per msgid, and every
msgid of the sd.archive domain has a zh_CN translation (Chinese first)."""

import pathlib
import re

import pytest

LOCALES = pathlib.Path(__file__).resolve().parents[3] / "src" / "sd" / "archive" / "locales"
CATALOGUES = sorted(LOCALES.glob("*/LC_MESSAGES/*.po"))
ENTRY = re.compile(r'^msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)*)"', re.M)


def entries(path):
    return ENTRY.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_no_msgid_twice(path):
    ids = [msgid for msgid, _ in entries(path) if msgid]
    twice = sorted({msgid for msgid in ids if ids.count(msgid) > 1})
    assert not twice, f"{path.name}: defined more than once: {twice}"


def test_zh_cn_translates_every_msgid():
    zh = LOCALES / "zh_CN" / "LC_MESSAGES" / "sd.archive.po"
    missing = sorted(msgid for msgid, msgstr in entries(zh) if msgid and not msgstr)
    assert not missing, f"no zh_CN translation for: {missing[:20]}"
