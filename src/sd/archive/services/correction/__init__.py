"""``POST {record}/@correct`` and ``@correct-code``: corrections of an archived record."""
