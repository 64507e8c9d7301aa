"""Supervision metrics (监督指导指标, #26): pure Python, no Zope imports.

- :mod:`.docnumbers` — 文号 series (鲁某发〔2023〕1…N) and their gaps (发文断号);
- :mod:`.timeliness` — deadlines for archiving (归档时限) and days late;
- :mod:`.facts` — what one record contributes to the per-agency counters (一件档案的指标事实);
- :mod:`.figures` — the figures of one agency and year from those counters (指标计算);
- :mod:`.declared` — counts declared by business systems (业务系统申报数), validated;
- :mod:`.charts` — server-rendered SVG charts (服务端绘制的 SVG 图表).
"""
