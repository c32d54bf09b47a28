"""Load: the report endpoint on a live server on 127.0.0.1 under a flood of concurrent POSTs (with
a photo each) from one address. Past ``PROTECTION_REPORT_RATE_LIMIT`` every answer is 429 with Retry-After and no
report, case or photo is written; the form page itself keeps answering."""

import http.client
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from gi_registry.protection.models import Case, Report, ReportPhoto

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LIMIT = 5
FLOOD = 60


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit windows of 127.0.0.1 (every live-server request's address) start empty and end empty."""
    cache.clear()
    yield
    cache.clear()


def multipart(fields: dict, photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="box.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_flood_of_reports_from_one_address_gets_429_and_writes_nothing_more(live_server, settings):
    import io

    from PIL import Image

    settings.PROTECTION_REPORT_RATE_LIMIT = LIMIT
    settings.PROTECTION_REPORT_RATE_WINDOW = 3600
    host = urlsplit(live_server.url)
    first = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    first.request("GET", "/report/?code=DEMOXFAKEXCODEX2345X")
    page = first.getresponse()
    html = page.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    out = io.BytesIO()
    Image.new("RGB", (200, 150), "green").save(out, "JPEG")
    body, content_type = multipart(
        {
            "csrfmiddlewaretoken": token,
            "code": "DEMOXFAKEXCODEX2345X",
            "where_bought": "market",
            "shop_name": "双桂农贸市场",
            "problems": ["code_fails"],
            "data_consent": "on",
        },
        out.getvalue(),
    )
    headers = {"Content-Type": content_type, "Cookie": f"csrftoken={cookie}", "Referer": live_server.url + "/report/"}

    def send(_n):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        connection.request("POST", "/report/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After")

    # the allowed ones one at a time (the test server's threads share one in-memory SQLite
    # connection, which cannot hold two write transactions at once), then the flood, concurrent
    assert [send(n)[0] for n in range(LIMIT)] == [302] * LIMIT
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(FLOOD)))
    assert [status for status, _retry in answers] == [429] * FLOOD
    assert all(retry and 0 < int(retry) <= 3600 for _status, retry in answers)
    assert Report.objects.count() == LIMIT and ReportPhoto.objects.count() == LIMIT
    assert Case.objects.count() == 1  # the same shop: the reports joined one case
    # more of the same: nothing more written
    assert {send(n)[0] for n in range(10)} == {429}
    assert Report.objects.count() == LIMIT and ReportPhoto.objects.count() == LIMIT
    # the form page still answers
    again = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    again.request("GET", "/report/")
    assert again.getresponse().status == 200
