"""The trainer's page: the result of the last action stays on the page across a language switch,
said in the new language first, with a moment written in each language's way."""

from __future__ import annotations

import html

from .test_class_serve import klass  # noqa: F401  (the class fixture)
from .test_ux7 import _trainer


def test_the_last_result_follows_the_language_switch_and_back(klass):  # noqa: F811
    room, _info = klass
    page = _trainer(room)
    page.move_clock("29/03/2570 16:31", False)
    thai = html.unescape(page.message.value)
    assert thai.index("ตั้งเวลาของผู้เข้าอบรมทุกคน") < thai.index("Every trainee's clock"), thai
    assert "29 มีนาคม 2570" in thai

    page.set_lang("en")
    english = html.unescape(page.message.value)
    assert "gf-ok" in english, english
    assert english.index("Every trainee's clock") < english.index("ตั้งเวลาของผู้เข้าอบรมทุกคน"), english
    english_part = english[english.index("Every trainee's clock"):english.index(" · ")]
    assert "2570" in english_part and "มีนาคม" not in english_part, english_part  # written the English way

    page.set_lang("th")
    assert html.unescape(page.message.value) == thai


def test_a_refusal_stays_across_the_switch(klass):  # noqa: F811
    room, _info = klass
    page = _trainer(room)
    page.move_clock("31/13/2570 10:00")
    refused = page.message.value
    assert "gf-trainer-clock-bad" in refused
    page.set_lang("en")
    assert page.message.value == refused  # it carries both languages already
