"""到期档案清单 (#25): the due list of a fonds in Classic UI."""
