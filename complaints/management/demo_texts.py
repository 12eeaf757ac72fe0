"""What the demo complaints say, in English and Chinese: products, customers' accounts and
wishes per category, staff notes, and the names of people. Data only; see load_demo."""

from __future__ import annotations

# (name_en, name_zh, sku, price in CNY)
PRODUCTS = [
    ("Electric kettle 1.7 L", "电热水壶 1.7升", "KT-1700", 199),
    ("Rice cooker 4 L", "电饭煲 4升", "RC-400", 599),
    ("Air purifier AP-300", "空气净化器 AP-300", "AP-300", 2499),
    ("Robot vacuum V8", "扫地机器人 V8", "RV-V8", 3299),
    ("Smartphone X12 128 GB", "智能手机 X12 128GB", "PH-X12-128", 4999),
    ("Wireless earbuds Pro", "无线耳机 Pro", "EB-200", 899),
    ('55" 4K television', "55英寸4K电视", "TV-55U", 6999),
    ("High-speed blender", "破壁料理机", "BL-900", 799),
    ("Hair dryer 1800 W", "吹风机 1800W", "HD-1800", 399),
    ("Microwave oven 23 L", "微波炉 23升", "MW-23", 699),
    ('Laptop 14" Pro', "14英寸笔记本电脑 Pro", "NB-14P", 7999),
    ("Front-load washer 10 kg", "滚筒洗衣机 10公斤", "WM-10F", 3999),
    ("Water filter cartridge", "净水器滤芯", "WF-C2", 169),
]
# A product batch with a real problem: enough complaints in 30 days to be flagged as a cluster.
CLUSTER_SKU = "RV-V8-BK"
CLUSTER_BATCH = "RV2610-9"

# Per leaf category: accounts as (English account, English wish, Chinese account, Chinese wish).
# "{p}" is the product's name in the account's language.
ACCOUNTS: dict[str, list[tuple[str, str, str, str]]] = {
    "defective-on-arrival": [
        (
            "I opened the box at home and the {p} would not switch on at all. I tried two "
            "different sockets.",
            "An exchange for a working one today.",
            "回家打开包装后，{p}完全无法开机，我换了两个插座都不行。",
            "今天给我换一台能用的。",
        ),
        (
            "The {p} arrived with a cracked casing and a loud rattle inside. It was sealed, so "
            "it must have left the factory like this.",
            "A full refund, I don't want the same model again.",
            "{p}外壳有裂纹，里面还有明显的异响。包装是密封的，应该是出厂就有问题。",
            "全额退款，不想再要同款了。",
        ),
        (
            "Screen of the {p} has a line of dead pixels from the first minute. The sales "
            "assistant said it would be checked before delivery.",
            "Replace it and check the new one in front of me.",
            "{p}屏幕一开机就有一排坏点。销售说过送货前会检查的。",
            "换新，并当面检查新机。",
        ),
    ],
    "broke-in-use": [
        (
            "After three weeks of normal use the {p} stopped heating. I only used it as the "
            "manual says.",
            "Repair or replace it free of charge.",
            "正常使用三周后，{p}就不加热了。我都是按说明书使用的。",
            "免费维修或更换。",
        ),
        (
            "The button on the {p} broke off the second time I pressed it. This is poor "
            "quality for the price.",
            "A new unit and an apology.",
            "{p}的按键第二次按就掉了，这个价格的产品质量太差。",
            "换一台新的，并道歉。",
        ),
    ],
    "not-as-described": [
        (
            "The {p} is much louder than the 45 dB printed on the shelf label. My child cannot "
            "sleep with it on.",
            "Take it back and refund me.",
            "{p}的噪音远大于货架标签上写的45分贝，孩子开着根本睡不着。",
            "退货退款。",
        ),
        (
            "The website said the {p} comes with a spare filter and a remote, neither was in "
            "the box.",
            "Send the missing parts.",
            "官网写着{p}附带备用滤网和遥控器，但盒子里都没有。",
            "补发缺少的配件。",
        ),
    ],
    "safety-hazard": [
        (
            "The battery of the {p} became very hot while charging and the room smelled of "
            "burning plastic. I unplugged it immediately.",
            "I want this investigated and my money back. Other customers must be warned.",
            "{p}充电时电池非常烫，房间里有烧塑料的味道，我马上拔了电源。",
            "要求调查并退款，也应该提醒其他顾客。",
        ),
        (
            "Sparks came out of the plug of the {p} when I switched it on. Nobody was hurt but "
            "my wife was very frightened.",
            "A refund and a written explanation.",
            "{p}开机时插头冒火花。没人受伤，但我太太吓坏了。",
            "退款并给出书面说明。",
        ),
    ],
    "expired-or-spoiled": [
        (
            "The {p} I bought last week is past its use-by date printed on the seal.",
            "A fresh one and a check of the shelf.",
            "上周买的{p}，密封袋上印的有效期已经过了。",
            "换一个新的，并检查货架上的库存。",
        ),
    ],
    "rude-staff": [
        (
            "When I asked about the {p} warranty the staff member rolled his eyes and told me "
            "to read the leaflet myself.",
            "An apology from the store.",
            "我咨询{p}保修时，店员翻白眼，让我自己看说明。",
            "门店向我道歉。",
        ),
        (
            "The cashier shouted at my elderly mother because she was slow with the payment "
            "code. Very disrespectful.",
            "The manager should talk to that cashier and apologise to my mother.",
            "收银员因为我母亲扫付款码慢就对她大声吼，非常不尊重人。",
            "店长应该找这位收银员谈话，并向我母亲道歉。",
        ),
    ],
    "wrong-advice": [
        (
            "The salesperson assured me the {p} works with my old model. It does not, and now "
            "I am told the box is opened.",
            "Let me return it even though the box is opened.",
            "销售保证{p}兼容我的旧型号，结果并不兼容，现在又说包装已拆不能退。",
            "虽然已拆封，也要让我退货。",
        ),
    ],
    "ignored": [
        (
            "I waited at the service desk for 20 minutes while three staff members chatted "
            "behind it. Nobody asked what I needed.",
            "Better service next time; an apology.",
            "我在服务台等了20分钟，三个店员在后面聊天，没有人问我需要什么。",
            "希望改进服务，并道歉。",
        ),
    ],
    "long-queue": [
        (
            "Only one checkout was open on Saturday afternoon and I queued for 45 minutes with "
            "a {p} in my hands.",
            "Open more checkouts at weekends.",
            "周六下午只开了一个收银台，我拿着{p}排了45分钟。",
            "周末多开几个收银台。",
        ),
    ],
    "late-delivery": [
        (
            "Delivery of my {p} was promised for the 12th. It is now five days later and the "
            "tracking has not moved.",
            "Deliver it this week or cancel and refund.",
            "{p}承诺12号送到，现在已经晚了五天，物流信息一直没更新。",
            "本周内送到，否则取消订单退款。",
        ),
        (
            "I took a day off to receive the {p} and nobody came. Customer service only says "
            "'please wait'.",
            "Compensation for the lost day and a fixed delivery time.",
            "我请了一天假等{p}送货，结果没人来，客服只会说“请耐心等待”。",
            "赔偿误工，并确定送货时间。",
        ),
    ],
    "damaged-in-delivery": [
        (
            "The courier left the {p} outside my door and the box was crushed. The product "
            "inside is dented.",
            "Exchange it and make the courier sign for deliveries.",
            "快递把{p}放在门口，箱子被压扁，里面的产品也有凹痕。",
            "换货，并要求快递员当面签收。",
        ),
    ],
    "missed-appointment": [
        (
            "The installer for the {p} did not come at the booked time and did not call.",
            "A new appointment that is kept, and something for my trouble.",
            "{p}的安装师傅没有按预约时间上门，也没有打电话说明。",
            "重新预约并按时上门，再给些补偿。",
        ),
    ],
    "overcharged": [
        (
            "I was charged 200 yuan more for the {p} than the price on the shelf tag.",
            "Refund the difference.",
            "{p}结账时比价签上的价格多收了200元。",
            "退还差价。",
        ),
    ],
    "promotion-not-applied": [
        (
            "The Singles' Day discount on the {p} was not applied at checkout although the "
            "poster was still up.",
            "Apply the discount and refund the difference.",
            "双十一的{p}优惠结账时没有生效，但海报还贴着。",
            "按优惠价格退还差价。",
        ),
        (
            "My member coupon for the {p} was refused by the cashier without explanation.",
            "Honour the coupon.",
            "收银员没有任何解释就拒绝了我{p}的会员优惠券。",
            "兑现优惠券。",
        ),
    ],
    "refund-delay": [
        (
            "I returned the {p} three weeks ago and was told the refund would take 7 days. "
            "Nothing has arrived.",
            "The refund paid now.",
            "三周前退了{p}，说7天到账，到现在还没收到。",
            "马上退款。",
        ),
    ],
    "invoice-error": [
        (
            "The VAT invoice for the {p} has my company's tax number wrong, so finance cannot "
            "reimburse me.",
            "A corrected invoice.",
            "{p}的增值税发票上公司税号错了，财务无法报销。",
            "重开正确的发票。",
        ),
    ],
    "repair-failed": [
        (
            "The {p} came back from repair with exactly the same fault. This is the second repair.",
            "A replacement, not a third repair.",
            "{p}维修回来还是同样的故障，这已经是第二次修了。",
            "直接换新，不要第三次维修。",
        ),
    ],
    "repair-slow": [
        (
            "My {p} has been at the repair centre for a month. Every time I call they say "
            "the part is on its way.",
            "A loan unit and a firm date.",
            "我的{p}在维修中心放了一个月了，每次打电话都说配件在路上。",
            "提供备用机并给出确定日期。",
        ),
    ],
    "warranty-refused": [
        (
            "The warranty claim for my {p} was refused as 'user damage' without anyone "
            "looking at it properly.",
            "A proper inspection and repair under warranty.",
            "{p}的保修申请被以“人为损坏”为由拒绝，根本没有认真检测。",
            "认真检测并按保修维修。",
        ),
    ],
    "cleanliness": [
        (
            "The customer toilets on the second floor were dirty and had no soap all afternoon.",
            "Clean them properly and regularly.",
            "二楼顾客洗手间整个下午都很脏，也没有洗手液。",
            "认真并定期打扫。",
        ),
    ],
    "parking-access": [
        (
            "The lift to the car park was out of order and I had to carry the {p} down three "
            "floors.",
            "Fix the lift and help customers with heavy items.",
            "去停车场的电梯坏了，我只能抱着{p}走下三层楼。",
            "修好电梯，并帮顾客搬运大件商品。",
        ),
    ],
    "noise-temperature": [
        (
            "The air conditioning in the store was off and it was over 30 degrees inside.",
            "Keep the store cool in summer.",
            "店里空调没开，室内超过30度。",
            "夏天请保持店内凉爽。",
        ),
    ],
    "privacy": [
        (
            "I received marketing calls about the {p} from a company I never gave my number "
            "to, the day after buying it here.",
            "Tell me who has my data and delete it.",
            "在这里买了{p}的第二天，就接到一家陌生公司的推销电话，我从没给过他们号码。",
            "告诉我谁拿了我的信息，并删除它。",
        ),
    ],
    "other-unspecified": [
        (
            "The opening hours on your website are wrong; I came at 9:00 and the store opened "
            "at 10:00.",
            "Correct the website.",
            "官网上的营业时间不对，我9点来的，门店10点才开。",
            "更正官网信息。",
        ),
    ],
}

# How often each leaf category occurs (a Pareto: a few categories carry most complaints).
CATEGORY_WEIGHTS = {
    "defective-on-arrival": 14,
    "broke-in-use": 12,
    "late-delivery": 9,
    "rude-staff": 7,
    "not-as-described": 6,
    "long-queue": 6,
    "promotion-not-applied": 6,
    "wrong-advice": 5,
    "damaged-in-delivery": 5,
    "repair-failed": 5,
    "ignored": 4,
    "missed-appointment": 4,
    "overcharged": 4,
    "refund-delay": 4,
    "repair-slow": 4,
    "warranty-refused": 3,
    "safety-hazard": 2,
    "invoice-error": 2,
    "other-unspecified": 2,
    "expired-or-spoiled": 1,
    "cleanliness": 1,
    "parking-access": 1,
    "noise-temperature": 1,
    "privacy": 1,
}

# Per top-level category: the department usually responsible, and what the store offers:
# (resolution type, amount rule) where the rule is "price", a fixed amount, or (low, high).
DEPARTMENTS = {
    "product-quality": "product",
    "service-attitude": "customer_service",
    "waiting-delivery": "logistics",
    "price-billing": "finance",
    "after-sales": "after_sales",
    "environment-facilities": "facilities",
    "other": "other",
}
OFFERS = {
    "product-quality": [("exchange", "price"), ("refund", "price"), ("repair", 0)],
    "service-attitude": [("apology", 0), ("gift", (50, 150)), ("discount", (50, 200))],
    "waiting-delivery": [("discount", (50, 200)), ("compensation", (100, 600)), ("apology", 0)],
    "price-billing": [("refund", (50, 300)), ("compensation", (50, 200))],
    "after-sales": [
        ("repair", 0),
        ("reservice", 0),
        ("exchange", "price"),
        ("compensation", (200, 800)),
    ],
    "environment-facilities": [("apology", 0), ("gift", (30, 100))],
    "other": [("apology", 0)],
}
OFFER_TEXT = {
    "refund": (
        "Refund of the purchase price to the original payment method.",
        "按原支付方式退还货款。",
    ),
    "exchange": (
        "Exchange for a new unit, checked in front of the customer.",
        "更换新机，并当面检测。",
    ),
    "repair": ("Free repair with priority at the service centre.", "服务中心优先免费维修。"),
    "compensation": ("Compensation payment for the trouble caused.", "就造成的不便给予补偿。"),
    "gift": ("A gift card with our apologies.", "赠送礼品卡，以表歉意。"),
    "discount": ("A coupon for the next purchase.", "赠送下次购物优惠券。"),
    "reservice": (
        "A free re-service visit by a senior technician.",
        "由资深技师免费上门重新服务。",
    ),
    "apology": ("A personal apology from the store manager.", "由店长亲自致歉。"),
}
ROOT_CAUSES = {
    "product-quality": (
        "Faulty unit from the supplier; batch reported to quality.",
        "供应商来货不良，已上报质量部门。",
    ),
    "service-attitude": (
        "Staff member did not follow the service standard; coached.",
        "员工未遵守服务规范，已进行辅导。",
    ),
    "waiting-delivery": (
        "Courier capacity too low during the promotion peak.",
        "促销高峰期配送运力不足。",
    ),
    "price-billing": (
        "Price tag not updated after the promotion ended.",
        "促销结束后价签未及时更新。",
    ),
    "after-sales": ("Spare part shortage at the service centre.", "服务中心备件短缺。"),
    "environment-facilities": ("Cleaning rota not followed on weekends.", "周末未按排班表清洁。"),
    "other": ("Website information out of date.", "官网信息未及时更新。"),
}

# What staff write on the timeline, in English and Chinese.
NOTES = [
    (
        "Called the customer, apologised and explained the next steps.",
        "已致电顾客致歉，并说明后续处理步骤。",
    ),
    (
        "Checked the unit with the customer at the counter; the fault is confirmed.",
        "已在柜台与顾客一起检测，确认故障。",
    ),
    ("Asked the warehouse whether a replacement is in stock.", "已向仓库确认是否有货可换。"),
    (
        "Customer was upset at first but calmed down after we listened.",
        "顾客一开始很生气，耐心倾听后情绪平复。",
    ),
    ("Sent photos of the damage to the supplier.", "已将损坏照片发给供应商。"),
    (
        "Spoke to the staff member involved; their account matches the customer's.",
        "已与相关员工沟通，其陈述与顾客一致。",
    ),
]
CALLS = [
    ("Phoned the customer: no answer, left a message.", "致电顾客未接通，已留言。"),
    ("Phoned the customer to confirm the appointment.", "已致电顾客确认预约时间。"),
]
ESCALATION_REASONS = [
    (
        "Customer threatens to go to the media; needs a senior decision.",
        "顾客表示要找媒体，需要上级决定。",
    ),
    (
        "Safety issue: head office quality must look at the whole batch.",
        "涉及安全问题，需总部质量部门排查整批产品。",
    ),
    (
        "Amount and complexity beyond the store; passing to the region.",
        "金额和复杂程度超出门店处理范围，上报区域。",
    ),
]
UNFOUNDED_REASONS = [
    ("The receipt shows the product was bought elsewhere.", "小票显示商品并非在本店购买。"),
    ("Inspection found the unit working as specified.", "检测结果显示产品功能正常，符合规格。"),
]
MALICIOUS_REASONS = [
    (
        "Same claim filed at three stores with edited photos; asks for cash only.",
        "同一投诉在三家门店提交，照片经过修改，只要求现金赔偿。",
    ),
]
WITHDRAW_REASONS = [
    (
        "Customer found the missing part in the packaging and withdrew the complaint.",
        "顾客在包装里找到了缺少的配件，撤回投诉。",
    ),
    (
        "Customer says the problem went away and does not want to pursue it.",
        "顾客表示问题已自行消失，不再追究。",
    ),
]
REJECT_REASONS = [
    ("Too much for this case; offer an exchange first.", "此情况补偿过高，请先提供换货方案。"),
    ("Please check the warranty terms before offering cash.", "提供现金补偿前请先核对保修条款。"),
]
DECLINE_REASONS = [
    ("Customer does not want a repair, only a refund.", "顾客不接受维修，只要求退款。"),
    ("Customer finds the coupon too small.", "顾客认为优惠券金额太少。"),
]
REOPEN_REASONS = [
    (
        "Customer called back: the same fault came back after a week.",
        "顾客回电：一周后同样的故障又出现了。",
    ),
    (
        "Follow-up call: the customer is not satisfied with the outcome.",
        "回访时顾客对处理结果不满意。",
    ),
]
CLOSE_NOTES = [
    ("Follow-up call: customer satisfied.", "回访：顾客满意。"),
    ("No answer to the survey or the callback; closed.", "问卷及回访均无回复，结案。"),
]
COMMITMENTS = [
    ("Call the customer back with the warehouse's answer.", "将仓库的答复回电告知顾客。"),
    ("Deliver the replacement to the customer's home.", "将换货送到顾客家中。"),
    ("Confirm the technician's visit time by phone.", "电话确认技师上门时间。"),
]

# People: (hanzi, pinyin) for Chinese names; plain strings for English names.
CN_SURNAMES = [
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("何", "He"),
    ("林", "Lin"),
]
CN_GIVEN = [
    ("芳", "fang"),
    ("伟", "wei"),
    ("娜", "na"),
    ("秀英", "xiuying"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("欣怡", "xinyi"),
    ("子涵", "zihan"),
    ("浩然", "haoran"),
    ("雨桐", "yutong"),
]
EN_FIRST = [
    "Emma",
    "Oliver",
    "Sophie",
    "James",
    "Lucas",
    "Mia",
    "Daniel",
    "Hannah",
    "Thomas",
    "Chloe",
    "Michael",
    "Laura",
    "David",
    "Anna",
    "Ryan",
    "Grace",
    "Pierre",
    "Julia",
]
EN_LAST = [
    "Smith",
    "Brown",
    "Miller",
    "Wilson",
    "Taylor",
    "Anderson",
    "Martin",
    "Schmidt",
    "Dubois",
    "Rossi",
    "Johnson",
    "Clarke",
    "Walker",
    "Novak",
    "Jensen",
    "Moreau",
]
SH_STREETS = ["南京东路", "淮海中路", "长乐路", "武康路", "徐家汇路", "世纪大道"]
BJ_STREETS = ["王府井大街", "东长安街", "建国门外大街", "朝阳北路", "西单北大街", "三里屯路"]
