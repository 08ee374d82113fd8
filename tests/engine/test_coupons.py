"""Coupon codes: unguessable, one per contact and email step, expiry honoured, and unique
when several workers issue them at once (threads with their own sessions on an SQLite
file, the way the app's engine and a preview can overlap)."""

from __future__ import annotations

import math
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select

from engine.db.models import Contact, Coupon, JourneyRow
from engine.messaging import coupons
from engine.messaging.coupons import ALPHABET, GROUP_LENGTH, GROUPS, issue_coupon, new_code
from engine.templating.templates import RenderError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
CONTACTS = 40


@pytest.fixture
def shop(db):
    with db.session() as session:
        session.execute(insert(Contact), [
            {"id": i, "email": f"c{i}@example.com", "created_at": NOW, "updated_at": NOW}
            for i in range(1, CONTACTS + 1)])
        session.add_all([JourneyRow(id=j, name=f"Journey {j}", draft={}, created_at=NOW,
                                    updated_at=NOW) for j in (1, 2)])
    return db


def issue(session, contact_id=1, journey_id=1, node_id="discount", now=NOW, days=2, percent=10):
    return issue_coupon(session, contact_id=contact_id, journey_id=journey_id, node_id=node_id,
                        percent=percent, valid_days=days, now=now)


def stored(db) -> list[tuple]:
    with db.session() as session:
        return session.execute(select(Coupon.contact_id, Coupon.journey_id, Coupon.node_id,
                                      Coupon.code).order_by(Coupon.id)).all()


def test_codes_cannot_be_guessed_or_misread():
    # 32 symbols, 12 of them drawn by `secrets`: 60 bits
    assert len(set(ALPHABET)) == len(ALPHABET) == 32 and not set("01IO") & set(ALPHABET)
    assert GROUPS * GROUP_LENGTH * math.log2(len(ALPHABET)) == 60
    pattern = re.compile(rf"^SAVE25(-[{ALPHABET}]{{{GROUP_LENGTH}}}){{{GROUPS}}}$")
    codes = [new_code(25) for _ in range(5000)]
    assert all(pattern.match(code) for code in codes) and len(set(codes)) == len(codes)
    # every symbol turns up in every place: nothing fixed to guess from
    for place in range(GROUPS * GROUP_LENGTH):
        symbols = {code.replace("-", "")[6 + place] for code in codes}
        assert symbols == set(ALPHABET)


def test_one_coupon_per_contact_journey_and_step(shop):
    with shop.session() as session:
        first = issue(session)
        assert issue(session, now=NOW + timedelta(hours=47)) == first  # the same, while valid
        others = [issue(session, contact_id=2), issue(session, journey_id=2),
                  issue(session, node_id="win_back")]
    codes = [first.code] + [c.code for c in others]
    assert len(set(codes)) == 4
    assert [row[:3] for row in stored(shop)] == [(1, 1, "discount"), (2, 1, "discount"),
                                                (1, 2, "discount"), (1, 1, "win_back")]


def test_expiry_is_honoured_to_the_second(shop):
    with shop.session() as session:
        first = issue(session, days=2)
    assert first.expires_at == NOW + timedelta(days=2)
    with shop.session() as session:
        assert issue(session, now=first.expires_at - timedelta(seconds=1)) == first
        # at the expiry time the code no longer works: the contact gets a new one
        renewed = issue(session, now=first.expires_at, days=2)
    assert renewed.code != first.code
    assert renewed.expires_at == first.expires_at + timedelta(days=2)
    assert [row[3] for row in stored(shop)] == [renewed.code]  # replaced, not piled up


def test_a_code_already_taken_is_drawn_again(shop, monkeypatch):
    with shop.session() as session:
        taken = issue(session, contact_id=1).code
    draws = iter([taken, taken, "SAVE10-FRSH-CQDE-2222"])
    monkeypatch.setattr(coupons, "new_code", lambda percent: next(draws))
    with shop.session() as session:
        coupon = issue(session, contact_id=2)
    assert coupon.code == "SAVE10-FRSH-CQDE-2222"
    assert sorted(row[3] for row in stored(shop)) == sorted([taken, coupon.code])


def test_when_every_draw_collides_the_email_fails_not_the_batch(shop, monkeypatch):
    with shop.session() as session:
        taken = issue(session, contact_id=1).code
    monkeypatch.setattr(coupons, "new_code", lambda percent: taken)
    with shop.session() as session:
        with pytest.raises(RenderError, match="could not be stored"):
            issue(session, contact_id=2)
        # the transaction is still usable: the rest of the batch goes on
        assert session.scalar(select(func.count()).select_from(Coupon)) == 1


def run_together(workers: int, work) -> list:
    """Run `work(index)` in `workers` threads released at the same moment."""
    start, results, errors = threading.Barrier(workers), [None] * workers, []

    def worker(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 — reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_threads_issuing_for_different_contacts_get_unique_codes(shop):
    def work(index: int) -> list[str]:
        codes = []
        for contact_id in range(1 + index, CONTACTS + 1, 2):  # half the contacts each
            with shop.session() as session:  # one transaction per email, as a batch commits
                codes.append(issue(session, contact_id=contact_id).code)
        return codes

    codes = [code for batch in run_together(2, work) for code in batch]
    rows = stored(shop)
    assert len(codes) == len(set(codes)) == len(rows) == CONTACTS
    assert sorted(row[3] for row in rows) == sorted(codes)


def test_threads_issuing_the_same_coupon_agree_on_one(shop):
    """A retried batch and a preview rendering the same step at once: one row, one code."""
    def work(_index: int) -> str:
        with shop.session() as session:
            return issue(session, contact_id=7, node_id="discount").code

    codes = run_together(4, work)
    assert len(set(codes)) == 1
    assert stored(shop) == [(7, 1, "discount", codes[0])]
