"""Default response scripts (SPEC.md "Response script"), in English and Simplified Chinese, for
every default category of `complaints.seed`: what to say first, and the closing message in four
parts (apologise again; thank for the trust; thank for showing us our shortcoming; say what we
will improve). A leaf shares its parent's first three closing parts and has its own opening and
improvement. Seeded once by a data migration; head office edits them in the admin afterwards.
"""

from __future__ import annotations

# parent code -> language -> (opening, apology, thanks for trust, thanks for feedback, improvement)
PARENTS: dict[str, dict[str, tuple[str, str, str, str, str]]] = {
    "product-quality": {
        "en": (
            "I'm sorry the product didn't live up to what you expected. May I see it and your "
            "receipt? Let me understand what happened, and we will find the best way to put "
            "it right for you.",
            "Once again, we are truly sorry that the product let you down.",
            "Thank you for choosing us, and for giving us the chance to put this right.",
            "Thank you for telling us about this problem: it helps us protect other customers "
            "from the same disappointment.",
            "We will pass the details to our quality team and the supplier, so that the cause "
            "is found and fixed.",
        ),
        "zh-hans": (
            "很抱歉商品没能达到您的期望。能否让我看一下商品和购物凭证？请让我了解一下情况，"
            "我们一定会找到最好的解决办法。",
            "再次为商品给您带来的不便向您诚恳道歉。",
            "感谢您选择我们，也感谢您给我们弥补的机会。",
            "感谢您把这个问题告诉我们，这能帮助我们让其他顾客免受同样的困扰。",
            "我们会把详细情况反馈给质量部门和供应商，查明原因并加以改进。",
        ),
    },
    "service-attitude": {
        "en": (
            "I'm sorry you were not treated the way you deserve. Please tell me what happened; "
            "I'm listening, and I will make sure it is dealt with.",
            "Once again, please accept our apology for the way you were treated.",
            "Thank you for still giving us your trust after this experience.",
            "Thank you for telling us so honestly: it shows us where our service falls short.",
            "We will share what happened with the team and coach our staff, so that every "
            "customer is treated with respect.",
        ),
        "zh-hans": (
            "很抱歉您没有得到应有的对待。请告诉我发生了什么，我在认真听，一定会妥善处理。",
            "对于您受到的接待，我们再次郑重向您道歉。",
            "经历了这样的事情，您仍然愿意信任我们，我们非常感谢。",
            "感谢您坦诚相告，让我们看到了服务中的不足。",
            "我们会与团队分享这件事，并加强员工培训，让每一位顾客都受到尊重。",
        ),
    },
    "waiting-delivery": {
        "en": (
            "I'm sorry for the wait: your time matters to us. Let me find out exactly where "
            "things stand and tell you honestly when it will be done.",
            "Once again, we apologise for the time this has cost you.",
            "Thank you for your patience, and for continuing to shop with us.",
            "Thank you for letting us know: it shows us where our timing lets customers down.",
            "We will find out where the delay came from and fix the step that caused it.",
        ),
        "zh-hans": (
            "很抱歉让您久等了，您的时间对我们很重要。我马上查清目前的进展，如实告诉您什么时候能完成。",
            "耽误了您宝贵的时间，我们再次向您致歉。",
            "感谢您的耐心，也感谢您一直以来对我们的支持。",
            "感谢您告诉我们，这让我们看到了在时效方面让顾客失望的地方。",
            "我们会查明延误发生在哪个环节，并改进相应的流程。",
        ),
    },
    "price-billing": {
        "en": (
            "I'm sorry there's a problem with what you were charged. Let me look at your "
            "receipt with you and put it right.",
            "Once again, we are sorry for the mistake with your money.",
            "Thank you for trusting us to put it right.",
            "Thank you for checking so carefully and pointing it out to us.",
            "We will check our prices and billing, so that every customer is charged "
            "correctly every time.",
        ),
        "zh-hans": (
            "很抱歉收费方面出了问题。请让我和您一起核对购物凭证，并为您更正。",
            "在费用上出现差错，我们再次向您致歉。",
            "感谢您信任我们能够妥善纠正。",
            "感谢您仔细核对并向我们指出问题。",
            "我们会核查价格和结算流程，确保每一位顾客每一次都被正确收费。",
        ),
    },
    "after-sales": {
        "en": (
            "I'm sorry you are still having trouble after coming to us for help. Let me look "
            "at the history of your repair and find the quickest way to sort it out.",
            "Once again, we apologise that our after-sales service has not yet solved your "
            "problem.",
            "Thank you for trusting us with your product.",
            "Thank you for telling us: it shows us where our service after the sale falls short.",
            "We will review how repairs are handled, so that they are done right the first time.",
        ),
        "zh-hans": (
            "很抱歉您来寻求帮助后问题仍未解决。我来查看您的维修记录，找出最快的解决办法。",
            "我们的售后服务没能及时解决您的问题，再次向您致歉。",
            "感谢您把商品放心地交给我们。",
            "感谢您告诉我们，这让我们看到了售后服务中的不足。",
            "我们会重新审视维修流程，力求一次修好。",
        ),
    },
    "environment-facilities": {
        "en": (
            "I'm sorry our store wasn't comfortable for you. Thank you for telling me; I'll "
            "have it looked at right away.",
            "Once again, we apologise that our store did not make your visit a pleasant one.",
            "Thank you for visiting us, and we hope to welcome you back.",
            "Thank you for pointing this out: we don't always see our store the way our "
            "customers do.",
            "We will fix what you pointed out and check it regularly from now on.",
        ),
        "zh-hans": (
            "很抱歉我们的门店环境给您带来了不便。感谢您告诉我，我马上安排处理。",
            "我们的门店没能让您有愉快的体验，再次向您致歉。",
            "感谢您的光临，期待您再次光顾。",
            "感谢您指出这个问题，我们并不总能从顾客的角度看到门店的不足。",
            "我们会整改您指出的问题，并从现在起定期检查。",
        ),
    },
    "other": {
        "en": (
            "I'm sorry this happened. Please tell me about it in your own words; I'm "
            "listening, and I'll make sure it is dealt with.",
            "Once again, we apologise for the trouble this has caused you.",
            "Thank you for your trust in us.",
            "Thank you for taking the time to tell us: every complaint helps us improve.",
            "We will look into what happened and make the changes needed, so that it does not "
            "happen again.",
        ),
        "zh-hans": (
            "很抱歉发生了这样的事情。请您慢慢说，我在认真听，一定会妥善处理。",
            "给您带来了困扰，我们再次向您致歉。",
            "感谢您对我们的信任。",
            "感谢您抽出时间告诉我们，每一条意见都能帮助我们改进。",
            "我们会查明事情经过，并做出必要的改进，避免再次发生。",
        ),
    },
}

# leaf code -> language -> (opening, improvement); None: the parent's words fit as they are.
LEAVES: dict[str, dict[str, tuple[str, str]] | None] = {
    "defective-on-arrival": {
        "en": (
            "I'm very sorry the product wasn't working when you got it: that is not what you "
            "should expect from us. May I see the item and your receipt? I'll check it with "
            "you now, and we can exchange it or refund you straight away, whichever you prefer.",
            "We will check the rest of this batch and tighten our inspection before goods are "
            "handed to customers.",
        ),
        "zh-hans": (
            "非常抱歉，您拿到的商品一开始就有问题，这不是您应该得到的体验。能否让我看一下商品和"
            "购物凭证？我现在就和您一起检查，您希望换货还是退款，我们都可以马上为您办理。",
            "我们会检查同批次的其他商品，并加强交付前的检验。",
        ),
    },
    "broke-in-use": {
        "en": (
            "I'm sorry it stopped working: you used it as intended and it should have lasted. "
            "Could you tell me when it happened and what you noticed? Let's look at the "
            "warranty together; depending on what we find, we will repair it, exchange it or "
            "refund you.",
            "We will report this fault to the manufacturer and watch for the same problem in "
            "other units.",
        ),
        "zh-hans": (
            "很抱歉商品在正常使用中就坏了，它本应经久耐用。能告诉我是什么时候、出现了什么情况吗？"
            "我们一起看看保修条款，根据检查结果，我们会为您维修、换货或退款。",
            "我们会把这个故障反馈给生产厂家，并留意其他同款商品是否有同样的问题。",
        ),
    },
    "not-as-described": {
        "en": (
            "I'm sorry: what you received isn't what we described, and you chose it because of "
            "what we told you. Could you show me where the difference is? You can return it "
            "for a full refund, or I can help you find the item that really matches what you "
            "wanted.",
            "We will correct the product description and labels, so that the next customer "
            "gets exactly what they expect.",
        ),
        "zh-hans": (
            "很抱歉，您收到的商品与我们的描述不符，而您正是根据我们的介绍做出的选择。能否指给我看"
            "哪里不一样？您可以全额退货，我也可以帮您找到真正符合您需求的商品。",
            "我们会更正商品描述和标签，让下一位顾客得到的正是他们所期望的商品。",
        ),
    },
    "safety-hazard": {
        "en": (
            "Thank you for bringing this to us straight away: your safety comes first. Please "
            "stop using the product. Is anyone hurt? I'm taking this to my supervisor now; we "
            "will take the product off sale while we investigate, and we will refund or "
            "replace it for you.",
            "We have taken the product off sale and will not put it back on the shelves until "
            "the hazard is understood and removed.",
        ),
        "zh-hans": (
            "感谢您第一时间告诉我们，您的安全是最重要的。请先停止使用该商品。请问有人受伤吗？"
            "我现在就上报主管；调查期间我们会将该商品下架，并为您办理退款或更换。",
            "我们已将该商品下架，在查明并消除隐患之前不会重新上架。",
        ),
    },
    "expired-or-spoiled": {
        "en": (
            "I'm so sorry: you should never be sold anything spoiled or past its date. Are you "
            "feeling all right? Please keep the packaging if you can; we will refund you in "
            "full and check the rest of the stock on the shelf right away.",
            "We will check the dates on our shelves every day and take off sale anything close "
            "to its expiry date.",
        ),
        "zh-hans": (
            "非常抱歉，我们绝不应该卖给您过期或变质的商品。请问您身体还好吗？如方便请保留包装；"
            "我们会为您全额退款，并立即检查货架上的其他库存。",
            "我们会每天检查货架商品的保质期，及时撤下临期商品。",
        ),
    },
    "rude-staff": {
        "en": (
            "I'm truly sorry: nobody should be spoken to like that in our store. Please tell me "
            "what happened, in your own words; I'm writing it down. I will make sure the "
            "manager hears about it today, and I would like to help you with what you came for "
            "right now.",
            "We will speak with the member of staff involved and retrain the team in courtesy "
            "and patience.",
        ),
        "zh-hans": (
            "真的很抱歉，在我们店里任何人都不应受到这样的对待。请您把经过告诉我，我会如实记录。"
            "我保证今天就让店长知道这件事，同时我想现在就帮您把原本要办的事情办好。",
            "我们会与当事员工谈话，并对团队进行礼貌和耐心方面的再培训。",
        ),
    },
    "wrong-advice": {
        "en": (
            "I'm sorry you were given wrong information: you relied on us, and it cost you "
            "time and trouble. Let me understand what you were told and what you need; I'll "
            "make sure you get the right answer now, and that we put right what the wrong "
            "advice caused.",
            "We will correct the information our staff rely on and check that the whole team "
            "knows it.",
        ),
        "zh-hans": (
            "很抱歉您得到了错误的信息。您信任了我们，却因此耗费了时间和精力。请让我了解当时您得到"
            "的说法和您的实际需要，我会确保现在给您正确的答复，并弥补错误建议造成的后果。",
            "我们会更正员工使用的资料，并确认整个团队都掌握正确的信息。",
        ),
    },
    "ignored": {
        "en": (
            "I'm sorry you were left waiting without help: that should not happen. I'm here "
            "now, and I'll stay with you until this is sorted. What can I do for you?",
            "We will review staffing at busy times, so that every customer is greeted and "
            "helped promptly.",
        ),
        "zh-hans": (
            "很抱歉让您无人理会、等了这么久，这种情况不应该发生。现在由我来为您服务，直到问题解决"
            "为止。请问有什么可以帮您？",
            "我们会重新安排高峰时段的人手，确保每位顾客都能及时得到接待和帮助。",
        ),
    },
    "long-queue": {
        "en": (
            "I'm sorry you had to wait so long, and thank you for your patience. I'll take care "
            "of you now. What can I help you with?",
            "We will open more counters at busy times and tell customers how long they can "
            "expect to wait.",
        ),
        "zh-hans": (
            "很抱歉让您等了这么久，感谢您的耐心。现在由我来为您办理，请问有什么可以帮您？",
            "我们会在高峰时段增开服务窗口，并及时告知顾客预计等候时间。",
        ),
    },
    "late-delivery": {
        "en": (
            "I'm sorry your order didn't arrive when we promised. Let me check with the "
            "warehouse and the carrier right now; I'll give you a firm delivery date, and call "
            "you myself if anything changes.",
            "We will review our delivery times with the carrier, so that the dates we give are "
            "dates we keep.",
        ),
        "zh-hans": (
            "很抱歉您的订单没有按承诺的时间送达。我现在就联系仓库和物流公司核实，给您一个确切的"
            "送达日期；如有任何变化，我会亲自致电告诉您。",
            "我们会与物流公司重新核定配送时效，确保我们承诺的日期能够兑现。",
        ),
    },
    "damaged-in-delivery": {
        "en": (
            "I'm sorry your order arrived damaged; that is disappointing after waiting for it. "
            "Could you show me the damage, or send us a photo? We'll send a replacement or "
            "refund you, and collect the damaged item at no cost to you.",
            "We will improve our packaging and take the damage up with the carrier.",
        ),
        "zh-hans": (
            "很抱歉您的商品在送达时已经损坏，等了这么久却是这样，确实令人失望。能否让我看看损坏的"
            "情况，或者发一张照片给我们？我们会为您补发或退款，并免费上门取回损坏的商品。",
            "我们会改进包装，并就损坏问题与物流公司交涉。",
        ),
    },
    "missed-appointment": {
        "en": (
            "I'm very sorry we didn't come when we said we would: you arranged your day around "
            "us. Let me book a new time that suits you, and I will confirm it with you "
            "personally.",
            "We will confirm every appointment the day before, and call ahead if we are "
            "running late.",
        ),
        "zh-hans": (
            "非常抱歉我们没有按约定时间上门，您为此专门安排了时间。我现在就为您重新预约一个方便的"
            "时间，并亲自向您确认。",
            "我们会在上门前一天确认每一个预约，如有延误会提前致电告知。",
        ),
    },
    "overcharged": {
        "en": (
            "I'm sorry you were charged more than you should have been. May I see your "
            "receipt? I'll check the price now, and if we overcharged you, we will refund the "
            "difference today.",
            "We will check that the prices on our shelves and at our tills match.",
        ),
        "zh-hans": (
            "很抱歉多收了您的费用。能否看一下您的购物凭证？我现在就核对价格，如确实多收，今天就为"
            "您退还差价。",
            "我们会核查货架标价与收银系统价格是否一致。",
        ),
    },
    "promotion-not-applied": {
        "en": (
            "I'm sorry the promotion wasn't applied: you should pay the price we advertised. "
            "Let me check the offer and your receipt, and I'll refund the difference straight "
            "away.",
            "We will make sure every promotion is set up at the tills before it is advertised.",
        ),
        "zh-hans": (
            "很抱歉优惠没有兑现，您理应享受我们宣传的价格。我来核对活动内容和您的购物凭证，马上为"
            "您退还差价。",
            "我们会确保每一项优惠活动在宣传之前已在收银系统中正确设置。",
        ),
    },
    "refund-delay": {
        "en": (
            "I'm sorry your refund hasn't reached you yet: it's your money, and you shouldn't "
            "have to chase it. Let me check with finance where it is now, and I'll tell you the "
            "date it will arrive.",
            "We will shorten our refund process and tell customers when to expect their money.",
        ),
        "zh-hans": (
            "很抱歉您的退款还没有到账，这是您的钱，不应该让您反复催问。我现在就向财务部门查询进度，"
            "并告诉您确切的到账日期。",
            "我们会缩短退款流程，并主动告知顾客预计到账时间。",
        ),
    },
    "invoice-error": {
        "en": (
            "I'm sorry there's a mistake on your invoice. Please tell me what needs "
            "correcting; I'll have a corrected invoice issued and sent to you.",
            "We will double-check the details of every invoice before it is issued.",
        ),
        "zh-hans": (
            "很抱歉您的发票有误。请告诉我需要更正的内容，我会安排重新开具正确的发票并寄送给您。",
            "我们会在开具每一张发票前仔细复核各项信息。",
        ),
    },
    "repair-failed": {
        "en": (
            "I'm sorry the repair didn't fix the problem: you have already spent time on this. "
            "We'll take it back in as a priority at no cost to you, and if it cannot be "
            "repaired properly, we will talk about an exchange.",
            "We will have a senior technician check the repair, and test every repair before "
            "it is handed back.",
        ),
        "zh-hans": (
            "很抱歉维修之后问题依旧，您已经为此花费了不少时间。我们会免费优先为您重新处理；如果确实"
            "无法修好，我们会和您商量换货。",
            "我们会安排资深技师复查，并在交还前对每一件维修品进行测试。",
        ),
    },
    "repair-slow": {
        "en": (
            "I'm sorry your repair is taking so long. Let me find out exactly where it is and "
            "when it will be ready; if you need one in the meantime, I'll see whether we can "
            "lend you a replacement.",
            "We will track repair times, and tell customers straight away when a repair will "
            "take longer.",
        ),
        "zh-hans": (
            "很抱歉您的维修拖了这么久。我来查清目前的进度和预计完成时间；如果您在此期间急需使用，"
            "我看看能否为您提供备用品。",
            "我们会跟踪维修时效，一旦维修需要延长，会第一时间通知顾客。",
        ),
    },
    "warranty-refused": {
        "en": (
            "I understand how frustrating it is to be told your warranty doesn't cover this. "
            "Let me look at the decision again with you and explain the reasons clearly; if we "
            "got it wrong, we will put it right.",
            "We will make our warranty terms clearer and have a second person review every "
            "refused claim.",
        ),
        "zh-hans": (
            "被告知不在保修范围内，我理解您的心情。请让我和您一起重新审核这个决定，并清楚地说明"
            "理由；如果是我们判断有误，我们一定会纠正。",
            "我们会把保修条款写得更清楚，并对每一个被拒的保修申请进行二次复核。",
        ),
    },
    "cleanliness": {
        "en": (
            "I'm sorry: that is not the standard we want for our store. Thank you for pointing "
            "it out; I'm having it cleaned right now.",
            "We will clean more often and check the store at set times throughout the day.",
        ),
        "zh-hans": (
            "很抱歉，这不是我们门店应有的卫生标准。感谢您指出，我马上安排清洁。",
            "我们会增加清洁频次，并在全天固定时间巡查门店。",
        ),
    },
    "parking-access": {
        "en": (
            "I'm sorry it was hard to park or to get into the store. Thank you for telling us. "
            "Is there anything I can do for you right now, such as carrying your shopping or "
            "arranging a delivery?",
            "We will work with the building's management on parking and step-free access.",
        ),
        "zh-hans": (
            "很抱歉停车或进店给您带来了不便，感谢您告诉我们。现在有什么我可以帮您的吗？比如帮您"
            "搬运商品或安排送货？",
            "我们会与物业一起改善停车条件和无障碍通道。",
        ),
    },
    "noise-temperature": {
        "en": (
            "I'm sorry the store was uncomfortable for you. Thank you for telling us; I'll "
            "have the temperature or the noise seen to straight away.",
            "We will check the heating, cooling and noise in the store throughout the day.",
        ),
        "zh-hans": (
            "很抱歉店内环境让您感到不适。感谢您告诉我们，我马上安排调节温度或处理噪音问题。",
            "我们会在营业期间定时检查店内的温度和噪音情况。",
        ),
    },
    "privacy": {
        "en": (
            "Thank you for raising this: we take the protection of your personal data very "
            "seriously. Please tell me what happened; I'll record it carefully and pass it to "
            "the person responsible for data protection today.",
            "We will review how we handle personal data and limit who can see it.",
        ),
        "zh-hans": (
            "感谢您提出这个问题，我们非常重视您的个人信息保护。请告诉我发生了什么，我会认真记录，"
            "并在今天转交给负责数据保护的同事。",
            "我们会检查个人信息的处理方式，并严格限制可以查看的人员。",
        ),
    },
    "other-unspecified": None,
}

LANGUAGES = ("en", "zh-hans")


def script_texts() -> dict[str, dict[str, dict[str, str]]]:
    """category code -> language -> the five fields of a ResponseScript."""
    from complaints.seed import CATEGORIES

    result: dict[str, dict[str, dict[str, str]]] = {}
    for parent_code, _en, _zh, children in CATEGORIES:
        for language in LANGUAGES:
            opening, apology, trust, feedback, improvement = PARENTS[parent_code][language]
            base = {
                "opening": opening,
                "closing_apology": apology,
                "closing_thanks_trust": trust,
                "closing_thanks_feedback": feedback,
                "closing_improvement": improvement,
            }
            result.setdefault(parent_code, {})[language] = base
            for child_code, *_rest in children:
                own = LEAVES.get(child_code)
                texts = dict(base)
                if own is not None:
                    texts["opening"], texts["closing_improvement"] = own[language]
                result.setdefault(child_code, {})[language] = texts
    return result


def seed_scripts(apps, schema_editor=None) -> None:
    """Create the default scripts that are missing; never overwrite head office's edits."""
    category_model = apps.get_model("complaints", "Category")
    script_model = apps.get_model("resolutions", "ResponseScript")
    categories = {c.code: c for c in category_model.objects.all()}
    for code, by_language in script_texts().items():
        category = categories.get(code)
        if category is None:
            continue
        for language, texts in by_language.items():
            script_model.objects.get_or_create(category=category, language=language, defaults=texts)
