"""POST {batch}/@appraisal-execute ``{"supervisors": ["张三", "李四"], "chunk": 200}``: execute
an approved batch (销毁执行) with two distinct supervisors (监销人). Chunks are committed as
they are done, so a request that dies leaves a batch that goes on when posted again (the
supervisors then are those named first). 200 with the progress and the certificate's UID.
Without both supervisors or the same person twice (422), a batch executed already (409), a
user who may not dispose (403): the error shape, nothing changed."""

import transaction
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.appraisal import batches
from sd.archive.appraisal import execution
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class AppraisalExecutePost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        chunk = body.get("chunk")
        chunk = chunk if isinstance(chunk, int) and 1 <= chunk <= 5000 else execution.DEFAULT_CHUNK
        # a batch still waiting is checked whole first (nothing committed when refused)
        if batches.batch_state(self.context).value == "approved":
            execution.check_executor(self.context)
            execution.start(self.context, body.get("supervisors"))
        return {
            **batches.summary(self.context),
            "execution": execution.execute(self.context, chunk=chunk, commit=transaction.commit),
        }
