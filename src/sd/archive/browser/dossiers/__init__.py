"""案卷 pages (Classic UI of ``@volumes`` and ``@volume-records``)."""
