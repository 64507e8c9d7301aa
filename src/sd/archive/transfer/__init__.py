"""移交接收 (transfer and receipt): the Plone side of DA/T 93 transfer packages.

- :mod:`.batch` — a transfer batch's state: per-record results, cursor, manual items;
- :mod:`.spool` — where incoming packages wait on disk (never in the ZODB);
- :mod:`.incoming` — ``POST @transfer``: read, package-level checks, then record by record:
  transfer-stage detection (YJ items), the sender's ledger, store, ``receive``; one commit
  per record so that a bad record never rolls back the good ones and a crash resumes;
- :mod:`.worker` — the background thread (own ZODB connection) for big batches, and resume;
- :mod:`.outgoing` — the records room: eligible records, the DA/T 93 package, ``transfer``;
- :mod:`.sender` — a record checked against the sender node's ledger (proof bundles);
- :mod:`.receipt` — the two-sided receipt (signed note: sender + archives, both proofs);
- :mod:`.form` — 电子档案移交与接收登记表 (GB/T 18894 表A.2) as PDF and XML;
- :mod:`.holdings` — holdings and ledger agree (the check command).
"""
