"""The one-way ferry (单向摆渡): ``GET @ferry`` status; ``POST @ferry-export`` (a domain node
writes its next bundle), ``POST @ferry-import`` (the LAN node imports its inbox),
``POST @ferry-receipt`` (a domain node reads in a receipt carried back)."""
