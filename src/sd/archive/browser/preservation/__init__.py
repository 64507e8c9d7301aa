"""Classic UI of long-term preservation (长期保存): overview, fixity runs, alarms, record
viewlet."""
