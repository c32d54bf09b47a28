"""QR labels: every PNG, SVG and PDF symbol decodes (with a real QR decoder) to its code's URL."""

import csv
import io
import re
import zipfile

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from PIL import Image, ImageDraw

from gi_registry.trace import labels, signing
from gi_registry.trace.factories import BatchFactory
from gi_registry.trace.issuance import issue_codes
from gi_registry.trace.models import TraceCode


def decode(image: Image.Image) -> set[str]:
    return {r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode}


def pdf_pages(data: bytes, dpi: int = 200) -> list[Image.Image]:
    doc = pypdfium2.PdfDocument(data)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil() for i in range(len(doc))]
    finally:
        doc.close()


def svg_to_image(svg: str, scale: int = 8) -> Image.Image:
    """Rasterise our SVG's one path (``M x y h w v1 h-w z`` per run) as drawn, to decode it."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        x, y, w = int(x), int(y), int(w)
        draw.rectangle([x * scale, y * scale, (x + w) * scale - 1, (y + 1) * scale - 1], fill=0)
    return image


def some_codes(n: int) -> list[str]:
    return [signing.sign(bytes([i]) * 8) for i in range(n)]


def test_url_is_upper_case_for_alphanumeric_mode_and_resolves(settings):
    settings.TRACE_BASE_URL = "https://gi.liangping.example.cn"
    code = some_codes(1)[0]
    url = labels.code_url(code)
    assert url == f"HTTPS://GI.LIANGPING.EXAMPLE.CN/T/{code}"
    assert set(url) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert labels.qr_version(url, "M") == 3  # 29 × 29 modules
    assert labels.qr_version(url, "H") <= 5


@pytest.mark.parametrize("ec", ["M", "Q", "H"])
def test_png_decodes_to_the_url_and_has_a_quiet_zone(ec):
    code = some_codes(1)[0]
    image = Image.open(io.BytesIO(labels.qr_png(code, ec, module_px=8)))
    assert decode(image) == {labels.code_url(code)}
    matrix = labels.qr_matrix(labels.code_url(code), ec)
    assert not any(matrix[0]) and not any(row[3] for row in matrix)  # 4 light modules around
    assert any(row[4] for row in matrix)
    assert image.getpixel((2, 2)) != 0  # white corner


def test_svg_decodes_and_carries_the_readable_code():
    code = some_codes(1)[0]
    svg = labels.qr_svg(code)
    assert signing.display(code) in svg
    assert decode(svg_to_image(svg)) == {labels.code_url(code)}


@pytest.mark.parametrize(("layout", "per_page"), [("3x8", 24), ("4x10", 40)])
def test_pdf_sheet_symbols_all_decode(layout, per_page):
    codes = some_codes(per_page + 3)
    data = [labels.LabelData(c, "梁平柚 礼盒装", "LP2025-0918", "梁平区测试柚子专业合作社") for c in codes]
    pdf = labels.label_sheet_pdf(data, layout)
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    found = decode(pages[0]) | decode(pages[1])
    assert found == {labels.code_url(c) for c in codes}


def test_pdf_symbols_are_vectors_not_images():
    pdf = labels.label_sheet_pdf([labels.LabelData(some_codes(1)[0], "梁平柚", "LP1", "合作社")])
    assert b"/Subtype /Image" not in pdf and b"/XObject" not in pdf


@pytest.mark.django_db
def test_csv_and_zip_export(settings):
    settings.TRACE_BASE_URL = "https://gi.example.cn"
    batch = BatchFactory(gtin="6901234567892", lot_number="LP-7")
    codes = issue_codes(batch, 3)
    rows = labels.code_rows(TraceCode.objects.filter(batch=batch).select_related("batch__producer"))
    text = labels.codes_csv(rows)
    parsed = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["code"] for r in parsed} == {c.printed_code for c in codes}
    row = parsed[0]
    assert row["qr_url"] == f"HTTPS://GI.EXAMPLE.CN/T/{row['code']}"
    assert row["url"] == f"https://gi.example.cn/t/{row['code']}"
    assert row["digital_link"] == f"https://gi.example.cn/01/06901234567892/10/LP-7/21/{row['code']}"
    archive = zipfile.ZipFile(io.BytesIO(labels.codes_zip(rows)))
    assert set(archive.namelist()) == {"codes.csv"} | {f"svg/{c.printed_code}.svg" for c in codes}
    svg = archive.read(f"svg/{codes[0].printed_code}.svg").decode()
    assert decode(svg_to_image(svg)) == {labels.code_url(codes[0].printed_code)}


@pytest.mark.django_db
def test_issue_codes_command_writes_csv_pdf_and_zip(tmp_path, capsys):
    batch = BatchFactory(lot_number="LP-CMD")
    out_csv, out_pdf, out_zip = tmp_path / "c.csv", tmp_path / "l.pdf", tmp_path / "c.zip"
    call_command(
        "issue_codes", "--lot", "LP-CMD", "--count", "30", "--csv", out_csv, "--pdf", out_pdf, "--zip", out_zip
    )
    captured = capsys.readouterr()
    assert "Issued 30 codes for lot LP-CMD" in captured.out and "970 left" in captured.out
    assert "[" in captured.err and "30/30" in captured.err  # the progress bar
    assert batch.codes.count() == 30
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8").lstrip("\ufeff"))))
    assert len(rows) == 30
    pages = pdf_pages(out_pdf.read_bytes())
    assert len(pages) == 2
    assert decode(pages[0]) | decode(pages[1]) == {r["qr_url"] for r in rows}
    assert len(zipfile.ZipFile(out_zip).namelist()) == 31


@pytest.mark.django_db
def test_issue_codes_command_refuses_over_quota_and_unknown_lots(tmp_path):
    BatchFactory(lot_number="LP-Q")
    with translation.override("en"), pytest.raises(CommandError, match="quota"):
        call_command("issue_codes", "--lot", "LP-Q", "--count", "1001", "--csv", tmp_path / "x.csv")
    with pytest.raises(CommandError, match="No batch"):
        call_command("issue_codes", "--lot", "NOPE", "--count", "1", "--csv", tmp_path / "x.csv")
    assert not TraceCode.objects.exists()
    assert not (tmp_path / "x.csv").exists()


# -- large label jobs: built by a background task, downloaded from the job's page --------------


@pytest.fixture
def producer_batch(db, producer_user, settings):
    """Producer A's batch with 6 codes, over a threshold of 5 (so a sheet is a background job)."""
    settings.LABEL_SYNC_MAX_CODES = 5
    batch = BatchFactory()
    batch.producer.accounts.add(producer_user)
    batch.producer.save()  # a ParentalManyToManyField: written on save
    issue_codes(batch, 6)
    return batch


def as_producer(client, user):
    client.force_login(user)
    return client


def download(client, batch, fmt="pdf", **params):
    from django.urls import reverse

    return client.get(reverse("trace_admin:download", args=[batch.pk, fmt]), params)


def job_of(response):
    from gi_registry.trace.models import LabelJob

    assert response.status_code == 302, response.status_code
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return LabelJob.objects.get(token=token)


def test_a_large_sheet_becomes_a_job_and_the_worker_renders_a_valid_pdf(
    client, producer_user, producer_batch, queued_tasks, run_task_worker
):
    from django_tasks_db.models import DBTaskResult

    from gi_registry.trace.models import LabelJob

    response = download(as_producer(client, producer_user), producer_batch, layout="4x10")
    job = job_of(response)
    assert not response.content.startswith(b"%PDF")  # a redirect to the job page, at once
    assert (job.status, job.code_count, job.created_by) == (LabelJob.Status.PENDING, 6, producer_user)
    assert DBTaskResult.objects.count() == 1  # waiting for a worker, not rendered in the request
    page = client.get(response["Location"])
    assert page.status_code == 200 and page["Refresh"] == "3"
    assert b"%PDF" not in page.content
    run_task_worker()  # one pass, then exit
    job.refresh_from_db()
    assert job.status == LabelJob.Status.DONE, job.error
    page = client.get(response["Location"])
    assert "Refresh" not in page
    file = client.get(f"{response['Location']}file")
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    pdf = b"".join(file.streaming_content)
    assert len(pdf_pages(pdf)) == 1
    printed = {c.printed_code for c in producer_batch.codes.all()}
    assert {url.rsplit("/", 1)[-1] for url in decode(pdf_pages(pdf)[0])} == printed


def test_the_same_request_returns_the_same_job(client, producer_user, producer_batch, queued_tasks):
    from django_tasks_db.models import DBTaskResult

    first = job_of(download(as_producer(client, producer_user), producer_batch))
    again = job_of(download(client, producer_batch))
    assert again == first
    other_layout = job_of(download(client, producer_batch, layout="4x10"))
    zip_job = job_of(download(client, producer_batch, "zip"))
    assert len({first.pk, other_layout.pk, zip_job.pk}) == 3
    assert DBTaskResult.objects.count() == 3


def test_a_finished_job_is_returned_again_not_rendered_again(client, producer_user, producer_batch):
    """With the immediate backend the task runs at once; asking again opens the same file."""
    first = job_of(download(as_producer(client, producer_user), producer_batch, "zip"))
    first.refresh_from_db()
    assert first.status == "done"
    assert job_of(download(client, producer_batch, "zip")) == first
    archive = client.get(f"/admin/trace/labels/{first.token}/file")
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert len([n for n in names if n.endswith(".svg")]) == 6


def test_another_producer_cannot_see_or_download_the_job(client, producer_user, producer_batch, django_user_model):
    from django.contrib.auth.models import Group

    from gi_registry.setup import PRODUCERS

    job = job_of(download(as_producer(client, producer_user), producer_batch))
    other = django_user_model.objects.create_user("producer-b", password="pw-for-tests-only")
    other.groups.add(Group.objects.get(name=PRODUCERS))
    theirs = BatchFactory().producer
    theirs.accounts.add(other)
    theirs.save()
    client.force_login(other)
    for url in (f"/admin/trace/labels/{job.token}/", f"/admin/trace/labels/{job.token}/file"):
        assert client.get(url).status_code == 404


def test_small_sheets_stay_in_the_request(client, producer_user, producer_batch, settings):
    settings.LABEL_SYNC_MAX_CODES = 6
    response = download(as_producer(client, producer_user), producer_batch)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
