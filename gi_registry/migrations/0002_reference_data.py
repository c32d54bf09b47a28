"""Reference data that is true, not demo: the five zi families and Liangping's townships.

Townships: the streets, towns and townships of Liangping district (梁平区) as listed in the
district's public administrative-division pages; sort order follows that listing.
"""

from django.db import migrations

FAMILIES = [
    ("rice", "稻子", "Rice", True),
    ("pomelo", "柚子", "Pomelo", True),
    ("duck", "鸭子", "Duck", True),
    ("beans", "豆子", "Beans and bean products (豆筋)", True),
    ("bamboo", "笋子", "Bamboo shoots", True),
    ("other", "其他", "Other products", False),
]

TOWNSHIPS = [
    ("梁山街道", "Liangshan", "street"),
    ("双桂街道", "Shuanggui", "street"),
    ("仁贤街道", "Renxian", "street"),
    ("金带街道", "Jindai", "street"),
    ("礼让镇", "Lirang", "town"),
    ("云龙镇", "Yunlong", "town"),
    ("屏锦镇", "Pingjin", "town"),
    ("袁驿镇", "Yuanyi", "town"),
    ("新盛镇", "Xinsheng", "town"),
    ("福禄镇", "Fulu", "town"),
    ("聚奎镇", "Jukui", "town"),
    ("明达镇", "Mingda", "town"),
    ("荫平镇", "Yinping", "town"),
    ("和林镇", "Helin", "town"),
    ("回龙镇", "Huilong", "town"),
    ("碧山镇", "Bishan", "town"),
    ("虎城镇", "Hucheng", "town"),
    ("七星镇", "Qixing", "town"),
    ("龙门镇", "Longmen", "town"),
    ("文化镇", "Wenhua", "town"),
    ("合兴镇", "Hexing", "town"),
    ("安胜镇", "Ansheng", "town"),
    ("石安镇", "Shi'an", "town"),
    ("柏家镇", "Baijia", "town"),
    ("大观镇", "Daguan", "town"),
    ("竹山镇", "Zhushan", "town"),
    ("蟠龙镇", "Panlong", "town"),
    ("星桥镇", "Xingqiao", "town"),
    ("曲水镇", "Qushui", "town"),
    ("铁门乡", "Tiemen", "township"),
    ("龙胜乡", "Longsheng", "township"),
    ("紫照镇", "Zizhao", "town"),
    ("复平镇", "Fuping", "town"),
]


def load(apps, schema_editor):
    ProductFamily = apps.get_model("gi_registry.ProductFamily")
    Township = apps.get_model("gi_registry.Township")
    for order, (slug, name, name_en, five_zi) in enumerate(FAMILIES):
        ProductFamily.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "is_five_zi": five_zi, "sort_order": order}
        )
    for order, (name, name_en, kind) in enumerate(TOWNSHIPS):
        Township.objects.update_or_create(name=name, defaults={"name_en": name_en, "kind": kind, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("gi_registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
