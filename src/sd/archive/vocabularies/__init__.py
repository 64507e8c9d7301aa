"""Vocabularies of sd.archive (词表).

Each vocabulary is defined once here from a table of (value, zh_CN title) pairs; the English
title is the msgid, the Chinese one comes from the zh_CN catalogue.

Tokens are plain ASCII (词表令牌为 ASCII): a value that is not ASCII (the Chinese values records
hold, ``开放``) gets the token from :data:`ASCII_TOKENS` (``open``), so REST clients and form
widgets see ``open`` while the stored value stays ``开放``. plone.restapi's choice deserializer
takes either the token or the value.
"""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from sd.archive import _

NETWORK_DOMAINS = (
    ("public-service", _("Public-service domain")),  # 政务服务网
    ("administrative", _("Administrative domain")),  # 电子政务外网/办公网
    ("archives", _("Archives LAN")),  # 档案馆局域网
)

RECORD_KINDS = (
    ("电子公文", _("Electronic official document")),
    ("政务服务电子文件", _("Government-service e-file")),
)

RETENTION_PERIODS = (
    ("Y", _("Permanent")),  # 永久
    ("D30", _("30 years")),  # 定期30年
    ("D10", _("10 years")),  # 定期10年
)

SECURITY_LEVELS = (
    ("公开", _("Public")),
    ("内部", _("Internal")),
)

OPEN_STATUSES = (
    ("待审", _("Pending review")),
    ("开放", _("Open")),
    ("控制", _("Controlled")),
)

COMPONENT_ROLES = (
    ("正本", _("Original")),
    ("定稿", _("Final draft")),
    ("处理单", _("Processing form")),
    ("附件", _("Attachment")),
    ("申请材料", _("Application material")),
    ("受理凭证", _("Acceptance voucher")),
    ("审查意见", _("Review opinion")),
    ("办理结果", _("Handling result")),
    ("送达回执", _("Delivery receipt")),
    ("原始包", _("Original package")),
    ("其他", _("Other")),
)

CODE_GRAMMARS = (
    ("DA/T 22-2015", _("DA/T 22-2015 (by item)")),
    ("DA/T 13-2022", _("DA/T 13-2022 (by item)")),
    ("DA/T 13-2022 volume", _("DA/T 13-2022 (by volume)")),
)

DISPOSITION_STATES = (
    ("active", _("Active")),
    ("due_for_appraisal", _("Due for appraisal")),
    ("retained", _("Retained after appraisal")),
    ("destroyed", _("Destroyed")),
)

DIGEST_ALGORITHMS = (
    ("SM3", "SM3"),
    ("SHA-256", "SHA-256"),
)


#: ASCII tokens of the non-ASCII values (the stored value stays the Chinese one)
ASCII_TOKENS = {
    # 文件类型
    "电子公文": "official-document",
    "政务服务电子文件": "government-service-file",
    # 密级
    "公开": "public",
    "内部": "internal",
    # 开放状态
    "待审": "pending",
    "开放": "open",
    "控制": "controlled",
    # 电子文件角色
    "正本": "original",
    "定稿": "final-draft",
    "处理单": "processing-form",
    "附件": "attachment",
    "申请材料": "application-material",
    "受理凭证": "acceptance-voucher",
    "审查意见": "review-opinion",
    "办理结果": "handling-result",
    "送达回执": "delivery-receipt",
    "原始包": "original-package",
    "其他": "other",
}


def token_of(value: str) -> str:
    """The ASCII token of a vocabulary value (``开放`` → ``open``)."""
    token = ASCII_TOKENS.get(value, value)
    if not token.isascii():
        raise ValueError(f"vocabulary value {value!r} has no ASCII token")
    return token


def make_vocabulary(table):
    return SimpleVocabulary(
        [SimpleTerm(value, token=token_of(value), title=title) for value, title in table]
    )


def _factory(table):
    @provider(IVocabularyFactory)
    def factory(context=None):
        return make_vocabulary(table)

    return factory


NetworkDomainsFactory = _factory(NETWORK_DOMAINS)
RecordKindsFactory = _factory(RECORD_KINDS)
RetentionPeriodsFactory = _factory(RETENTION_PERIODS)
SecurityLevelsFactory = _factory(SECURITY_LEVELS)
OpenStatusesFactory = _factory(OPEN_STATUSES)
ComponentRolesFactory = _factory(COMPONENT_ROLES)
CodeGrammarsFactory = _factory(CODE_GRAMMARS)
DispositionStatesFactory = _factory(DISPOSITION_STATES)
DigestAlgorithmsFactory = _factory(DIGEST_ALGORITHMS)
