"""REST of the open-access review (开放审核批次, #25): ``@openreview-batches``."""
