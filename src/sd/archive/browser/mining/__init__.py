"""Pages of the mining suggestions (#28): a record's suggestions, the fonds' acceptance page
(采纳情况) with its model, and the fonds' thesaurus (主题词表)."""
