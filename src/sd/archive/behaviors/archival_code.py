"""档号 (archival code): its parts and the rendered code, frozen once assigned.

The rules (grammars, rendering, parsing) live in ``sd.archive.core.codes``; this behavior only
stores the parts and the rendered string. Assignment and changes go through
``sd.archive.numbering`` which audits them.
"""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from zope import schema
from zope.interface import provider

from sd.archive import _


@provider(IFormFieldProvider)
class IArchivalCode(model.Schema):
    """档号 behavior."""

    model.fieldset(
        "archival_code",
        label=_("Archival code"),
        fields=[
            "archival_code",
            "fonds_code",
            "category_code",
            "year",
            "org_code",
            "volume_number",
            "item_number",
            "code_frozen",
        ],
    )
    directives.mode(archival_code="display")
    archival_code = schema.TextLine(title=_("Archival code"), required=False, readonly=True)  # 档号
    fonds_code = schema.ASCIILine(title=_("Fonds code"), required=False)  # 全宗号
    category_code = schema.TextLine(title=_("Category code"), required=False)  # 门类代码
    year = schema.Int(title=_("Year"), required=False, min=1900, max=2999)  # 年度
    org_code = schema.TextLine(
        title=_("Organisation or problem code"), required=False
    )  # 机构或问题
    volume_number = schema.TextLine(title=_("Volume number"), required=False)  # 案卷号
    directives.mode(item_number="display")
    item_number = schema.Int(title=_("Item number"), required=False, min=1, readonly=True)  # 件号
    directives.mode(code_frozen="display")
    code_frozen = schema.Bool(title=_("Code frozen"), default=False, required=False, readonly=True)
