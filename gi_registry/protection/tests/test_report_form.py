"""The consumer's report: from a verdict page to the form, sending it, the page with the case
number, the follow page; bad input (photos, text, links), the flood limit, CSRF, no address kept."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import ExifTags, Image

from gi_registry.protection.models import Case, CaseNote, Report, ReportPhoto, private_storage
from gi_registry.trace import signing
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes

pytestmark = pytest.mark.django_db

FORGED = "DEMOXFAKEXCODEX2345X"
SENDER = "198.51.100.77"
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def code():
    return issue_codes(BatchFactory(lot_number="LP2026-0202"), 1)[0]


def jpeg(width=640, height=480, gps=False, color="green") -> bytes:
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (30.0, 40.0, 12.5),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (107.0, 48.0, 1.0),
        }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name="box.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def form_data(**kw):
    data = {
        "code": FORGED,
        "where_bought": "market",
        "shop_name": "双桂农贸市场 3号摊",
        "place": "梁平区双桂街道",
        "bought_on": timezone.localdate().isoformat(),
        "price_paid": "68.00",
        "problems": ["code_fails", "fake_mark"],
        "description": "标签模糊，二维码扫出来说未登记。",
        "phone": "13800138000",
        "contact_consent": "on",
        "data_consent": "on",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data, path="/report/", **extra):
    return client.post(path, data, REMOTE_ADDR=SENDER, HTTP_USER_AGENT=PHONE_UA, **extra)


# ---- from the trace page ------------------------------------------------------------------


@pytest.mark.parametrize("lang_prefix", ["", "/en"])
def test_every_verdict_page_opens_the_report_form_with_its_code(client, code, lang_prefix):
    forged = client.get(f"{lang_prefix}/t/{FORGED}")
    assert forged.status_code == 404
    html = forged.content.decode()
    assert f'action="{lang_prefix}/report/"' in html and f'name="code" value="{FORGED}"' in html
    genuine = client.get(f"{lang_prefix}/t/{code.printed_code}").content.decode()
    assert f'value="{signing.display(code.printed_code)}"' in genuine
    assert ("这箱有问题" if not lang_prefix else "Something wrong with this box?") in genuine
    # no CSRF token or cookie on the trace page: it stays a cached frame
    assert "csrfmiddlewaretoken" not in html + genuine
    code.batch.withdraw(code.batch.Status.WITHDRAWN, reason="包装破损")
    withdrawn = client.get(f"{lang_prefix}/t/{code.printed_code}").content.decode()
    assert f'action="{lang_prefix}/report/"' in withdrawn


def test_the_report_link_adds_no_query_to_the_trace_page(client, code, django_assert_max_num_queries):
    client.get(f"/t/{code.printed_code}")  # warm the frame
    with django_assert_max_num_queries(1):  # the code's one query (fastpath.load_code)
        response = client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=PHONE_UA)
    assert b"/report/" in response.content


def test_form_shows_the_verdict_of_the_code_without_logging_a_scan(client, code):
    response = client.get(f"/report/?code={code.printed_code.lower()}")
    assert response.status_code == 200
    html = response.content.decode()
    assert signing.display(code.printed_code) in html and "正品" in html
    assert 'name="csrfmiddlewaretoken"' in html and 'enctype="multipart/form-data"' in html
    assert response["Cache-Control"].startswith("max-age=0") and response["X-Robots-Tag"] == "noindex"
    code.refresh_from_db()
    assert code.scan_count == 0
    english = client.get(f"/en/report/?code={FORGED}").content.decode()
    assert "Report a problem with a box" in english and "Not a registered code" in english


# ---- sending ------------------------------------------------------------------------------


def test_report_is_sent_then_case_number_and_private_follow_link(client):
    response = post(client, {**form_data(), "photos": [upload(jpeg())]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/report/sent/{case.follow_token}"
    sent = client.get(response["Location"])
    html = sent.content.decode()
    assert case.number in html and f"/report/f/{case.follow_token}" in html
    report = case.reports.get()
    assert report.shop_name == "双桂农贸市场 3号摊" and report.problems == ["code_fails", "fake_mark"]
    assert report.consent_text.startswith("我同意") and report.language == "zh-hans"
    assert report.phone == "13800138000" and report.contact_consent
    assert report.photos.count() == 1


def test_the_senders_address_is_stored_nowhere(client, code):
    post(client, {**form_data(code=code.printed_code), "photos": [upload(jpeg())]})
    report = Report.objects.get()
    stored = [str(getattr(report, f.attname)) for f in Report._meta.concrete_fields]
    stored += [str(getattr(report.case, f.attname)) for f in Case._meta.concrete_fields]
    stored += [str(getattr(p, f.attname)) for p in report.photos.all() for f in ReportPhoto._meta.concrete_fields]
    blob = "\n".join(stored)
    assert SENDER not in blob and "198.51.100" not in blob
    photo = report.photos.get()
    with private_storage.open(photo.image.name) as stored_file:
        assert SENDER.encode() not in stored_file.read()


def test_english_report_comes_back_in_english(client):
    response = post(client, form_data(), path="/en/report/")
    case = Case.objects.get()
    assert response["Location"] == f"/en/report/sent/{case.follow_token}"
    assert "Your case number" in client.get(response["Location"]).content.decode()
    assert case.reports.get().language == "en"
    assert case.reports.get().consent_text.startswith("I agree")


def test_follow_page_shows_status_deadlines_outcome_and_nothing_personal(client):
    post(client, {**form_data(), "photos": [upload(jpeg())]})
    case = Case.objects.get()
    CaseNote.objects.create(case=case, text="内部：摊主姓王，电话13900000000")
    case.status, case.outcome, case.closed_at = Case.Status.CLOSED, Case.Outcome.CONFIRMED_FAKE, timezone.now()
    case.public_outcome = "经查为假冒梁平柚，已立案处理。"
    case.save()
    response = client.get(f"/report/f/{case.follow_token}")
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    for shown in (case.number, "已结案", "确认假冒", "经查为假冒梁平柚"):
        assert shown in html, shown
    for hidden in ("13800138000", "13900000000", "摊主", "双桂农贸市场", "标签模糊", "report-photos", ".jpg"):
        assert hidden not in html, hidden


def test_follow_page_of_a_merged_case_shows_the_case_it_joined(client):
    post(client, form_data())
    post(client, form_data(code="", shop_name="另一家", place="万州"))
    first, second = Case.objects.order_by("received_at")
    Case.objects.filter(pk=second.pk).update(merged_into=first)
    html = client.get(f"/report/f/{second.follow_token}").content.decode()
    assert first.number in html and second.number in html


@pytest.mark.parametrize("token", ["x", "LPWQ-2026-00001", "eyJuIjoiTFBXUS0yMDI2LTAwMDAxIn0:bad:sig"])
def test_follow_link_cannot_be_guessed(client, token):
    post(client, form_data())
    assert client.get(f"/report/f/{token}").status_code == 404
    assert client.get(f"/report/sent/{token}").status_code == 404


def test_a_token_with_another_nonce_opens_nothing(client):
    post(client, form_data())
    case = Case.objects.get()
    token = case.follow_token
    Case.objects.filter(pk=case.pk).update(follow_nonce="other")
    assert client.get(f"/report/f/{token}").status_code == 404


def test_csrf_is_required(code):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/report/", form_data(), REMOTE_ADDR=SENDER)
    assert response.status_code == 403 and not Report.objects.exists()
    page = strict.get(f"/report/?code={FORGED}")
    token = page.cookies["csrftoken"].value
    sent = strict.post("/report/", {**form_data(), "csrfmiddlewaretoken": token}, REMOTE_ADDR=SENDER)
    assert sent.status_code == 302 and Report.objects.count() == 1


# ---- photos ---------------------------------------------------------------------------------


def stored_image(report) -> Image.Image:
    photo = report.photos.get()
    with private_storage.open(photo.image.name) as f:
        data = f.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data, photo


def test_gps_exif_is_stripped_from_the_stored_photo(client):
    original = jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    post(client, {**form_data(), "photos": [upload(original)]})
    image, data, photo = stored_image(Report.objects.get())
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0 and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in data and b"Apple" not in data
    assert (photo.width, photo.height, photo.size) == (640, 480, len(data))
    assert photo.image.name.startswith("report-photos/") and photo.image.name.endswith(".jpg")


def test_a_large_photo_is_stored_smaller(client, settings):
    settings.PROTECTION_PHOTO_STORED_EDGE = 800
    post(client, {**form_data(), "photos": [upload(jpeg(3000, 1500))]})
    image, _data, _photo = stored_image(Report.objects.get())
    assert image.size == (800, 400)


def test_png_with_transparency_is_stored_as_jpeg(client):
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 0, 0, 0)).save(out, "PNG")
    post(client, {**form_data(), "photos": [upload(out.getvalue(), "a.png", "image/png")]})
    image, _data, _photo = stored_image(Report.objects.get())
    assert image.format == "JPEG" and image.getpixel((5, 5))[0] > 240  # transparent → white


def test_heic_from_an_iphone_is_accepted_and_converted(client):
    import pillow_heif  # noqa: F401  (registered by uploads)

    out = io.BytesIO()
    Image.new("RGB", (320, 240), "blue").save(out, "HEIF")
    response = post(client, {**form_data(), "photos": [upload(out.getvalue(), "IMG_0001.HEIC", "image/heic")]})
    assert response.status_code == 302
    image, _data, photo = stored_image(Report.objects.get())
    assert image.format == "JPEG" and (photo.width, photo.height) == (320, 240)


def refused(response, *messages):
    assert response.status_code == 400
    assert not Report.objects.exists() and not Case.objects.exists() and not ReportPhoto.objects.exists()
    html = response.content.decode()
    for message in messages:
        assert message in html, message
    # what was typed comes back
    assert 'value="双桂农贸市场 3号摊"' in html and "标签模糊，二维码扫出来说未登记。" in html
    assert 'value="13800138000"' in html and 'value="code_fails" checked' in html.replace(' id="id_problems_0"', "")
    return html


def test_a_file_that_is_not_an_image_is_refused_and_the_form_kept(client):
    response = post(client, {**form_data(), "photos": [upload(b"%PDF-1.4 not a photo", "x.jpg")]})
    refused(response, "x.jpg 不是可识别的照片", "请重新选择照片")


def test_a_photo_over_the_size_limit_is_refused(client, settings):
    settings.PROTECTION_PHOTO_MAX_BYTES = 10_000
    big = jpeg(1200, 1200, color="white")
    noise = Image.effect_noise((800, 800), 80).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    big = out.getvalue()
    assert len(big) > 10_000
    response = post(client, {**form_data(), "photos": [upload(big)]})
    refused(response, "box.jpg 太大", "请重新选择照片")


def test_a_decompression_bomb_is_refused_before_decoding(client, settings):
    settings.PROTECTION_PHOTO_MAX_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # 400 megapixels in a few kilobytes
    data = out.getvalue()
    assert len(data) < 200_000
    response = post(client, {**form_data(), "photos": [upload(data, "bomb.png", "image/png")]})
    refused(response, "bomb.png 像素过多")


def test_more_than_three_photos_are_refused(client):
    photos = [upload(jpeg(), f"{n}.jpg") for n in range(4)]
    refused(post(client, {**form_data(), "photos": photos}), "最多只能上传 3 张照片")


# ---- text ----------------------------------------------------------------------------------


def test_oversize_text_is_refused(client, settings):
    settings.PROTECTION_REPORT_MAX_TEXT_CHARS = 50
    response = post(client, form_data(description="标签模糊，二维码扫出来说未登记。" + "很" * 60))
    assert response.status_code == 400 and not Report.objects.exists()
    html = response.content.decode()
    assert "不超过 50 字符" in html and 'maxlength="50"' in html
    assert "很" * 60 in html  # the text comes back to be shortened


def test_links_beyond_the_cap_are_refused(client):
    text = "标签模糊，二维码扫出来说未登记。 http://a.example http://b.example www.c.example"
    response = post(client, form_data(description=text))
    assert response.status_code == 400 and not Report.objects.exists()
    html = response.content.decode()
    assert "最多只能包含 2 个网址" in html and "www.c.example" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"data_consent": None}, "请同意处理您的举报"),
        ({"problems": None}, "请至少勾选一项问题"),
        ({"shop_name": "", "place": ""}, "请填写商店或市场名称"),
        ({"contact_consent": None}, "如果允许我们给您打电话"),
        ({"phone": "call me"}, "请输入只含数字的电话号码"),
        ({"bought_on": "2999-01-01"}, "购买日期不能晚于今天"),
        ({"where_bought": "online", "shop_name": ""}, "请填写网店链接"),
    ],
)
def test_other_mistakes_get_a_clear_chinese_message(client, change, message):
    response = post(client, form_data(**change))
    assert response.status_code == 400 and not Report.objects.exists()
    assert message in response.content.decode()


# ---- floods ----------------------------------------------------------------------------------


def test_a_flood_from_one_address_gets_429_and_writes_nothing_more(client, settings):
    settings.PROTECTION_REPORT_RATE_LIMIT = 3
    codes = [post(client, form_data(shop_name=f"店{n}", code="")).status_code for n in range(3)]
    assert codes == [302, 302, 302]
    stored = (Report.objects.count(), Case.objects.count(), ReportPhoto.objects.count())
    for _ in range(20):
        response = post(client, {**form_data(), "photos": [upload(jpeg())]})
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= settings.PROTECTION_REPORT_RATE_WINDOW
    assert (Report.objects.count(), Case.objects.count(), ReportPhoto.objects.count()) == stored
    html = response.content.decode()
    assert "发送的举报过多" in html and 'value="双桂农贸市场 3号摊"' in html
    # another address is not held back
    other = client.post("/report/", form_data(shop_name="别家"), REMOTE_ADDR="203.0.113.50")
    assert other.status_code == 302


def test_reading_the_form_is_not_limited(client, settings):
    settings.PROTECTION_REPORT_RATE_LIMIT = 1
    for _ in range(5):
        assert client.get(f"/report/?code={FORGED}", REMOTE_ADDR=SENDER).status_code == 200


def test_a_request_larger_than_three_photos_is_refused_unread(client, settings):
    settings.PROTECTION_PHOTO_MAX_BYTES = 100_000  # so the cap is 3 × 100 kB + 1 MiB
    big = b"\xff\xd8" + b"0" * 1_500_000
    response = post(client, {**form_data(), "photos": [upload(big)]}, path=f"/report/?code={FORGED}")
    assert response.status_code == 413 and not Report.objects.exists()
    html = response.content.decode()
    assert "照片总量过大" in html and 'name="csrfmiddlewaretoken"' in html
    assert f'value="{FORGED}"' in html  # the code from the address is kept


def test_a_flood_of_oversized_requests_is_429_too(client, settings):
    settings.PROTECTION_REPORT_RATE_LIMIT = 1
    settings.PROTECTION_PHOTO_MAX_BYTES = 100_000
    big = {**form_data(), "photos": [upload(b"0" * 1_500_000)]}
    assert post(client, big).status_code == 413
    response = post(client, big)
    assert response.status_code == 429 and response["Retry-After"]
    assert not Report.objects.exists()


def test_a_suspicious_code_page_opens_the_report_form_too(client, code, settings):
    settings.TRACE_SUSPICIOUS_SCANS = 1
    client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="203.0.113.1")
    response = client.get(f"/t/{code.printed_code}", HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="203.0.113.2")
    html = response.content.decode()
    assert "verdict-suspicious" in html
    assert 'action="/report/"' in html and f'value="{signing.display(code.printed_code)}"' in html
    assert "举报这件产品" in html
