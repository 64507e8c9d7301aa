"""电子签章 (seals and signatures): findings, archiving seal, stripped flag and its log."""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.schema import JSONField
from plone.supermodel import model
from z3c.form.interfaces import IAddForm
from z3c.form.interfaces import IEditForm
from zope import schema
from zope.interface import provider

from sd.archive import _

LIST_SCHEMA = """{"type": "array", "items": {"type": "object"}}"""


@provider(IFormFieldProvider)
class ISeal(model.Schema):
    """Seal/signature findings (DA/T 46 M57–M64), the archiving seal and stripping log."""

    model.fieldset(
        "seal",
        label=_("Seals and signatures"),
        fields=["seal_findings", "archiving_seal", "seal_stripped", "strip_log"],
    )
    # shown by the seals viewlet of the record page, never as JSON in a form (REST keeps them)
    directives.omitted(IAddForm, "seal_findings", "strip_log")
    directives.omitted(IEditForm, "seal_findings", "strip_log")
    directives.mode(
        seal_findings="display",
        archiving_seal="display",
        seal_stripped="display",
        strip_log="display",
    )
    seal_findings = JSONField(
        title=_("Seal and signature findings"),
        schema=LIST_SCHEMA,
        default=[],
        required=False,
        readonly=True,
    )  # 签章验证结果
    archiving_seal = schema.TextLine(
        title=_("Archiving seal"), required=False, readonly=True
    )  # 归档章
    seal_stripped = schema.Bool(
        title=_("Seal digital data stripped"), default=False, required=False, readonly=True
    )  # 已去除签章数字信息
    strip_log = JSONField(
        title=_("Strip log"), schema=LIST_SCHEMA, default=[], required=False, readonly=True
    )
