"""签章一览 viewlet on the record page: each signature/seal, its verdict, reasons and picture."""

from plone import api
from plone.app.layout.viewlets import ViewletBase

from sd.archive import _
from sd.archive.browser.times import BeijingTimeMixin
from sd.archive.seals.stripping import PERMISSION
from sd.archive.seals.summary import record_seals

STATUS_TITLES = {
    "valid": _("Valid"),  # 有效
    "invalid": _("Invalid"),  # 无效
    "unverifiable": _("Unverifiable"),  # 无法验证
    "unsigned": _("Unsigned"),  # 未签章
}
KIND_TITLES = {
    "seal": _("Electronic seal"),  # 电子签章
    "sign": _("Electronic signature"),  # 电子签名
    "stamp": _("Seal image without signature"),  # 无签名的印章图像
    "file": _("File"),
}


class SealsViewlet(BeijingTimeMixin, ViewletBase):
    def update(self):
        super().update()
        self.components = [
            c
            for c in record_seals(self.context)
            if c["verdicts"] or c["seal_stripped"] or c["archiving_seal"]
        ]
        self.can_strip = bool(api.user.has_permission(PERMISSION, obj=self.context))

    def status_title(self, status):
        return STATUS_TITLES.get(status, status)

    def kind_title(self, kind):
        return KIND_TITLES.get(kind, kind)

    def strip_url(self, component):
        return (
            f"{self.context.absolute_url()}/@@strip-seal?form.widgets.component={component['UID']}"
        )

    def strippable(self, component):
        return self.can_strip and any(v["id"] for v in component["verdicts"])
