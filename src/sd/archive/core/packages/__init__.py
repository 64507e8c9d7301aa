"""Package reading (信息包读取): safe ZIP, safe XML, 元数据.xml, manifests, EEP, transfer packages.

Pure Python. The Plone side calls :func:`sd.archive.core.packages.reader.read_package` on a
spooled temporary file and gets a :class:`~sd.archive.core.packages.model.Package` (or a
transfer package). The model sits below the reader, the EEP reader and the transfer
package, which share the entry streaming of :mod:`.streaming`.
"""
