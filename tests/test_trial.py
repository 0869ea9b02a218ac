"""Brief S5-trial: small text fixes a new trainee met on the screens."""

import pytest

from sandbox import errors
from sandbox.domain.errors import Refusal
from sandbox.domain.reserve import amount_of


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_amount_says_blank_not_none(blank):
    with pytest.raises(Refusal) as caught:
        amount_of(blank)
    th, en = errors.message(caught.value, "th"), errors.message(caught.value, "en")
    assert "None" not in th and "None" not in en
    assert "(ได้รับ ช่องว่าง)" in th and "(got blank)" in en


def test_wrong_amount_still_quoted():
    with pytest.raises(Refusal) as caught:
        amount_of("-5")
    assert "(got -5)" in errors.message(caught.value, "en")


def test_the_app_menu_leads_to_the_exercise_catalogue(app):
    """A new trainee found no way from the app to the exercises (the trial, issue 16)."""
    menu = " ".join(getattr(x, "value", "") for x in app.menu.children)
    assert "href='scenarios/catalogue.ipynb'" in menu and "แบบฝึกหัดทั้งหมด" in menu
    app.set_lang("en")
    assert "All exercises" in " ".join(getattr(x, "value", "") for x in app.menu.children)


def test_the_catalogues_test_link_starts_a_test_not_the_earlier_practice(tmp_path):
    """Opening the exercise in another mode (the catalogue's «ทดสอบ») starts a run in that mode;
    opening it with no mode resumes the saved run (the trial, issue 16)."""
    from sandbox.engine import Sandbox
    from sandbox.ui.app import App

    sb = Sandbox(str(tmp_path / "t.sqlite"))
    first = App(sb, scenario="sept-round-cx-basic", mode="practice")
    first.guide.play_step()
    assert first.guide.player.position == 1
    assert App(sb, scenario="sept-round-cx-basic").guide.player.position == 1  # resumed, no mode asked
    again = App(sb, scenario="sept-round-cx-basic", mode="test")
    assert again.guide.mode == "test" and again.guide.player.position == 0
    sb.close()
