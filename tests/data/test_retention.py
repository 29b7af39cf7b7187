"""Retention (issue 16 item 14): the registry of purgers, call recording references older than
their period blanked (the call kept) and newer ones kept, every run recorded and audited, a
dry run changing nothing, administrators and service accounts only — on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from data import access, retention
from data.errors import PermissionDenied, ValidationError
from data.models import AuditLog, Call, PurgeRun, Ring, Setting, Staff
from data.settings import KNOWN, set_setting
from tests import factories as f

NOW = "2026-12-07 02:30"
T0 = dt.datetime(2026, 12, 7, 2, 30)


@pytest.fixture
def world(database, monkeypatch):
    monkeypatch.setenv("FRONTDESK_NOW", NOW)
    desk = f.staff("desk1", "李娜")
    admin = f.staff("admin1", "管理员", "admin")
    cron = f.staff("cron", "定时任务", "service", password_hash=None)
    calls = {}
    for name, days_ago in (("old", 400), ("year_and_a_day", 366), ("just_in", 364), ("new", 3)):
        calls[name] = Call.create(direction="in", number="13800138000", staff=desk,
                                  started_at=T0 - dt.timedelta(days=days_ago), summary=name,
                                  recording=f"rec/{name}.mp3")
    calls["none"] = Call.create(direction="in", number="13800138000", staff=desk,
                                started_at=T0 - dt.timedelta(days=500), summary="no recording")
    yield {"desk": desk, "admin": admin, "cron": cron, "calls": calls}
    access.act_as(None)


def recordings() -> dict[str, str]:
    return {c.summary: c.recording for c in Call.select()}


def recording_result(results: list[retention.PurgeResult]) -> retention.PurgeResult:
    """The recordings purger's result (the visitors' purger runs too: tests/data/
    test_register_wiring.py checks it)."""
    [result] = [r for r in results if r.name == "recordings"]
    return result


def test_the_registry_has_the_recording_purger_and_takes_others_in_one_line():
    assert retention.REGISTRY["recordings"].setting == "retention_recording_days"
    assert retention.PERIODS["retention_recording_days"].default_days == 365
    assert retention.PERIODS["retention_visitor_days"].default_days == 180
    seen = []
    try:
        retention.register("test_visitors", "retention_visitor_days",
                           lambda before: seen.append(before) or 7)
        retention.register("test_by_path", "retention_visitor_days",
                           "tests.data.test_retention:_purge_nothing")
        assert retention.REGISTRY["test_by_path"].resolve() is _purge_nothing
        with pytest.raises(ValueError):
            retention.register("bad", "retention_unknown_days", _purge_nothing)
    finally:
        retention.REGISTRY.pop("test_visitors", None)
        retention.REGISTRY.pop("test_by_path", None)


def _purge_nothing(before: dt.datetime) -> int:
    return 0


def test_recording_references_older_than_the_period_are_blanked_and_newer_kept(world):
    access.act_as(world["cron"])
    result = recording_result(retention.purge())
    assert (result.name, result.days, result.purged, result.dry_run) == ("recordings", 365, 2, False)
    assert result.cutoff == T0 - dt.timedelta(days=365)
    assert recordings() == {"old": "", "year_and_a_day": "", "just_in": "rec/just_in.mp3",
                            "new": "rec/new.mp3", "no recording": ""}
    assert Call.select().count() == 5  # the calls themselves are kept
    # Run again: nothing more to purge, and the run is recorded all the same.
    again = recording_result(retention.purge())
    assert again.purged == 0 and PurgeRun.select().where(PurgeRun.name == "recordings").count() == 2


def test_every_run_is_recorded_with_who_and_audited(world):
    access.act_as(world["cron"])
    retention.purge()
    run = PurgeRun.get(PurgeRun.name == "recordings")
    assert (run.at, run.name, run.days, run.cutoff, run.purged, run.staff_id) == (
        T0, "recordings", 365, T0 - dt.timedelta(days=365), 2, world["cron"].id)
    created = AuditLog.get(AuditLog.entity == "purge_run", AuditLog.action == "create",
                           AuditLog.entity_id == run.id)
    assert (created.entity_id, created.staff_id, created.new_value) == (
        run.id, world["cron"].id, "recordings")
    blanked = AuditLog.select().where(AuditLog.entity == "call", AuditLog.field == "recording")
    assert {r.entity_id for r in blanked} == {world["calls"]["old"].id,
                                             world["calls"]["year_and_a_day"].id}
    assert {r.staff_id for r in blanked} == {world["cron"].id}
    # The trail says the reference changed, never what it was: no copy of it survives there.
    assert not AuditLog.select().where(
        AuditLog.old_value.contains("rec/") | AuditLog.new_value.contains("rec/")).exists()
    [row] = [r for r in retention.purge_history() if r.name == "recordings"]
    assert (row.name, row.purged, row.login) == ("recordings", 2, "cron")


def test_a_dry_run_counts_and_changes_nothing(world):
    access.act_as(world["admin"])
    before_audit = AuditLog.select().count()
    result = recording_result(retention.purge(dry_run=True))
    assert (result.purged, result.dry_run) == (2, True)
    assert recordings()["old"] == "rec/old.mp3"
    assert PurgeRun.select().count() == 0
    assert AuditLog.select().count() == before_audit


def test_the_period_follows_its_setting(world):
    access.act_as(world["admin"])
    set_setting("retention_recording_days", "5", world["admin"].id)
    result = recording_result(retention.purge())
    assert (result.days, result.purged) == (5, 3)
    assert recordings()["new"] == "rec/new.mp3" and recordings()["just_in"] == ""
    for bad in ("0", "-3", "3651", "一年", "1.5"):
        with pytest.raises(ValidationError) as caught:
            set_setting("retention_recording_days", bad, world["admin"].id)
        assert caught.value.field == "retention_recording_days"
    assert set_setting("retention_recording_days", "", world["admin"].id) == ""
    assert retention.period_days("retention_recording_days") == 365
    # A value written into the table by hand that is no number counts as the default.
    Setting.update(value="lots").where(Setting.key == "retention_recording_days").execute()
    assert retention.period_days("retention_recording_days") == 365
    assert {"retention_recording_days", "retention_visitor_days"} <= set(KNOWN)
    assert KNOWN["retention_visitor_days"].default == "180"


@pytest.mark.parametrize("role", ["desk", "tech", "supervisor", "manager"])
def test_only_administrators_and_service_accounts_purge(world, role):
    staff = f.staff(f"{role}9", "某人", role)
    access.act_as(staff)
    with pytest.raises(PermissionDenied):
        retention.purge()
    with pytest.raises(PermissionDenied):
        retention.purge(dry_run=True)
    assert recordings()["old"] == "rec/old.mp3" and PurgeRun.select().count() == 0


def test_every_registered_purger_runs_with_its_own_period(world):
    access.act_as(world["admin"])
    seen: list[dt.datetime] = []

    def visitors(before: dt.datetime) -> int:
        seen.append(before)
        return 4

    registered = retention.REGISTRY["visitors"]  # the real one, put back after
    retention.register("visitors", "retention_visitor_days", visitors)
    try:
        results = {r.name: r for r in retention.purge()}
    finally:
        retention.REGISTRY["visitors"] = registered
    assert seen == [T0 - dt.timedelta(days=180)]
    assert (results["visitors"].purged, results["recordings"].purged) == (4, 2)
    assert _("visitors' ID numbers and plates") == results["visitors"].what
    assert sorted(r.name for r in PurgeRun.select()) == ["recordings", "ring_recordings", "visitors"]
    assert Staff.get(Staff.login == "admin1").id == PurgeRun.get(PurgeRun.name == "visitors").staff_id


def _(text: str) -> str:
    from data.i18n import _ as translate

    return translate(text)


def test_the_rings_recording_references_are_purged_too_and_never_kept_in_the_trail(world):
    """The caller-ID ring keeps the recording reference the phone system reported (the
    call logged for it takes a copy): the purge blanks both, each run recorded."""
    access.act_as(world["cron"])
    old_call = world["calls"]["old"]
    old = Ring.create(number="13800138000", extension="801", staff=world["desk"],
                      rang_at=T0 - dt.timedelta(days=400), hung_up_at=T0 - dt.timedelta(days=400),
                      call=old_call)
    new = Ring.create(number="13800138000", extension="801", staff=world["desk"],
                      rang_at=T0 - dt.timedelta(days=3))
    # The hang-up reports the recordings (as data.calls.ringing.hangup writes them).
    Ring.update(recording="https://pbx.example.com/rec/old.wav").where(Ring.id == old.id).execute()
    Ring.update(recording="https://pbx.example.com/rec/new.wav").where(Ring.id == new.id).execute()
    results = {r.name: r for r in retention.purge()}
    assert (results["ring_recordings"].purged, results["ring_recordings"].days) == (1, 365)
    assert Ring.get_by_id(old.id).recording == "" and Call.get_by_id(old_call.id).recording == ""
    assert Ring.get_by_id(new.id).recording == "https://pbx.example.com/rec/new.wav"
    assert Ring.select().count() == 2  # the rings themselves are kept
    run = PurgeRun.get(PurgeRun.name == "ring_recordings")
    assert (run.purged, run.staff_id, run.cutoff) == (1, world["cron"].id, T0 - dt.timedelta(days=365))
    blanked = AuditLog.select().where(AuditLog.entity == "ring", AuditLog.field == "recording")
    assert {(r.entity_id, r.old_value, r.new_value) for r in blanked
            if r.new_value is not None and r.staff_id == world["cron"].id} >= {(old.id, "***", "***")}
    assert not AuditLog.select().where(
        AuditLog.old_value.contains("pbx.example") | AuditLog.new_value.contains("pbx.example")).exists()
