"""Supervision pages (监督指导): the dashboard of every agency and one agency's figures."""
