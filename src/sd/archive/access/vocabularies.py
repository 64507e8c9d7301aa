"""Vocabularies of access requests: purposes (查档目的) and forms of use (利用方式)."""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory

from sd.archive import _
from sd.archive.vocabularies import make_vocabulary

PURPOSES = (
    ("work", _("Official work")),  # 工作查考
    ("research", _("Academic research")),  # 学术研究
    ("legal", _("Legal evidence")),  # 法律凭证
    ("personal", _("Personal rights and interests")),  # 个人权益
    ("editing", _("Compiling history and chronicles")),  # 编史修志
    ("other", _("Other purpose")),  # 其他
)

FORMS = (
    ("online", _("Online reading")),  # 在线阅览
    ("download", _("Download a copy")),  # 下载复制件
    ("certified", _("Certified copy with evidence certificate")),  # 档案证明
)


@provider(IVocabularyFactory)
def purposes(context=None):
    return make_vocabulary(PURPOSES)


@provider(IVocabularyFactory)
def forms(context=None):
    return make_vocabulary(FORMS)


def title_of(table, value):
    return dict(table).get(value, value)
