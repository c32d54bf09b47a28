"""Demo site pages (``manage.py load_demo_data``): one page per "five zi" product family.

The intros paraphrase the district's 2021–2025 IP plan (梁平府发〔2022〕9号, 第六章), which supports
梁平大米精深加工、张鸭子绿色畜牧产品、豆筋绿色休闲食品、梁平柚有机绿色饮品 brand projects; everything
else on the pages (GIs, brands, producers, standards) is gathered from the registry, whose invented
records carry the "demo" badge.
"""

import datetime

FAMILY_PAGES = [
    {
        "family": "rice",
        "title": "稻子",
        "intro": "<p>梁平坝区是重庆重要的优质稻产区。区“十四五”知识产权规划支持梁平大米精深加工领域的重点品牌培育项目。</p>",
    },
    {
        "family": "pomelo",
        "title": "柚子",
        "intro": (
            "<p>梁平柚是农业部登记的农产品地理标志（2008年），2019年列入中国农业品牌目录。"
            "规划支持梁平柚有机绿色饮品领域的重点品牌培育项目。</p>"
        ),
    },
    {
        "family": "duck",
        "title": "鸭子",
        "intro": "<p>张鸭子是梁平著名的地方产品。规划支持张鸭子绿色畜牧产品领域的重点品牌培育项目。</p>",
    },
    {
        "family": "beans",
        "title": "豆子",
        "intro": "<p>梁平豆筋、豆干等豆制品。规划支持豆筋绿色休闲食品领域的重点品牌培育项目。</p>",
    },
    {
        "family": "bamboo",
        "title": "笋子",
        "intro": "<p>百里竹海的竹笋与笋制品，是“五子”绿色食品产业群的一员。</p>",
    },
]

# --- announcements (公告/新闻): all invented (``is_demo=True``); dates fixed so reloading changes nothing

ANNOUNCEMENT_INDEX = {
    "title": "公告与新闻",
    "slug": "announcements",
    "intro": "<p>地理标志、授权使用与区域品牌的公告和新闻。</p>",
}

ANNOUNCEMENTS = [
    {
        "slug": "2026-gi-mark-applications",
        "title": "关于受理2026年度地理标志专用标志使用申请的公告（演示）",
        "date": datetime.date(2026, 3, 2),
        "kind": "notice",
        "intro": "演示公告：说明申请使用地理标志专用标志的条件、材料与受理时间。",
        "body": (
            "<p>（演示文本）符合产地范围和质量技术要求的生产主体，可向区市场监督管理局（知识产权局）申请使用"
            "地理标志专用标志。申请材料包括营业执照、产地证明、产品检验报告与质量管理制度。</p>"
        ),
    },
    {
        "slug": "2026-authorised-producers",
        "title": "2026年第一批核准使用地理标志专用标志的生产主体名单（演示）",
        "date": datetime.date(2026, 6, 15),
        "kind": "notice",
        "intro": "演示公告：名单以本站登记的有效授权为准。",
        "body": "<p>（演示文本）获准使用的生产主体及其授权编号、有效期，见本站“生产主体”与各地理标志页面。</p>",
    },
    {
        "slug": "2026-shaiqiu-brands",
        "title": "晒秋节上的梁平区域公用品牌（演示）",
        "date": datetime.date(2026, 9, 23),
        "kind": "news",
        "intro": "演示新闻：“五子登科·丰味梁平”“万石耕春·丰味梁平”“三峡晒秋”在晒秋节集中展示。",
        "body": "<p>（演示文本）秋分时节，梁平区在晒秋节上集中展示区域公用品牌与“五子”产品。</p>",
    },
]

# --- English translations (the "en" locale's copies); announcements stay Chinese-only, so the demo
# also shows how an untranslated page falls back

HOME_PAGE_EN = {
    "title": "Liangping GI Registry",
    "intro": (
        "The public register of Liangping's geographical indications, regional public brands, authorised "
        "producers and local standards. Scan the QR code on a box to check that it is genuine and see its "
        "origin, batch, producer and authorisation."
    ),
    "body": (
        "<p>Rice, pomelo, duck, beans and bamboo shoots — Liangping's “five zi” green-food industries — are the "
        "focus of the district's 2021–2025 plan for protecting and using intellectual property, which asks for "
        "Liangping GI and regional public brands such as “Wuzi Dengke · Fengwei Liangping”, GI demonstration "
        "bases and local standards for green agriculture.</p>"
    ),
}

FAMILY_PAGES_EN = {
    "rice": {
        "title": "Rice",
        "intro": "<p>The Liangping plain is one of Chongqing's main quality-rice areas; the district's IP plan "
        "supports brands for processed Liangping rice.</p>",
    },
    "pomelo": {
        "title": "Pomelo",
        "intro": "<p>Liangping pomelo was registered as an agricultural-product GI by the Ministry of Agriculture "
        "in 2008 and listed in the China Agricultural Brand Catalogue in 2019.</p>",
    },
    "duck": {
        "title": "Duck",
        "intro": "<p>Zhang's duck (张鸭子) is a well-known Liangping speciality; the plan supports its green "
        "livestock-product brand.</p>",
    },
    "beans": {
        "title": "Beans",
        "intro": "<p>Liangping bean sticks (豆筋), dried tofu and other bean products; the plan supports green "
        "snack-food brands for bean sticks.</p>",
    },
    "bamboo": {
        "title": "Bamboo shoots",
        "intro": "<p>Shoots and shoot products from the Baili Bamboo Sea, one of the five zi green-food "
        "industries.</p>",
    },
}

ANNOUNCEMENT_INDEX_EN = {
    "title": "Announcements and news",
    "intro": "<p>Announcements and news on geographical indications, authorisations and regional brands "
    "(published in Chinese; English where translated).</p>",
}

# --- the contact page and the site's navigation and footer (site settings)

CONTACT_PAGE = {
    "title": "联系我们",
    "slug": "contact",
    "intro": (
        "<p>地理标志专用标志使用申请、假冒产品举报、地方标准咨询，或对本站的意见，请在此留言。"
        "我们在五个工作日内答复。（演示页面：留言只保存在本站，不会发出。）</p>"
    ),
    "thank_you_text": "<p>谢谢，您的留言已收到。我们会在五个工作日内答复。</p>",
}

CONTACT_FIELDS = [
    {"label": "姓名", "field_type": "singleline", "required": True},
    {"label": "电话或电子邮箱", "field_type": "singleline", "required": True, "help_text": "用于答复您"},
    {
        "label": "事项",
        "field_type": "dropdown",
        "required": True,
        "choices": "地理标志专用标志使用申请\n假冒产品举报\n地方标准咨询\n其他",
    },
    {"label": "留言", "field_type": "multiline", "required": True},
]

CONTACT_PAGE_EN = {
    "title": "Contact us",
    "intro": (
        "<p>Applying to use a GI special mark, reporting a counterfeit, a question about a local standard or about "
        "this site: leave us a message. We answer within five working days. (Demo page: messages are only stored "
        "on this site, never sent.)</p>"
    ),
    "thank_you_text": "<p>Thank you: your message has been received. We answer within five working days.</p>",
}

#: (label, English label, page slug or site path); a slug names a page under the home page
NAVIGATION = [
    ("区域品牌", "Brands", "brands"),
    ("地理标志", "GIs", "/gi/"),
    ("生产主体", "Producers", "/producers/"),
    ("地方标准", "Standards", "/standards/"),
    ("公告", "News", "announcements"),
    ("规划指标", "Plan indicators", "indicators"),
    ("搜索", "Search", "/search/"),
]
FOOTER_LINKS = [("联系我们", "Contact us", "contact"), ("公告与新闻", "Announcements", "announcements")]
SITE_FOOTER = {
    "address": "重庆市梁平区（演示地址）",
    "phone": "",
    "email": "",
    "icp_number": "",
}

CONTACT_FIELDS_EN = [
    {"label": "Name", "field_type": "singleline", "required": True},
    {
        "label": "Telephone or e-mail",
        "field_type": "singleline",
        "required": True,
        "help_text": "So that we can answer",
    },
    {
        "label": "About",
        "field_type": "dropdown",
        "required": True,
        "choices": "Applying to use a GI special mark\nReporting a counterfeit\nA local standard\nSomething else",
    },
    {"label": "Message", "field_type": "multiline", "required": True},
]
