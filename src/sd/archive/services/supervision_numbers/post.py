"""POST {fonds}/@number-gaps: the records officer records why 文号 are missing (登记发文断号).

Body ``{"series": "鲁某发〔2023〕", "numbers": [3], "reason": "void" | "withdrawn" | "kept",
"note": "…"}`` — the same shape as ``@series-gaps`` for 件号. 201 with the entries; a number
that is not missing, an unknown series or reason, or no note is a 422 and records nothing.
"""

from sd.archive.services.base import ArchiveService
from sd.archive.services.series_gaps.post import declare_from
from sd.archive.supervision import numbers


class NumberGapsPost(ArchiveService):
    def reply(self):
        return declare_from(self, numbers.declare, "@number-gaps")
