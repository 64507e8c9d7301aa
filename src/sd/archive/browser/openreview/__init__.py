"""Pages of the open-access review (开放审核, #25)."""
