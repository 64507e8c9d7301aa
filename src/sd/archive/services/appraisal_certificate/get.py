"""GET {batch}/@appraisal-certificate: the destruction certificate (销毁证明, PDF) of an
executed batch; before the execution ends, 409 in the error shape."""

from sd.archive.appraisal import batches
from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import State
from sd.archive.core.appraisal.batch import refuse
from sd.archive.services.appraisal_register.get import send
from sd.archive.services.base import ArchiveService


class AppraisalCertificateGet(ArchiveService):
    def render(self):
        found = getattr(self.context, "certificate_file", None)
        if found is None:
            return super().render()
        name = f"certificate-{self.context.getId()}.pdf"
        return send(self.request, found.data, "application/pdf", name)

    def reply(self):
        rules.check_state(batches.batch_state(self.context), [State.EXECUTED], self.context.getId())
        raise refuse(409, "APPRAISAL-NO-CERTIFICATE", "销毁证明尚未生成 / none yet")
