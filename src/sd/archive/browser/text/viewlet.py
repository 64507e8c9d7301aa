"""文本提取 on the record page: 已提取 / 无法提取（原因）/ 等待中."""

from plone.app.layout.viewlets import ViewletBase

from sd.archive import _
from sd.archive.browser.times import BeijingTimeMixin
from sd.archive.text.store import text_status

STATUS_TITLES = {
    "extracted": _("Extracted"),  # 已提取
    "unavailable": _("Not available"),  # 无法提取
    "waiting": _("Waiting for extraction"),  # 等待中
}


def chinese_part(reason: str) -> str:
    """The Chinese half of a reason written ``中文 (English)``."""
    name, sep, rest = reason.partition(": ")
    text = rest if sep else reason
    head = text.split(" (", 1)[0].strip() or text
    return f"{name}: {head}" if sep else head


class TextStatusViewlet(BeijingTimeMixin, ViewletBase):
    def update(self):
        super().update()
        self.status = text_status(self.context)

    @property
    def available(self) -> bool:
        return self.status["status"] in STATUS_TITLES

    def title(self) -> str:
        return STATUS_TITLES.get(self.status["status"], "")

    def reasons(self) -> list[str]:
        return [chinese_part(r) for r in self.status["reasons"]]
