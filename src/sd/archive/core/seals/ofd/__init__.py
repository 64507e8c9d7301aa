"""OFD packages (版式文档, GB/T 33190-2016): reading and small edits with lxml + zipfile."""
