"""Replace Wagtail's welcome page with the site's home page and point the default site at it."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("website.HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    if HomePage.objects.exists():
        return
    locale = Locale.objects.get_or_create(language_code="zh-hans")[0]
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="website")
    home = HomePage.objects.create(
        title="梁平地理标志与农产品品牌",
        draft_title="梁平地理标志与农产品品牌",
        intro="梁平区地理标志、区域公共品牌、授权使用主体和地方标准的公共登记。",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "site_name": "梁平地理标志登记"}
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("website.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
