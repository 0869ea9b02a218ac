"""Issue 16 in a real browser at a training room's laptop size (1366×768), Thai and English: a
screen opens at its top (not at the scroll position of a long list on the screen before), the
contract lines' «แก้ไข» button is not cut, and the chosen reason is read whole (in its box, or
spelled out beneath it when no box of the form's width holds it). Photographs of the reserve screen
with contract lines, an error banner and the switch list go to ``SANDBOX_SHOTS`` (default: a
temporary folder) at 1366×768 and 1920×1080."""

from __future__ import annotations

import pytest

from .test_browser import Trainee, nothing_off_the_server, voila  # noqa: F401
from .test_browser_layout import open_at, photo, shots  # noqa: F401

pytestmark = pytest.mark.browser

# The window and every box around the screens scrolled as far down as they go; how far they went.
SCROLL_DOWN = """() => {
  let moved = 0;
  for (let x = document.querySelector('.gf-area'); x; x = x.parentElement) {
    if (x.scrollHeight > x.clientHeight + 1) { x.scrollTop = x.scrollHeight; moved += x.scrollTop; }
  }
  window.scrollTo(0, document.documentElement.scrollHeight);
  return moved + window.scrollY;
}"""

TOP_OF = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
  return {top: r.top, height: window.innerHeight}; }"""

# A control whose text is cut: a button's label wider than the button, or a select's chosen text
# wider than the room inside it (the text measured with the select's own font).
CUT = """sel => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent !== null).map(e => {
  if (e.tagName === 'SELECT') {
    const c = document.createElement('canvas').getContext('2d');
    const s = getComputedStyle(e);
    c.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const text = e.options[e.selectedIndex] ? e.options[e.selectedIndex].text : '';
    const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 18;
    return {text, cut: c.measureText(text).width > room, need: c.measureText(text).width, room};
  }
  return {text: e.textContent, cut: e.scrollWidth > e.clientWidth + 1, need: e.scrollWidth, room: e.clientWidth};
})"""


def contract_lines(you: Trainee) -> None:
    page = you.page
    you.button("gf-fn-create")
    you.general_data("CX04", "125,000.00", "จ้างซ่อมหลังคาอาคารเรียน")
    page.click(".gf-screen-sng01 .lm-TabBar-tab >> nth=1")
    for item in ("ซ่อมหลังคาอาคารเรียน", "ทาสีภายนอกอาคารอเนกประสงค์"):
        you.fill("gf-c-item", item)
        you.fill("gf-c-creditor", "ห้างหุ้นส่วนจำกัด ล้านนาช่างก่อสร้าง")
        you.button("gf-store-line")
    page.wait_for_selector("button.gf-line-edit-2")


def refusal(you: Trainee) -> None:
    """A refused action: cancelling a document that does not exist."""
    page = you.page
    you.button("gf-fn-cancel")
    you.fill("gf-cancel-doc", "CX99999999")
    you.button("gf-cancel-save")
    page.wait_for_selector(".gf-screen-sng01 .gf-refusal")


def switch_list_photo(page, shots, name: str) -> None:  # noqa: F811
    """The switch list drawn open (a native list opens outside the page, where no photo reaches)."""
    page.eval_on_selector(".gf-switch-user select", "s => { s.size = 24; s.style.height = '430px';"
                          " s.parentElement.style.height = 'auto'; s.closest('.gf-bar').style.position = 'relative'; }")
    photo(page, shots, name)
    page.eval_on_selector(".gf-switch-user select", "s => { s.size = 0; s.style.height = ''; s.parentElement.style.height = ''; }")


def test_a_screen_opens_at_its_top_and_labels_fit(voila, browser, shots):  # noqa: F811
    url = f"{voila}/voila/render/app.ipynb"
    problems: list = []
    for lang in ("th", "en"):
        for size in ((1366, 768), (1920, 1080)):
            page = open_at(browser, url, size)
            you = Trainee(page)
            if lang == "th" and size == (1366, 768):
                you.login()  # rec1, once: the sandbox keeps the session
            if lang == "en" and "ภาษาไทย" not in page.inner_text("button.gf-lang"):  # a kernel started before the switch
                page.click("button.gf-lang")
                page.wait_for_function("document.querySelector('button.gf-lang').textContent.includes('ภาษาไทย')")
            tag = f"{lang}-{size[0]}x{size[1]}"
            if size == (1366, 768):  # a long screen scrolled to its bottom, then another screen
                for first, then in (("sng01", "nfma60"), ("nfma60", "sng01")):
                    you.menu(first)
                    if first == "nfma60":
                        page.click("button.gf-rep-show")
                        page.wait_for_selector(".gf-screen-nfma60 .gf-scroll table")
                    else:
                        you.button("gf-fn-create")
                    assert page.evaluate(SCROLL_DOWN) > 50, (tag, first, "not long enough to scroll")
                    you.menu(then)
                    page.wait_for_timeout(400)
                    where = page.evaluate(TOP_OF, f".gf-screen-{then} .gf-title")
                    if not 0 <= where["top"] < where["height"] / 2:
                        problems.append((tag, f"{then} opened scrolled after {first}", where))
            you.menu("sng01")
            contract_lines(you)
            cut = page.evaluate(CUT, ".gf-screen-sng01 .gf-lines button")
            assert len(cut) == 4, (tag, cut)
            problems += [(tag, "line button cut", c) for c in cut if c["cut"]]
            photo(page, shots, f"{tag}-sng01-contract-lines")
            page.click(".gf-screen-sng01 .lm-TabBar-tab >> nth=0")
            cut = page.evaluate(CUT, ".gf-screen-sng01 .gf-reason select")
            assert len(cut) == 1, (tag, cut)
            row = page.eval_on_selector(".gf-screen-sng01 .gf-reason", "e => { const p = e.parentElement.firstElementChild;"
                                        " return [p.getBoundingClientRect().top, e.getBoundingClientRect().top]; }")
            if abs(row[0] - row[1]) > 12:
                problems.append((tag, "the reason box wrapped below its label", row))
            full = page.evaluate(CUT, ".gf-screen-sng01 .gf-reason-full .gf-reason-text")
            if cut[0]["cut"]:  # too long for any box at this width: then spelled out whole beneath it
                same = full and full[0]["text"].replace("\xa0", " ") == cut[0]["text"].replace("\xa0", " ")
                if not (same and not full[0]["cut"]):
                    problems.append((tag, "reason cut and not spelled out", cut, full))
                if cut[0]["room"] < 440:
                    problems.append((tag, "reason box narrower than the form allows", cut))
            photo(page, shots, f"{tag}-sng01-reason")
            refusal(you)
            photo(page, shots, f"{tag}-sng01-error-banner")
            switch_list_photo(page, shots, f"{tag}-switch-list")
            page.close()
    assert problems == [], "\n".join(map(str, problems))
