"""Class mode: a class and its trainees, a sandbox per trainee, sign-in, the gradebook, the class
sheet and the command line — on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from sandbox.classroom import ClassError, Classroom
from sandbox.classroom.class_sheet import class_sheet, personal_link

from .conftest import login, reserve_data

START = "2023-09-04T09:00:00+07:00"
EXERCISE = "sept-round-cx-basic"
ROOT = Path(__file__).resolve().parents[1]


def unique(prefix: str = "c") -> str:
    """A class name of its own: the PostgreSQL class database is shared by the test session."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def room(db_url, tmp_path):
    class_db = str(tmp_path / "classes.sqlite") if "://" not in db_url else db_url
    r = Classroom(class_db, tmp_path / "sandboxes")
    yield r
    r.close()


def make_doc(sb, text: str) -> str:
    login(sb, "rec1", "password")
    result = sb.execute("rec1", "reserve.create", reserve_data("CK", 1000, text, "item"))
    assert result.ok, result.error
    return result.data["doc_no"]


def test_create_class_gives_codes_tokens_and_a_trainer_code(room):
    name = unique()
    info = room.create_class(name, trainees=5, exercises=[EXERCISE], start=START)
    assert info.codes == ["GR01", "GR02", "GR03", "GR04", "GR05"]
    tokens = [t["token"] for t in info.trainees]
    assert len(set(tokens)) == 5 and all(len(t) >= 20 for t in tokens)
    assert info.trainer_code not in tokens and info.exercises == [EXERCISE]
    assert name in [c.name for c in room.classes()]
    with pytest.raises(ClassError) as exc:
        room.create_class(name)
    assert exc.value.key == "class_exists"
    for bad in ({"name": "a b"}, {"name": unique(), "trainees": 0}, {"name": unique(), "exercises": ["nope"]},
                {"name": unique(), "world": "mars"}, {"name": unique(), "start": "tomorrow"}):
        with pytest.raises(ClassError):
            room.create_class(**bad)


def test_sign_in_with_code_token_or_trainer_code(room):
    a = room.create_class(unique("a"), trainees=3, start=START)
    b = room.create_class(unique("b"), trainees=3, start=START)
    who = room.sign_in(a.trainees[1]["token"])
    assert (who.class_name, who.role, who.code) == (a.name, "trainee", "GR02")
    trainer = room.sign_in(a.trainer_code.lower())
    assert (trainer.class_name, trainer.role) == (a.name, "trainer")
    assert room.sign_in("gr03", class_name=b.name).class_name == b.name
    assert room.sign_in("GR03", class_name=a.name).code == "GR03"
    assert room.sign_in("GR03") is None  # two classes have a GR03: the class must be named
    for wrong in ("", "GR09", "GR99", "x" * 200, a.trainees[0]["token"][:-1], "' OR 1=1 --"):
        assert room.sign_in(wrong, class_name=a.name) is None
    assert room.sign_in(a.trainees[0]["token"], class_name=b.name) is None  # not a token of class b
    assert room.sign_in(a.trainer_code, class_name=b.name) is None
    assert room.get_class(a.name).trainees[1]["last_seen"] is not None


def test_each_trainee_has_a_sandbox_of_their_own(room):
    info = room.create_class(unique(), trainees=3, start=START)
    one, two = room.sign_in(info.trainees[0]["token"]), room.sign_in(info.trainees[1]["token"])
    sb1, ref1 = room.sandbox(one)
    sb2, ref2 = room.sandbox(two)
    assert ref1.created and ref1.location != ref2.location and ref1.exercise is None
    doc = make_doc(sb1, "trainee one")
    assert sb1.session_live("rec1") and not sb2.session_live("rec1")  # login sessions
    sb1.advance_clock("2023-09-05T10:01:00+07:00")
    assert sb1.document(doc) is not None
    assert sb2.document(doc) is None and sb2.documents() == []  # documents
    assert str(sb2.now) == "2023-09-04 09:00:00+07:00"  # clock
    doc2 = make_doc(sb2, "trainee two")
    again, ref = room.sandbox(one)  # reopening gives the same sandbox, with its work
    assert not ref.created and again.document(doc) is not None
    room.reset_trainee(info.name, "gr01")
    fresh, ref = room.sandbox(one)
    assert ref.attempt == 2 and fresh.documents() == [] and str(fresh.now) == "2023-09-04 09:00:00+07:00"
    assert sb2.document(doc2) is not None and room.sandbox(two)[1].location == ref2.location  # the other stays
    for sb in (sb1, sb2, again, fresh):
        sb.close()
    with pytest.raises(ClassError):
        room.reset_trainee(info.name, "GR77")


def test_exercise_attempts_are_sandboxes_of_their_own(room):
    info = room.create_class(unique(), trainees=2, exercises=[EXERCISE])
    who = room.sign_in(info.trainees[0]["token"])
    practice, p = room.sandbox(who, EXERCISE)
    assert (p.kind, p.mode, p.attempt) == (EXERCISE, "practice", 1)
    assert str(practice.now) == "2023-09-04 09:00:00+07:00"  # the exercise's start, not the class's
    make_doc(practice, "practice run")
    test, t = room.sandbox(who, EXERCISE, mode="test")  # another mode: a fresh attempt
    assert (t.mode, t.attempt) == ("test", 2) and test.documents() == []
    assert room.sandbox(who, EXERCISE, mode="test")[1].location == t.location
    assert room.sandbox(who, EXERCISE, mode="test", new_attempt=True)[1].attempt == 3
    other, o = room.sandbox(room.sign_in(info.trainees[1]["token"]), EXERCISE)
    assert o.attempt == 1 and other.documents() == []
    with pytest.raises(ClassError):
        room.sandbox(who, "no-such-exercise")
    with pytest.raises(ClassError):
        room.sandbox(who, EXERCISE, mode="cheat")


def test_gradebook_progress_history_and_export(room):
    info = room.create_class(unique(), trainees=3, exercises=[EXERCISE], start=START)
    one, two = room.sign_in(info.trainees[0]["token"]), room.sign_in(info.trainees[1]["token"])
    _, ref = room.sandbox(one, EXERCISE, mode="test")
    room.record_step(ref, 0, "ok", error=None, points=1, seconds=10)
    room.record_step(ref, 1, "wrong", error="insufficient_budget", points=0, seconds=4.5)
    room.record_step(ref, 1, "ok", error=None, points=1, seconds=6)
    _, ref2 = room.sandbox(two, EXERCISE, mode="test")
    room.record_step(ref2, 0, "ok", error=None, points=1, seconds=3)
    _, free = room.sandbox(one)
    room.record_step(free, 0, "ok", error=None, points=5, seconds=1)  # free play is not graded
    with pytest.raises(ClassError):
        room.record_step(ref, 2, "maybe", error=None, points=0, seconds=1)
    rows = {(r["code"], r["exercise"]): r for r in room.progress(info.name)}
    assert len(rows) == 3  # every trainee × the class's exercise
    mine = rows[("GR01", EXERCISE)]
    assert (mine["step_reached"], mine["score"], mine["mistakes"], mine["seconds"], mine["mode"]) == (
        2, 2, ["insufficient_budget"], 20.5, "test")
    assert rows[("GR02", EXERCISE)]["score"] == 1 and rows[("GR03", EXERCISE)]["step_reached"] == 0
    assert rows[("GR03", EXERCISE)]["last_activity"] is None
    history = room.history(one)
    assert [(h["exercise"], h["attempt"], h["score"]) for h in history] == [(EXERCISE, ref.attempt, 2)]
    assert [h["score"] for h in room.history(two)] == [1]  # their own only
    export = room.export_rows(info.name)
    assert [(r["code"], r["step"], r["outcome"], r["error"]) for r in export] == [
        ("GR01", 0, "ok", None), ("GR01", 1, "wrong", "insufficient_budget"), ("GR01", 1, "ok", None),
        ("GR02", 0, "ok", None)]


def test_class_clock_and_assigned_exercise(room):
    info = room.create_class(unique(), trainees=2, exercises=[EXERCISE], start=START)
    one, two = (room.sign_in(t["token"]) for t in info.trainees)
    sb1, _ = room.sandbox(one)
    room.set_class_clock(info.name, "2024-03-29T16:31:00+07:00")
    assert str(sb1.now) == "2024-03-29 16:31:00+07:00"
    sb2, _ = room.sandbox(two)  # made after the clock was set: starts there
    assert str(sb2.now) == "2024-03-29 16:31:00+07:00"
    exercise_sb, _ = room.sandbox(one, EXERCISE)  # an exercise keeps its own time
    assert str(exercise_sb.now) == "2023-09-04 09:00:00+07:00"
    for wrong in ("2023-09-01T09:00:00+07:00", "2031-01-01T00:00:00+07:00", "soon"):
        with pytest.raises(ClassError):
            room.set_class_clock(info.name, wrong)
    assert room.assigned_exercise(info.name) is None
    room.set_assigned_exercise(info.name, EXERCISE)
    assert room.assigned_exercise(info.name) == EXERCISE
    with pytest.raises(ClassError):
        room.set_assigned_exercise(info.name, "nope")


def test_class_sheet_has_every_code_link_qr_and_password(room, tmp_path):
    import segno
    from PIL import Image
    from pypdf import PdfReader

    info = room.create_class(unique(), trainees=12, start=START)
    out = tmp_path / "sheet.pdf"
    pages = class_sheet(info, "http://10.0.0.5:8866/", str(out))
    reader = PdfReader(out)
    assert pages == len(reader.pages) == 3  # 10 cards a page, then the world's users
    text = "".join(p.extract_text() for p in reader.pages)
    flat = text.replace("\n", "")
    for trainee in info.trainees:
        assert trainee["code"] in text
        assert trainee["token"] in flat
    assert personal_link("http://10.0.0.5:8866/", "abc") == "http://10.0.0.5:8866/voila/render/app.ipynb?t=abc"
    qr_images = [image.image for page in reader.pages for image in page.images]
    assert len(qr_images) == 12
    for trainee, image in zip(info.trainees, qr_images, strict=True):  # each QR is that trainee's link
        expected = io.BytesIO()
        segno.make(personal_link("http://10.0.0.5:8866/", trainee["token"]), error="m").save(
            expected, kind="png", scale=6, border=2)
        want = Image.open(expected).convert("L").resize(image.size)
        assert image.convert("L").tobytes() == want.tobytes(), trainee["code"]
    assert "Sandbox#2566" in text and "rec1" in text and "appr_c" in text  # from the world file
    assert "2566" in text or "2569" in text  # a Buddhist-era year


def run_cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sandbox", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_round_trip(db_url, tmp_path):
    class_db = ["--class-db", db_url if "://" in db_url else str(tmp_path / "classes.sqlite")]
    name = unique("cli")
    made = run_cli("class", "create", name, *class_db, "--trainees", "4", "--exercises", EXERCISE,
                   "--start", START, "--sheet", "sheet.pdf", "--base-url", "http://127.0.0.1:9000", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "GR01" in made.stdout and "GR04" in made.stdout and (tmp_path / "sheet.pdf").stat().st_size > 10_000
    assert name in run_cli("class", *class_db, "list", cwd=tmp_path).stdout
    shown = run_cli("class", *class_db, "show", name, cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.count("\nGR0") == 4
    room = Classroom(class_db[1], tmp_path / "var" / "classes")
    try:
        _, ref = room.sandbox(room.sign_in("GR02", class_name=name), EXERCISE, mode="test")
        room.record_step(ref, 0, "wrong", error="=HYPERLINK(\"http://x\")", points=0, seconds=2)
        room.record_step(ref, 0, "ok", error=None, points=1, seconds=3)
    finally:
        room.close()
    assert run_cli("class", *class_db, "reset", name, "GR02", cwd=tmp_path).returncode == 0
    out = run_cli("class", *class_db, "export", name, "--format", "csv", "--out", "r.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    with open(tmp_path / "r.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 3 and rows[1][1] == "GR02" and rows[1][7].startswith("'=")  # formula kept as text
    out = run_cli("class", *class_db, "export", name, "--format", "xlsx", "--out", "r.xlsx", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "r.xlsx").active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert len(values) == 2 and values[0][1] == "GR02" and ws.cell(3, 8).data_type == "s"
    for bad in (["create", "x y"], ["reset", name, "GR99"], ["show", "nobody"],
                ["export", name, "--format", "pdf", "--out", "r.pdf"], ["export", name, "--out", "nodir/r.csv"],
                ["create", unique(), "--trainees", "many"]):
        result = run_cli("class", *class_db, *bad, cwd=tmp_path)
        assert result.returncode == 2, (bad, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_two_pages_opening_at_once_share_one_sandbox(room):
    from concurrent.futures import ThreadPoolExecutor

    info = room.create_class(unique(), trainees=2, start=START)
    who = room.sign_in(info.trainees[0]["token"])
    with ThreadPoolExecutor(4) as pool:
        opened = list(pool.map(lambda _: room.sandbox(who), range(4)))
    refs = [ref for _, ref in opened]
    assert len({ref.location for ref in refs}) == 1 and sum(ref.created for ref in refs) == 1
    assert all(str(sb.now) == "2023-09-04 09:00:00+07:00" for sb, _ in opened)
    for sb, _ in opened:
        sb.close()


def test_prepare_makes_every_free_play_sandbox_once(room):
    info = room.create_class(unique(), trainees=3, exercises=[EXERCISE], start=START)
    done = room.prepare(info.name)
    assert (done["worlds"], done["sandboxes"]) == (2, 3)
    assert room.prepare(info.name)["sandboxes"] == 0  # already there
    sb, ref = room.sandbox(room.sign_in(info.trainees[2]["token"]))
    assert not ref.created and ref.attempt == 1 and str(sb.now) == "2023-09-04 09:00:00+07:00"
    sb.close()


def test_delete_class_drops_its_sandboxes_and_results(room):
    keep = room.create_class(unique("keep"), trainees=1, exercises=[EXERCISE], start=START)
    gone = room.create_class(unique("gone"), trainees=2, exercises=[EXERCISE], start=START)
    kept_sb, kept = room.sandbox(room.sign_in(keep.trainer_code.replace("T-", "t-")), EXERCISE)
    kept_sb.close()
    room.prepare(keep.name)
    _, ref = room.sandbox(room.sign_in("GR01", class_name=gone.name), EXERCISE, mode="test")
    room.record_step(ref, 0, "ok", error=None, points=1, seconds=1)
    room.prepare(gone.name)
    locations = [room.factory.url(r) for r in (ref.location,)]
    assert room.delete_class(gone.name) == 3
    assert gone.name not in [c.name for c in room.classes()]
    assert room.sign_in(gone.trainees[0]["token"]) is None
    if "://" not in locations[0]:
        assert not Path(locations[0]).exists()
    else:
        from sqlalchemy import text

        with room.factory._admin.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": ref.location}).scalar()
        assert found == 0
    with pytest.raises(ClassError):
        room.delete_class(gone.name)
    sb, again = room.sandbox(room.sign_in(keep.trainees[0]["token"]))  # the other class is untouched
    assert not again.created
    sb.close()
