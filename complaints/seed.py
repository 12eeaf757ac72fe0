"""Default categories (two levels, English and Chinese), seeded by a data migration and
editable by head office afterwards."""

# (code, English, Chinese, [(code, English, Chinese, resolve within hours or None)])
CATEGORIES = [
    (
        "product-quality",
        "Product quality",
        "产品质量",
        [
            ("defective-on-arrival", "Defective on arrival", "到货即有缺陷", None),
            ("broke-in-use", "Broke during normal use", "正常使用中损坏", None),
            ("not-as-described", "Not as described", "与描述不符", None),
            ("safety-hazard", "Safety hazard", "安全隐患", 12),
            ("expired-or-spoiled", "Expired or spoiled", "过期或变质", 12),
        ],
    ),
    (
        "service-attitude",
        "Service attitude",
        "服务态度",
        [
            ("rude-staff", "Rude or dismissive staff", "员工态度粗鲁或敷衍", None),
            ("wrong-advice", "Wrong or misleading advice", "错误或误导性的建议", None),
            ("ignored", "Ignored or not helped", "被忽视或无人协助", None),
        ],
    ),
    (
        "waiting-delivery",
        "Waiting and delivery",
        "等待与配送",
        [
            ("long-queue", "Long wait in store", "店内等待时间过长", None),
            ("late-delivery", "Late delivery", "配送延误", None),
            ("damaged-in-delivery", "Damaged in delivery", "配送途中损坏", None),
            ("missed-appointment", "Missed appointment", "未按约定时间上门", None),
        ],
    ),
    (
        "price-billing",
        "Price and billing",
        "价格与账单",
        [
            ("overcharged", "Overcharged", "多收费用", None),
            ("promotion-not-applied", "Promotion not applied", "优惠未兑现", None),
            ("refund-delay", "Refund delayed", "退款延迟", None),
            ("invoice-error", "Invoice or receipt error", "发票或收据错误", None),
        ],
    ),
    (
        "after-sales",
        "After-sales and repair",
        "售后与维修",
        [
            ("repair-failed", "Repair did not fix the problem", "维修后问题依旧", None),
            ("repair-slow", "Repair took too long", "维修时间过长", None),
            ("warranty-refused", "Warranty claim refused", "保修被拒", None),
        ],
    ),
    (
        "environment-facilities",
        "Environment and facilities",
        "环境与设施",
        [
            ("cleanliness", "Cleanliness", "卫生状况", None),
            ("parking-access", "Parking and access", "停车与无障碍通道", None),
            ("noise-temperature", "Noise or temperature", "噪音或温度", None),
        ],
    ),
    (
        "other",
        "Other",
        "其他",
        [
            ("privacy", "Privacy and personal data", "隐私与个人信息", None),
            ("other-unspecified", "Other", "其他问题", None),
        ],
    ),
]


def seed_categories(apps, schema_editor=None) -> None:
    category_model = apps.get_model("complaints", "Category")
    for position, (code, name_en, name_zh, children) in enumerate(CATEGORIES):
        parent, _ = category_model.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_zh": name_zh, "position": position}
        )
        for child_position, (child_code, child_en, child_zh, hours) in enumerate(children):
            category_model.objects.update_or_create(
                code=child_code,
                defaults={
                    "parent": parent,
                    "name_en": child_en,
                    "name_zh": child_zh,
                    "position": child_position,
                    "resolve_within_hours": hours,
                },
            )
