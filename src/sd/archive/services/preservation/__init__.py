"""``GET @preservation``: storage locations, the after-archiving queue and open alarms."""
