"""In a real browser: the public site pages (home, a brand, a product family, the plan-indicators
dashboard, the contact page, and their English versions) at phone and desktop size.

Each page must not overflow sideways, must have its landmarks (banner, main navigation, main,
contentinfo) exactly once, and must pass axe-core's WCAG 2.1 A/AA and best-practice rules with no
"serious" or "critical" violation. Screenshots are left in screenshots/ (``site-<page>-<size>.png``).

axe-core comes from npm: ``npm ci`` at the repository root (package.json / package-lock.json).
"""

import os
import re
from pathlib import Path

import pytest

from browser import DESKTOP, PHONE

# serialized_rollback: a transactional test flushes the tables, the migrations' reference data with them
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
FAILING_IMPACTS = {"serious", "critical"}

PAGES = {
    "home": "/",
    "brand": "/brands/wuzi-dengke/",
    "family": "/pomelo/",
    "indicators": "/indicators/",
    "contact": "/contact/",
    "en-home": "/en/",
    "en-brand": "/en/brands/wuzi-dengke/",
}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# each landmark exactly once, found by its ARIA role as assistive technology finds it; the header
# also holds the language switcher, so the main navigation is picked out by its name
LANDMARKS = {
    "banner": ("banner", None),
    "main navigation": ("navigation", re.compile(r"^(Main|主导航)$")),
    "main": ("main", None),
    "contentinfo": ("contentinfo", None),
}


def require_axe() -> Path:
    """axe-core's script. Missing (no `npm ci`), the test fails where a browser is required (CI)
    and is skipped elsewhere; an accessibility check never passes without having run."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci` at the repository root to install axe-core"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


MESSAGES_SHOWN = (
    "() => [...document.querySelectorAll('.messages > ul')].every(u => getComputedStyle(u).opacity === '1')"
)


def settle_messages(page) -> None:
    """Wagtail fades its messages in (opacity, 0.5 s); axe measures colours, so wait until they are
    opaque (on a loaded machine axe otherwise reads a half-faded message as low contrast)."""
    page.wait_for_function(MESSAGES_SHOWN)


def assert_axe_clean(page) -> None:
    """axe-core's WCAG 2.1 A/AA and best-practice rules on a page where axe is already loaded (an
    init script): no serious or critical violation, measured once Wagtail's messages are shown."""
    require_axe()
    settle_messages(page)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not serious, describe(serious)


@pytest.fixture
def axe_source():
    return require_axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"  - {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"      {', '.join(targets)}{f' (+{more} more)' if more > 0 else ''}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_public_pages_fit_have_landmarks_and_pass_axe(
    size, axe_source, browser, live_server, demo_site, screenshot_dir, subtests
):
    page = browser.new_page(viewport=VIEWPORTS[size])
    # axe-core as an init script (run by the browser itself, outside the page's Content-Security-
    # Policy): add_script_tag inserts an inline <script>, which the strict public policy blocks.
    page.add_init_script(path=axe_source)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    for name, path in PAGES.items():
        with subtests.test(page=name, size=size):
            csp_errors.clear()
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{path}: HTTP {response.status}"
            assert "script-src 'self'" in response.headers["content-security-policy"], path
            page.screenshot(path=screenshot_dir / f"site-{name}-{size}.png", full_page=True)

            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll_width <= inner_width + 1, f"{path} overflows sideways: {scroll_width}px in {inner_width}px"

            counts = {
                landmark: page.get_by_role(role, name=name).count() for landmark, (role, name) in LANDMARKS.items()
            }
            assert all(count == 1 for count in counts.values()), f"{path}: landmarks not once each: {counts}"

            result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            serious = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
            assert not serious, f"{path} ({size}) has serious accessibility problems:\n{describe(serious)}"
            assert csp_errors == [], f"{path} ({size}) broke its Content-Security-Policy: {csp_errors}"
    page.close()
