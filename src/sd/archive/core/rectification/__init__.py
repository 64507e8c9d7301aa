"""Rectification notices (整改通知, #26): the rules without Plone.

A supervisor (监督指导人员) issues a notice to an agency (机关, one fonds 全宗) citing figures and
records, with a deadline (整改期限); the agency's records officer (档案员) answers with what was
done; the supervisor closes (办结) or reopens (退回重新整改) it. :mod:`.rules` holds the checks of
each step and the overdue rule (逾期), pure and testable in milliseconds.
"""
