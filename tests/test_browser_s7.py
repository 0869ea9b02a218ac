"""Brief S7 in a real browser at 1366×768, what only a browser shows: a placeholder reads as an
example (lighter and slanted), not as a value typed; the contract table's headers keep their words
on one line and its «แก้ไข» stays in sight; the switch list shows the longest person's entry whole,
and the chosen entry is the box's tooltip. Screenshots go to ``SANDBOX_SHOTS`` (default: a
temporary folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .test_browser import Trainee, new_page, nothing_off_the_server, voila  # noqa: F401

pytestmark = pytest.mark.browser

LONG_ITEM = "ปรับปรุงห้องเรียนอาคารเรียนหลังที่ 3 จำนวน 3 ห้อง"

# The computed look of a box's placeholder and of a typed value, in the page
LOOK = """sel => {
  const box = document.querySelector(sel);
  const holder = getComputedStyle(box, '::placeholder');
  const typed = getComputedStyle(box);
  return {holder: holder.color, slant: holder.fontStyle, typed: typed.color, typedSlant: typed.fontStyle};
}"""

# Each header of the contract lines (the grid's first row): its words, the lines it takes, and the
# words broken across lines (a word: what spaces separate; a header may break only between words)
HEADS = """() => { const g = document.querySelector('.gf-screen-sng01 .gf-lines-grid');
  const n = getComputedStyle(g).gridTemplateColumns.split(' ').length;
  return Array.from(g.children).slice(0, n).map(c => c.querySelector('b')).filter(h => h && h.textContent.trim())
    .map(h => ({text: h.textContent.trim(), words: h.textContent.trim().split(/\\s+/).length,
                lines: new Set(Array.from(h.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))).size,
                broken: Array.from(h.querySelectorAll('.gf-word')).filter(w => w.getClientRects().length > 1).length}));
}"""

# The switch list: the chosen entry's text width (as the box's font draws it) and the room inside
SWITCH = """() => {
  const s = document.querySelector('.gf-switch-user select');
  const style = getComputedStyle(s);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = s.options[s.selectedIndex].textContent;
  const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;  // the arrow
  const title = s.title || (s.closest('[title]') || {}).title || '';
  return {text, width: ctx.measureText(text).width, room, title,
          page: document.documentElement.scrollWidth, window: window.innerWidth};
}"""


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(x)) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("SANDBOX_SHOTS") or tmp_path_factory.mktemp("shots-s7"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def page(voila, browser):  # noqa: F811
    p = new_page(browser, viewport={"width": 1366, "height": 768})
    p.set_default_timeout(120_000)
    p.goto(f"{voila}/voila/render/app.ipynb")
    p.wait_for_selector(".gf-login-user input", timeout=180_000)
    yield p
    p.close()


def test_a_placeholder_is_lighter_and_slanted_not_a_value(page, shots):
    you = Trainee(page)
    you.login()
    you.menu("sng01")
    page.wait_for_selector(".gf-amount input")
    look = page.evaluate(LOOK, ".gf-amount input")  # placeholder 1,250,000.00
    assert look["slant"] == "italic" and look["typedSlant"] == "normal", look
    assert sum(_rgb(look["holder"])) > sum(_rgb(look["typed"])) + 200, look  # clearly lighter than typed text
    date = page.evaluate(LOOK, ".gf-doc-date input")  # the clock's today, 01/09/2568
    assert date["slant"] == "italic", date
    page.screenshot(path=str(shots / "s7-sng01-placeholders.png"))


def test_the_contract_table_keeps_its_headers_whole_and_its_buttons_in_sight(page, shots):
    you = Trainee(page)
    page.click(".gf-screen-sng01 .lm-TabBar-tab >> nth=1")
    for n in (1, 2):
        you.fill("gf-c-lao_name", "องค์การบริหารส่วนตำบลบ้านใหม่")
        you.fill("gf-c-contract_no", f"สัญญาเลขที่ 12/256{n}")
        you.fill("gf-c-item", LONG_ITEM)
        you.fill("gf-c-creditor", "ห้างหุ้นส่วนจำกัด ล้านนาช่างก่อสร้าง")
        you.button("gf-store-line")
        page.wait_for_selector(f"button.gf-line-edit-{n}")
    heads = page.evaluate(HEADS)
    assert len(heads) == 8, heads
    broken = [h["text"] for h in heads if h["lines"] > h["words"] or h["broken"]]
    assert broken == [], heads  # «รายชื่อเจ้าหนี้», «วันที่ลงนาม», «วันที่ครบกำหนด» are words: never broken
    panel = page.eval_on_selector(".gf-screen-sng01 .gf-lines", "e => e.getBoundingClientRect().right")
    edit = page.eval_on_selector("button.gf-line-edit-1", "e => e.getBoundingClientRect().right")
    assert edit <= panel, (edit, panel)  # «แก้ไข» is seen without scrolling the table
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    fit = page.eval_on_selector(".gf-screen-sng01 .gf-lines-grid", "e => [e.scrollWidth, e.clientWidth]")
    print("contract lines: table", fit[0], "px in a panel of", fit[1], "px")  # wider: it scrolls inside
    page.eval_on_selector("button.gf-line-edit-1", "e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(shots / "s7-sng01-contract-lines.png"))


def test_the_switch_list_shows_the_longest_entry_whole_with_a_tooltip(page, shots):
    labels = page.eval_on_selector(".gf-switch-user select", "s => Array.from(s.options).map(o => o.textContent)")
    longest = max(labels, key=len)
    page.select_option(".gf-switch-user select", label=longest)
    whole = longest.replace("\xa0", " ")  # (ipywidgets draws an option's spaces as no-break spaces)
    user = whole.rsplit(" · ", 1)[1]
    page.wait_for_function(f"document.querySelector('.gf-who').textContent.startsWith('{user}')")
    page.wait_for_function("t => (document.querySelector('.gf-switch-user select').title || '') === t", arg=whole)
    m = page.evaluate(SWITCH)
    assert m["text"] == longest and m["width"] <= m["room"], m  # read whole in the box
    assert m["title"] == whole, m
    assert m["page"] <= m["window"], m  # the bar holds in the window
    page.screenshot(path=str(shots / "s7-switch-longest.png"))
