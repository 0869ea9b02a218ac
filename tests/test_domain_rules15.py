"""The letters' rules of issue 15, one by one, without and with a database: letters dated before
the deadline day, a PO carried over without List, cancelled carried money lapsing, «ยอดอนุมัติ
(ยกยอด)», Labour Day, the Soft Token transition and the day a phone was lost."""

import dataclasses
import datetime as dt

import pytest

from sandbox.adapters.policy_store import bundled_cutovers
from sandbox.domain import auth
from sandbox.domain.calendar import BANGKOK, BusinessCalendar, is_labour_day
from sandbox.domain.errors import Refusal
from sandbox.domain.model import (
    ReserveDocument,
    User,
    approve_document,
    confirm_document,
    list_cancel_document,
    list_document,
)
from sandbox.domain.policy import RoundPolicy, letter_in_time
from sandbox.domain.reserve import cancel_lapses

from .conftest import login


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def doc(doc_type="CX", remaining=500_00) -> ReserveDocument:
    return ReserveDocument(
        doc_no="D1", doc_type=doc_type, unit="u", agency="a", area="1000", fiscal_year=2566, budget_line_id=1,
        budget_code="1" * 20, fund_source="6611200", commitment_item="5101020000", text="", reason="",
        reason_detail="", doc_date=dt.date(2023, 9, 1), posting_date=dt.date(2023, 9, 1), value=remaining,
        remaining=remaining, created_by="x", created_at=at(2023, 9, 1),
    )


def test_a_letter_on_the_deadline_day_is_too_late_the_day_before_is_in_time():
    deadline = RoundPolicy(2566, BusinessCalendar()).september_deadline  # Friday 29 Sep 2023 16:30
    assert not letter_in_time(dt.date(2023, 9, 29), deadline)
    assert letter_in_time(dt.date(2023, 9, 28), deadline)
    march = RoundPolicy(2566, BusinessCalendar()).march_deadline
    assert not letter_in_time(dt.date(2024, 3, 29), march) and letter_in_time(dt.date(2024, 3, 28), march)


def test_a_po_is_carried_without_list_and_lists_in_march():
    po = doc("PO")
    assert po.carried
    with pytest.raises(Refusal) as refused:
        list_document(po, "september")
    assert refused.value.code == "wrong_status"
    list_document(po, "march")
    assert po.status == "22"
    policy = RoundPolicy(2566, BusinessCalendar())
    assert policy.usable_until("", po.carried) == policy.carry_over_usable_until == at(2024, 3, 30)  # end of Fri 29 Mar
    assert policy.usable_until("", doc("CX").carried) == policy.fiscal_year_end


def test_approved_is_the_remaining_listed_kept_through_approval_and_zero_after_a_list_cancel():
    d = doc("CK", 300_000_00)
    assert d.approved == 0
    list_document(d, "september")
    assert d.approved == 300_000_00
    d.remaining -= 50_000_00  # spent while Listed: what was Listed stays the amount to approve
    confirm_document(d)
    approve_document(d)
    assert (d.status, d.approved) == ("50", 300_000_00)
    list_document(d, "march")
    assert d.approved == 250_000_00
    list_cancel_document(d)
    assert d.approved == 0


def test_cancelling_lapses_only_in_a_later_fiscal_year():
    assert cancel_lapses(2566, 2567)
    assert not cancel_lapses(2566, 2566)


def test_labour_day_is_a_business_day_other_holidays_are_not():
    cal = BusinessCalendar()
    assert cal.is_business_day(dt.date(2024, 5, 1)) and cal.is_business_day(dt.date(2025, 5, 1))
    assert not cal.is_business_day(dt.date(2025, 5, 5))  # Coronation Day in lieu
    assert not cal.is_business_day(dt.date(2024, 4, 15))  # Songkran
    assert is_labour_day("National Labor Day") and is_labour_day("National Labour Day (in lieu)")
    assert not is_labour_day("Coronation Day") and not is_labour_day("")
    assert not is_labour_day("National Labor Day; Visakha Bucha")  # a day shared with another holiday stays off


def test_loss_counts_from_the_day_lost_within_bounds():
    now = at(2025, 6, 11, 9)
    assert auth.loss_counted_from(None, now, None) == dt.date(2025, 6, 11)
    assert auth.loss_counted_from(dt.date(2025, 6, 6), now, dt.date(2025, 2, 10)) == dt.date(2025, 6, 6)
    for bad in (dt.date(2025, 6, 12), dt.date(2025, 2, 9)):
        with pytest.raises(Refusal) as refused:
            auth.loss_counted_from(bad, now, dt.date(2025, 2, 10))
        assert (refused.value.code, refused.value.field) == ("invalid_date", "lost_on")
    due = auth.loss_letter_due(BusinessCalendar(), dt.date(2025, 6, 6))
    assert due == at(2025, 6, 12)  # the end of Wed 11 Jun: 9, 10, 11 Jun


def test_transition_dates_of_letter_002():
    cut = bundled_cutovers()["all_agencies"]
    with pytest.raises(Refusal) as refused:
        auth.check_registration_open(cut, at(2025, 2, 9, 23, 59))
    assert refused.value.code == "registration_not_open"
    auth.check_registration_open(cut, at(2025, 2, 10))
    auth.check_registration_open(bundled_cutovers()["pilot_sao"], at(2020, 1, 1))  # no opening date
    treasury = bundled_cutovers()["treasury_offices"]
    with pytest.raises(Refusal):
        auth.check_registration_open(treasury, at(2024, 3, 17, 12))
    assert not auth.token_return_late(cut, at(2025, 5, 30, 23, 59))
    assert auth.token_return_late(cut, at(2025, 5, 31))
    assert not auth.token_return_late(dataclasses.replace(cut, token_return_by=None), at(2030, 1, 1))
    user = User("u", "n", "1" * 13, "unit", frozenset(), "token_key", token_key_held=True, soft_token="registered")
    with pytest.raises(Refusal) as refused:
        auth.check_token_key_return(user)
    assert refused.value.code == "soft_token_not_active"
    assert auth.old_method_reminder(user, "token_key") and not auth.old_method_reminder(user, "soft_token")


def test_a_registered_user_logging_in_the_old_way_gets_a_reminder_and_a_late_return_is_recorded(sqlite_sandbox):
    sb = sqlite_sandbox
    sb.load_world("demo", "2025-02-10T09:00:00+07:00")
    first = login(sb, "tk_appr", "token_key")
    assert "reminder" not in first.data
    assert sb.execute("tk_appr", "phone.install", {"apps": ["nexus_smart_id", "paotang"]}).ok
    assert sb.execute("tk_appr", "paotang.verify", {}).ok
    assert sb.execute("tk_appr", "softtoken.register", {"password": "Sandbox#2566"}).ok
    again = login(sb, "tk_appr", "token_key")
    assert "Soft Token" in again.data["reminder"]
    login(sb, "tk_appr")
    sb.advance_clock("2025-05-10T09:00:00+07:00")
    assert not sb.unit_state("1200100050")["token_keys_overdue"]
    sb.advance_clock("2025-05-31T09:00:00+07:00")
    assert sb.unit_state("1200100050")["token_keys_overdue"]
    assert sb.execute("tk_appr", "user.change_password", {"old": "Sandbox#2566", "new": "Sandbox#2568"}).ok
    login(sb, "tk_appr", password="Sandbox#2568")
    returned = sb.execute("tk_appr", "tokenkey.return", {})
    assert returned.ok and returned.data["late"] is True


def test_the_login_screen_shows_the_reminder(tmp_path):
    from sandbox.engine import Sandbox
    from sandbox.ui.app import App

    sb = Sandbox(str(tmp_path / "login.sqlite"))
    sb.load_world("demo", "2025-02-10T09:00:00+07:00")
    for action, data in (("phone.install", {"apps": ["nexus_smart_id", "paotang"]}), ("paotang.verify", {}),
                         ("softtoken.register", {"password": "Sandbox#2566"})):
        assert sb.execute("tk_appr", action, data).ok
    app = App(sb)
    app.set_person("tk_appr")
    app.show("login")
    screen = app.screen("login")
    screen.password.value = "Sandbox#2566"
    screen.method.value = "token_key"
    screen.login_btn.click()
    assert app.model.last_result.ok
    assert "gf-reminder" in screen.out.value and "Soft Token" in screen.out.value
    sb.close()


def test_an_early_token_key_return_cites_the_return_paragraph_of_the_groups_letter(sqlite_sandbox):
    """docs/rules.md §3.5: a Token Key goes back once the Soft Token is active [000 §4, 002 §4], and each
    refusal of the transition cites its letter: for every disbursing agency, 002 paragraph 4."""
    sb = sqlite_sandbox
    sb.load_world("demo", "2025-02-10T09:00:00+07:00")
    for action, data in (("phone.install", {"apps": ["nexus_smart_id", "paotang"]}), ("paotang.verify", {}),
                         ("softtoken.register", {"password": "Sandbox#2566"})):
        assert sb.execute("tk_appr", action, data).ok
    login(sb, "tk_appr", "token_key")
    early = sb.execute("tk_appr", "tokenkey.return", {})
    assert early.error == "soft_token_not_active"
    assert early.source_en.startswith("[002]") and early.source_en.endswith("paragraph 4 (return of the Token Key)")
    assert early.source_th.startswith("[002]") and early.source_th.endswith("ข้อ 4 (การส่งคืน GFMIS Token Key)")
    # logging in without a Soft Token still cites the MoF rules on login
    refused = sb.execute("pw_rec", "auth.login", {"method": "soft_token", "password": "Sandbox#2566", "otp": "auto"})
    assert refused.error == "soft_token_not_active" and refused.source_en.startswith("[000]")
