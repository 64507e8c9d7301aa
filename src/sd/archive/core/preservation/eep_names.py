"""Fixed names and texts of DA/T 48-2009 (基于XML的电子文件封装规范), in one place."""

from __future__ import annotations

NAMESPACE = "http://www.saac.gov.cn/standards/ERM/encapsulation"
EEP_VERSION = "2009"
ROOT = "电子文件封装包"
FORMAT_DESCRIPTION = (
    "本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成"
)
ORIGINAL = "原始型"
MODIFIED = "修改型"
PACKAGE_TYPE_DESCRIPTIONS = {
    ORIGINAL: "本封装包包含电子文件数据及其元数据，原始封装，未经修改",
    MODIFIED: (
        "本封装包包含电子文件数据及其元数据，系修改封装，在保留原封装包的基础上，添加了修改层"
    ),
}
SIGNED_OBJECT = "被签名对象"
SIGNATURE_RULE = "SM3(C14N 1.0(被签名对象))，对该摘要值签名"
ENCODING_DESCRIPTION = "Base64 (RFC 2045); SM3="
MAIN_ROLES = ("正本", "申请材料", "办理结果")
RELATION_TYPE = "sd.archive记录版本"
BUSINESS_STATUS = "历史行为"
