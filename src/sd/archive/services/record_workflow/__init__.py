"""POST {record}/@workflow/{transition}: plone.restapi's, with the refusals of ``destroy`` in
the error shape (#25)."""
