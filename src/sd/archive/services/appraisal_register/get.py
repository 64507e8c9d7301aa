"""GET {batch}/@appraisal-register?format=xlsx|pdf: the destruction register (销毁清册: 档号,
题名, 年度, 保管期限, 页数/大小, 销毁理由) of the records the group decided to destroy; a
batch still collecting opinions has none yet (409 in the error shape)."""

from sd.archive.appraisal import batches
from sd.archive.appraisal import certificate
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import State
from sd.archive.core.appraisal.batch import refuse
from sd.archive.services.base import ArchiveService

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(request, data: bytes, content_type: str, name: str) -> bytes:
    response = request.response
    response.setHeader("Content-Type", content_type)
    response.setHeader("Content-Disposition", f"attachment; filename*=UTF-8''{name}")
    return data


class AppraisalRegisterGet(ArchiveService):
    def render(self):
        fmt = self.request.form.get("format") or "xlsx"
        state = batches.batch_state(self.context)
        if fmt not in ("xlsx", "pdf") or state in (State.OPINIONS, State.REJECTED):
            return super().render()  # the error shape, from reply
        data = certificate.register_file(self.context, fmt)
        kind = XLSX if fmt == "xlsx" else "application/pdf"
        return send(self.request, data, kind, f"register-{self.context.getId()}.{fmt}")

    def reply(self):
        fmt = self.request.form.get("format") or "xlsx"
        if fmt not in ("xlsx", "pdf"):
            raise refuse(400, "APPRAISAL-FORMAT", "format: xlsx or pdf", fmt, "format")
        rules.check_state(
            batches.batch_state(self.context),
            [State.SUBMITTED, State.APPROVED, State.EXECUTING, State.EXECUTED],
            self.context.getId(),
        )
