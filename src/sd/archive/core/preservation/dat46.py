"""DA/T 46-2009 record-level elements as they nest inside an EEP 文件实体 (文书类电子文件元数据).

One place for the element names, their containers, their order and which are required.
Component-level elements (电子属性: 格式信息, 计算机文件名, 计算机文件大小) live per 编码.
"""

from __future__ import annotations

# (container or None, [leaf elements in order]); None = a direct child of 文件实体.
# 档号 is mixed content: its own text plus the part elements.
LAYOUT: list[tuple[str | None, list[str]]] = [
    (None, ["聚合层次"]),
    ("来源", ["档案馆名称", "档案馆代码", "全宗名称", "立档单位名称"]),
    (None, ["电子文件号"]),
    (
        "档号",
        [
            "全宗号",
            "目录号",
            "年度",
            "保管期限",
            "机构或问题",
            "类别号",
            "室编案卷号",
            "馆编案卷号",
            "室编件号",
            "馆编件号",
            "文档序号",
            "页号",
        ],
    ),
    (
        "内容描述",
        [
            "题名",
            "并列题名",
            "副题名",
            "说明题名文字",
            "主题词",
            "关键词",
            "人名",
            "摘要",
            "分类号",
            "文件编号",
            "责任者",
            "日期",
            "文种",
            "紧急程度",
            "主送",
            "抄送",
            "密级",
            "保密期限",
        ],
    ),
    ("形式特征", ["文件组合类型", "件数", "页数", "语种", "稿本"]),
    ("存储位置", ["当前位置", "脱机载体编号", "脱机载体存址", "缩微号"]),
    ("权限管理", ["知识产权说明", "授权对象", "授权行为", "控制标识"]),
    (None, ["附注"]),
]

REQUIRED = (
    "聚合层次",
    "立档单位名称",
    "电子文件号",
    "档号",
    "年度",
    "保管期限",
    "题名",
    "责任者",
    "日期",
    "密级",
    "文件组合类型",
)

#: leaf element → container (None for direct children of 文件实体)
CONTAINER_OF: dict[str, str | None] = {
    leaf: container for container, leaves in LAYOUT for leaf in leaves
}
CONTAINER_OF["档号"] = None
CONTAINERS = {c for c, _ in LAYOUT if c}
ELEMENTS = frozenset(CONTAINER_OF)

#: elements that may repeat; the reader always returns a list for them.
REPEATABLE = frozenset(
    {
        "主题词",
        "关键词",
        "人名",
        "主送",
        "抄送",
        "脱机载体编号",
        "脱机载体存址",
        "授权对象",
        "授权行为",
    }
)
