"""The consumer's trace page: the verdict first, the right HTTP status, small, Chinese by default."""

import pytest

from gi_registry.trace import signing
from gi_registry.trace.factories import BatchFactory, TraceEventFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import TraceCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch():
    batch = BatchFactory(lot_number="LP2025-0918", product_name="梁平柚 礼盒装", grade="特级")
    TraceEventFactory(batch=batch, business_step="commissioning", read_point="礼让镇川西村", note="采收")
    TraceEventFactory(batch=batch, business_step="inspecting", read_point="梁平区农产品质量检测站", note="")
    TraceEventFactory(batch=batch, business_step="packing", read_point="礼让镇分拣中心")
    return batch


def test_genuine_code_shows_verdict_then_the_product(phone, code, batch):
    response = phone.get(f"/t/{code.printed_code}")
    assert response.status_code == 200
    html = response.content.decode()
    verdict = html.index('class="verdict verdict-genuine"')
    assert verdict < html.index("梁平柚 礼盒装", verdict) < html.index(batch.producer.name, verdict)
    for text in (
        "LP2025-0918",
        batch.producer.credit_code,
        batch.producer.township.name,
        batch.authorisation.number,
        batch.authorisation.geographical_indication.name,
        batch.standard.code,
        "可溶性固形物",
        "礼让镇分拣中心",
        signing.display(code.printed_code),
    ):
        assert text in html, text
    # the timeline is in time order
    assert html.index("礼让镇川西村柚园") < html.index("礼让镇分拣中心")
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.parametrize("transform", [str.lower, lambda c: signing.display(c), lambda c: c.replace("O", "0")])
def test_any_letter_case_and_grouping_resolve(phone, code, transform):
    assert phone.get(f"/t/{transform(code.printed_code)}").status_code == 200


def test_upper_case_path_for_alphanumeric_qr_codes(phone, code):
    assert phone.get(f"/T/{code.printed_code}").status_code == 200


def test_forged_code_is_404_with_what_to_do(phone, code):
    forged = code.printed_code[:-1] + ("A" if code.printed_code[-1] != "A" else "B")
    response = phone.get(f"/t/{forged}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "verdict-unknown" in html and "12315" in html
    assert code.batch.lot_number not in html  # nothing about any real batch


@pytest.mark.parametrize("garbage", ["x", "A" * 20, "A" * 200, "%00", "..%2F..%2Fetc", "梁平柚", "'; DROP TABLE x;--"])
def test_garbage_is_a_clear_404_never_an_error(phone, garbage):
    response = phone.get(f"/t/{garbage}")
    assert response.status_code == 404
    assert b"verdict-unknown" in response.content


def test_signed_but_never_issued_serial_is_unknown(phone):
    response = phone.get(f"/t/{signing.sign(b'12345678')}")
    assert response.status_code == 404


def test_withdrawn_code_is_410_and_says_so(phone, code, batch):
    batch.withdraw(batch.Status.RECALLED, reason="检出农残超标")
    response = phone.get(f"/t/{code.printed_code}")
    assert response.status_code == 410
    html = response.content.decode()
    assert "verdict-withdrawn" in html and "检出农残超标" in html


def test_single_withdrawn_code(phone, batch):
    first, second = issue_codes(batch, 2)
    TraceCode.objects.filter(pk=first.pk).update(status=TraceCode.Status.WITHDRAWN)
    assert phone.get(f"/t/{first.printed_code}").status_code == 410
    assert phone.get(f"/t/{second.printed_code}").status_code == 200


def test_page_is_small_and_needs_no_javascript(phone, code):
    response = phone.get(f"/t/{code.printed_code}")
    assert len(response.content) < 30 * 1024
    assert b"<script" not in response.content


def test_share_metadata_for_wechat(phone, code):
    html = phone.get(f"/t/{code.printed_code}").content.decode()
    for prop in ("og:title", "og:description", "og:url"):
        assert f'property="{prop}"' in html


def test_lookup_form_redirects_a_typed_code(phone, code):
    response = phone.get("/t/", {"code": signing.display(code.printed_code).lower()})
    assert response.status_code == 302 and response["Location"] == f"/t/{code.printed_code}"
    assert phone.get("/t/", {"code": "nonsense"}).status_code == 404
    assert phone.get("/t/").status_code == 200


def test_only_safe_methods(phone, code):
    assert phone.post(f"/t/{code.printed_code}").status_code == 405
    assert phone.head(f"/t/{code.printed_code}").status_code == 200


def test_product_photo_is_a_small_responsive_rendition(phone, batch):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    batch.photo = Image.objects.create(title="梁平柚", file=get_test_image_file(size=(1600, 1200)))
    batch.save()
    code = issue_codes(batch, 1)[0]
    html = phone.get(f"/t/{code.printed_code}").content.decode()
    assert 'class="trace-photo"' in html and "srcset=" in html and 'loading="lazy"' in html
    # renditions, never the original upload (1600 px wide): no 1600-wide candidate or width attribute
    assert ".webp" in html and " 1600w" not in html and 'width="1600"' not in html
    assert batch.photo.file.name not in html
