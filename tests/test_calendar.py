import datetime as dt

import pytest

from sandbox.calendar import (
    BANGKOK,
    BusinessCalendar,
    add_months,
    be_year,
    fiscal_year,
    fiscal_year_bounds,
    format_date,
    format_datetime,
    parse_date,
    parse_datetime,
)


def test_fiscal_year_boundary_30_september_and_1_october():
    assert fiscal_year(dt.date(2023, 9, 30)) == 2566
    assert fiscal_year(dt.date(2023, 10, 1)) == 2567
    assert fiscal_year(dt.datetime(2023, 9, 30, 23, 59, 59, tzinfo=BANGKOK)) == 2566
    assert fiscal_year(dt.datetime(2023, 10, 1, 0, 0, tzinfo=BANGKOK)) == 2567


def test_fiscal_year_uses_bangkok_time_not_utc():
    # 30 Sep 2023 18:00 UTC is already 1 Oct 01:00 in Bangkok.
    assert fiscal_year(dt.datetime(2023, 9, 30, 18, 0, tzinfo=dt.UTC)) == 2567


def test_fiscal_year_bounds():
    start, stop = fiscal_year_bounds(2567)
    assert start == dt.datetime(2023, 10, 1, tzinfo=BANGKOK)
    assert stop == dt.datetime(2024, 10, 1, tzinfo=BANGKOK)


def test_be_years():
    assert be_year(2024) == 2567
    assert format_date(dt.date(2024, 3, 29)) == "29 มีนาคม 2567"
    assert format_date(dt.date(2024, 3, 29), thai_digits=True) == "๒๙ มีนาคม ๒๕๖๗"
    assert format_datetime(dt.datetime(2024, 3, 29, 16, 30, tzinfo=BANGKOK), thai_digits=True) == "๒๙ มีนาคม ๒๕๖๗ เวลา ๑๖.๓๐ น."


@pytest.mark.parametrize(
    "text",
    ["2024-03-29", "29/03/2567", "29/3/2024", "๒๙/๐๓/๒๕๖๗", "29 มีนาคม 2567", "29 มี.ค. 2567", "๒๙ มีนาคม ๒๕๖๗", "29/03/67"],
)
def test_parse_date_as_thai_users_type_it(text):
    assert parse_date(text) == dt.date(2024, 3, 29)


@pytest.mark.parametrize("text", ["", "tomorrow", "31/02/2567", "2567"])
def test_parse_date_refuses_non_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_parse_datetime_defaults_to_bangkok():
    assert parse_datetime("2024-03-29T16:30:00") == dt.datetime(2024, 3, 29, 16, 30, tzinfo=BANGKOK)
    assert parse_datetime("2024-03-29T09:30:00Z").hour == 16


def test_last_business_day_of_march_2567_is_the_seed_deadline_day():
    # MoF letter in [004]: the March round closes 29 มีนาคม 2567 (a Friday).
    assert BusinessCalendar().last_business_day(2024, 3) == dt.date(2024, 3, 29)


def test_last_business_day_moved_by_a_holiday():
    cal = BusinessCalendar()
    assert cal.last_business_day(2023, 9) == dt.date(2023, 9, 29)
    moved = BusinessCalendar(extra_holidays=[dt.date(2023, 9, 29)])
    assert moved.last_business_day(2023, 9) == dt.date(2023, 9, 28)


def test_thai_public_holidays_are_not_business_days():
    cal = BusinessCalendar()
    assert not cal.is_business_day(dt.date(2024, 4, 15))  # Songkran
    assert cal.holiday_name(dt.date(2023, 10, 23))  # Chulalongkorn Day
    assert not cal.is_business_day(dt.date(2024, 3, 30))  # Saturday
    assert cal.is_business_day(dt.date(2024, 3, 28))


def test_n_business_days_after_skips_weekends_and_holidays():
    cal = BusinessCalendar()
    # Friday 12 Apr 2024 + 3 business days: Songkran 13–16 Apr, so Wed 17, Thu 18, Fri 19.
    assert cal.add_business_days(dt.date(2024, 4, 12), 3) == dt.date(2024, 4, 19)
    assert cal.add_business_days(dt.date(2024, 3, 25), 3) == dt.date(2024, 3, 28)


def test_add_months_clips_to_month_end():
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 1, 15), 3) == dt.date(2024, 4, 15)
