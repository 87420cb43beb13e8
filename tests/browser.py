"""What the browser tests share: the system Chromium, screenshots to tests/screenshots/, axe-core,
tap-target and page-count measurements."""

import io
import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("ADVISOR_SCREENSHOTS", Path(__file__).parent / "screenshots"))
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="system Chromium (/usr/bin/chromium) is not "
                                    "installed; `make test` installs it through scripts/system-deps")


def launch(playwright: Any) -> Any:
    """The system Chromium, headless, without network chatter."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def screenshot(page: Any, name: str) -> None:
    """A full-page screenshot for people to look at (tests/screenshots/NAME.png, git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def small_tap_targets(page: Any) -> list[str]:
    """Visible links, buttons and form controls smaller than 44 × 44 CSS px (a label counts for
    its radio or checkbox; a link inside running text is exempt, as WCAG 2.5.5 allows)."""
    return page.evaluate("""() => {
      const small = [];
      for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, summary')) {
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
        if (el.closest('p, li, dd') && el.tagName === 'A' && !el.classList.contains('button')
            && el.closest('p, li, dd').textContent.trim() !== el.textContent.trim()) continue;
        let box = el.getBoundingClientRect();
        if (box.right <= 0 || box.bottom <= 0) continue;  // off screen until focused (the skip link)
        if ((el.type === 'radio' || el.type === 'checkbox') && el.closest('label'))
          box = el.closest('label').getBoundingClientRect();
        if (el.readOnly) continue;
        const name = el.name || el.textContent.trim().slice(0, 30);
        if (box.height < 44 - 0.5 || box.width < 44 - 0.5)
          small.push(`${el.tagName} ${name} ${Math.round(box.width)}x${Math.round(box.height)}`);
      }
      return small;
    }""")


def pdf_pages(page: Any) -> int:
    """How many A4 pages the page prints on, as Chromium prints it."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    return len(PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True))).pages)


def pdf_page_lines(page: Any) -> list[int]:
    """The lines of text on each A4 page the page prints on (a page holding one line is a defect)."""
    from pypdf import PdfReader

    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    return [len([line for line in (pdf.extract_text() or "").splitlines() if line.strip()]) for pdf in reader.pages]
