"""The one-way ferry between a domain node and the archives LAN (单向摆渡), Plone side.

The rules and formats are :mod:`sd.archive.core.ferry`. Here:

- :mod:`.outbox` on a domain node: every AIP version not sent yet goes into the next bundle in
  ``var/preservation/ferry/outbox`` (signed with the node's ledger key); what was sent stays
  *unconfirmed* until the LAN node's receipt, carried back by hand, is read in;
- :mod:`.inbox` on the LAN node: every bundle in ``var/preservation/ferry/inbox`` is checked
  and imported into the node's storage locations, digest index and ledger (``receive``
  entries), and answered with a receipt in ``var/preservation/ferry/receipts``.

The sender and the LAN node know each other as admitted ledger nodes (``@ledger/nodes``): the
LAN node trusts a bundle only from a node it admitted, the sender a receipt only from one.
"""
