"""``{fonds}/@@retention-due``: records due for appraisal (到期档案清单).

Expired records and those expiring within ``within`` months (default 12), from catalog
metadata only (no record is woken); dates are calendar days in Beijing. The XLSX is the REST
``@retention-due?format=xlsx``. A bad ``within`` shows the refusal in words (400).
"""

from __future__ import annotations

import datetime

from Products.Five.browser import BrowserView

from sd.archive import retention
from sd.archive.core import retention as rules
from sd.archive.core.errors import ArchiveError

#: rows the page shows (a fonds of 100,000 records may have tens of thousands due: the XLSX
#: export holds the whole list; each row shown is a catalog metadata load, 100 keep the first
#: page under 1 s cold, #25)
PAGE_ROWS = 100


class RetentionDueView(BrowserView):
    def __call__(self):
        self.error = ""
        self.within = rules.DEFAULT_WITHIN
        self.rows = []
        try:
            self.within = rules.parse_within(self.request.form.get("within"))
        except ArchiveError as error:
            self.request.response.setStatus(400)
            self.error = error.problems[0].message
            return self.index()
        self.today = retention.today()
        self.total, rows = retention.due_page(
            self.context, self.within, on=self.today, size=PAGE_ROWS
        )
        self.rows = [dict(r, due_text=r["due"].isoformat() if r["due"] else "") for r in rows]
        return self.index()

    def today_text(self) -> str:
        return retention.today().isoformat()

    def xlsx_url(self) -> str:
        return f"{self.context.absolute_url()}/@retention-due?within={self.within}&format=xlsx"

    def expired_count(self) -> int:
        """Records whose due date is past (due on or before yesterday), counted by the catalog."""
        yesterday = self.today - datetime.timedelta(days=1)
        return retention.due_count(self.context, 0, on=yesterday)

    def truncated(self) -> bool:
        return self.total > len(self.rows)
