"""The workbench (工作台): the site's front page, one per role."""
