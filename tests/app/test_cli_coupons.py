"""`coupons export`: the codes a shop must accept, as CSV."""

import csv
from datetime import datetime, timedelta, timezone

from app.cli import main
from engine.messaging.coupons import issue_coupon
from tests.engine.harness import Harness


def test_export_lists_live_codes_with_contact_and_expiry(db, db_url, clock, tmp_path, capsys):
    h = Harness(db, clock)
    now = datetime.now(timezone.utc)  # the command reads the wall clock
    ana, ben = h.contact("ana@example.com"), h.contact("ben@example.com")
    with db.session() as session:
        live = issue_coupon(session, contact_id=ana, journey_id=None, node_id="discount",
                            percent=10, valid_days=3, now=now)
        old = issue_coupon(session, contact_id=ben, journey_id=None, node_id="discount",
                           percent=15, valid_days=1, now=now - timedelta(days=5))
    path = tmp_path / "coupons.csv"
    assert main(["--db", db_url, "coupons", "export", str(path)]) == 0
    rows = list(csv.DictReader(path.open()))
    assert [(r["code"], r["percent"], r["email"], r["step"]) for r in rows] == [
        (live.code, "10", "ana@example.com", "discount")]
    assert rows[0]["expires_at"] == live.expires_at.isoformat()
    assert main(["--db", db_url, "coupons", "export", str(path), "--include-expired"]) == 0
    assert {r["code"] for r in csv.DictReader(path.open())} == {live.code, old.code}
    assert "Wrote 2 coupon codes" in capsys.readouterr().out
