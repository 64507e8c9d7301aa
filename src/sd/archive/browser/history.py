"""A record's history page (档案历史): ``@@history`` of a record."""

from Products.Five.browser import BrowserView
from zope.component import getMultiAdapter


class RecordHistoryView(BrowserView):
    """The record's workflow history with its comments, as plone.app.layout's content
    history page lists it.

    Records are not versioned by CMFEditions: what changed in a record is evidenced by the
    ledger, the workflow history and the correction log (著录更正). CMFEditions' own
    ``@@history`` compares stored versions, found none and failed (500); for a record it is
    this page instead, for whoever may View the record (the records officer too): the same
    history ``@@contenthistory`` already shows them.
    """

    def __call__(self):
        return getMultiAdapter((self.context, self.request), name="historyview")()
