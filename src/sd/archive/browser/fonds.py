"""全宗 listing (全宗浏览): records of a fonds, filtered by year, category, state and text."""

from plone import api
from plone.batching import Batch
from Products.Five.browser import BrowserView

from sd.archive import _

FILTERS = ("archive_year", "category_code", "review_state", "retention_period")


class FondsView(BrowserView):
    """The records of one fonds, newest first, with filters."""

    page_size = 50

    def filters(self):
        return {name: self.request.form.get(name, "") for name in FILTERS + ("q",)}

    def query(self):
        query = {
            "portal_type": "Record",
            "path": "/".join(self.context.getPhysicalPath()),
            "sort_on": "archival_code",
        }
        for name, value in self.filters().items():
            if not value:
                continue
            if name == "q":
                query["SearchableText"] = value
            elif name == "archive_year":
                query[name] = int(value) if str(value).isdigit() else value
            else:
                query[name] = value
        return query

    def results(self):
        brains = api.content.find(**self.query())
        start = int(self.request.form.get("b_start", 0) or 0)
        return Batch(brains, self.page_size, start)

    def _facet(self, index):
        catalog = api.portal.get_tool("portal_catalog")
        values = catalog.uniqueValuesFor(index)
        return sorted(v for v in values if v not in (None, ""))

    def years(self):
        return self._facet("archive_year")

    def categories(self):
        return self._facet("category_code")

    def states(self):
        wf = api.portal.get_tool("portal_workflow")["sd_record_workflow"]
        return [(s.id, s.title) for s in wf.states.objectValues()]

    def state_title(self, state_id):
        wf = api.portal.get_tool("portal_workflow")["sd_record_workflow"]
        state = wf.states.get(state_id)
        return _(state.title) if state is not None else state_id
