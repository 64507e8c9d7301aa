"""档案利用 (access to records): requests, approval, watermarked copies, the register of use.

The rules are in ``sd.archive.core.access``; this package stores requests (``requests``),
makes the copies (``copies``), keeps the register of use (``register``) and lets anonymous
visitors read open records of the fonds that allow it (``public``).
"""

#: the site's folder of access requests (利用申请)
FOLDER_ID = "access-requests"
REQUEST_ACCESS = "sd.archive: Request access"
DECIDE = "sd.archive: Decide access requests"
VIEW_REGISTER = "sd.archive: View use register"
MANAGE_PUBLIC_READING = "sd.archive: Manage public reading"
