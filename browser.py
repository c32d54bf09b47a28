"""Launching Debian's chromium through Playwright, for the browser tests and screenshot commands.

Playwright's own browser download cannot work on these machines; /usr/bin/chromium can.
"""

import os
import shutil

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# Every form field and widget (rich-text editors, StreamField blocks, choosers, panels) that reaches
# past either edge of the screen; visible ones only. Used with ``no_overflow`` by the phone tests.
FIELDS_INSIDE = """() => [...document.querySelectorAll([
        'main select', 'main input:not([type=hidden])', 'main textarea', 'main .w-field',
        'main .w-field__input', 'main .Draftail-Editor', 'main .w-panel__content',
        'main [data-streamfield-stream-container]', 'main [data-chooser-url]',
    ].join(', '))]
    .filter(e => e.offsetParent !== null)
    .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1 || r.left < -1; })
    .map(e => e.name || e.id || e.className)"""


def no_overflow(page) -> bool:
    """Neither the page nor any form field or widget is wider than the screen."""
    width = page.viewport_size["width"]
    return page.evaluate("document.documentElement.scrollWidth") <= width and page.evaluate(FIELDS_INSIDE) == []


def wait_for_image(image) -> int:
    """Wait until the ``<img>`` of the locator ``image`` has arrived (its element is there well
    before, on a loaded machine); its natural width. A broken image fails by timeout. The check is
    a function with its argument: a string expression would be polled with ``eval`` in the page,
    which the site's CSP (no 'unsafe-eval') refuses."""
    image.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    return image.evaluate("img => img.naturalWidth")


TEST_ACCOUNTS_PASSWORD = "pw-for-tests-only"  # noqa: S105  (gi_registry.factories.TEST_PASSWORD)


def log_in(page, base: str, username: str = "producer", password: str = TEST_ACCOUNTS_PASSWORD) -> None:
    """Sign in to the admin (the test accounts' password by default) and land on the dashboard."""
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
