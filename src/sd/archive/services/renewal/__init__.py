"""``GET @renewal``: the evidence renewal runs (证据续期) with their progress; ``POST @renewal``
starts one over the holdings in the background (202 with the run id and ``Location``)."""
