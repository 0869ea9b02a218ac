import copy

import pytest

from sandbox.errors import WorldError
from sandbox.world import validate_world, world_data

START = "2023-09-04T09:00:00+07:00"


def demo():
    from sandbox.calendar import parse_datetime

    return copy.deepcopy(world_data("demo", parse_datetime(START)))


def problems_of(world) -> list[str]:
    with pytest.raises(WorldError) as info:
        validate_world(world)
    return info.value.problems


def test_demo_world_is_valid_and_has_every_role_and_kind():
    spec = validate_world(demo())
    roles = {r for u in spec.users for r in u.roles}
    assert roles == {
        "recorder", "approver_withdrawal", "approver_payment", "remitter", "head",
        "cgd_officer", "provincial_treasury_officer", "trainer",
    }
    kinds = {a.kind for a in spec.agencies}
    assert {"cgd", "provincial_treasury", "government", "state_agency", "dla_provincial", "lao"} <= kinds
    credentials = {u.credential for u in spec.users}
    assert credentials == {"token_key", "password", "none"}
    assert any(u.regional for u in spec.units)
    # fund sources carry the start's fiscal year (2566 → "66")
    assert all(b.fund_source.startswith("66") for b in spec.budget_lines)


def test_bad_national_id_check_digit_names_the_entry_and_field():
    world = demo()
    world["users"][0]["national_id"] = "3526018159083"
    (problem,) = problems_of(world)
    assert problem.startswith("users[0] (cgd1).national_id")


def test_segregation_of_duties_breaks_the_world():
    world = demo()
    world["users"][3]["roles"] = ["approver_withdrawal", "approver_payment"]
    (problem,) = problems_of(world)
    assert "users[3] (rec_c).roles" in problem and "segregation_of_duties" in problem


@pytest.mark.parametrize(
    ("section", "index", "field", "value", "expected"),
    [
        ("agencies", 0, "code", "3004", "agencies[0] (3004).code"),
        ("agencies", 0, "kind", "ministry", "agencies[0] (03004).kind"),
        ("units", 1, "code", "030065000", "units[1] (030065000).code"),
        ("units", 1, "area", "50", "units[1] (0300650000).area"),
        ("budget_lines", 0, "budget_code", "1200135000100000000", "budget_lines[0] (1200100000/1200135000100000000).budget_code"),
        ("budget_lines", 0, "fund_source", "661120", "budget_lines[0] (1200100000/12001350001000000001).fund_source"),
        ("users", 2, "roles", ["treasurer"], "users[2] (pto1).roles"),
        ("users", 2, "unit", "9999999999", "users[2] (pto1).unit"),
    ],
)
def test_each_error_names_the_entry_and_field(section, index, field, value, expected):
    world = demo()
    world[section][index][field] = value
    assert any(p.startswith(expected) for p in problems_of(world)), problems_of(world)


def test_unknown_field_is_refused_with_its_place():
    world = demo()
    world["users"][1]["nickname"] = "x"
    (problem,) = problems_of(world)
    assert problem.startswith("users[1] (trainer).nickname")


def test_all_problems_are_reported_at_once():
    world = demo()
    world["users"][0]["national_id"] = "1"
    world["units"][0]["area"] = "x"
    assert len(problems_of(world)) == 2


def test_unknown_bundled_world():
    with pytest.raises(WorldError):
        validate_world("atlantis")
