"""Benchmark: importing a contacts CSV, against a naive one-ORM-object-per-row baseline.

Run `python -m tests.benchmarks.contacts_import [--rows N] [--baseline-rows M]`. It prints
ONE JSON line: our import's rows, seconds and rows/s on N generated rows (one in 1,000
bad), the baseline's on M rows (ORM lookup + add + flush per row, the same checks), the
speed-up, and the process's peak RSS. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HEADER = ["Email Address", "First Name", "Last Name", "Timezone", "Country", "Lead Score",
          "Opt In", "Plan", "City"]
TIMEZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "", "Europe/Lisbon"]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def write_sample_csv(path: Path, rows: int, *, bad_every: int = 1000) -> list[int]:
    """A realistic export of `rows` contacts; returns the line numbers of the bad rows.

    Every `bad_every`-th row is broken in turn by a bad email, time zone, country or score.
    """
    bad_lines = []
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for i in range(rows):
            row = [f"User.{i}@Example{i % 500}.com", f"First{i}", f"Last{i}",
                   TIMEZONES[i % len(TIMEZONES)], "FR", str(i % 100),
                   "yes" if i % 3 else "no", "pro" if i % 2 else "", f"City {i % 97}"]
            if bad_every and i % bad_every == bad_every // 2:
                kind = (i // bad_every) % 4
                if kind == 0:
                    row[0] = f"user{i}.example.com"
                elif kind == 1:
                    row[3] = "Mars/Olympus"
                elif kind == 2:
                    row[4] = "France"
                else:
                    row[5] = "lots"
                bad_lines.append(i + 2)  # the header is line 1
            writer.writerow(row)
    return bad_lines


def _ours(folder: Path, csv_path: Path) -> float:
    from engine.contacts.csv_import import import_contacts_csv
    from engine.db import open_database

    db = open_database(f"sqlite:///{folder / 'ours.db'}")
    start = time.perf_counter()
    import_contacts_csv(db, csv_path, list_name="Benchmark", now=NOW)
    seconds = time.perf_counter() - start
    db.dispose()
    return seconds


def _baseline(folder: Path, csv_path: Path) -> float:
    """The obvious way: for each row, look the email up, add an ORM object, flush."""
    from sqlalchemy import select

    from engine.contacts import fields as clean
    from engine.contacts.emails import normalise_email
    from engine.db import open_database
    from engine.db.models import Consent, Contact
    from engine.errors import InputError

    db = open_database(f"sqlite:///{folder / 'baseline.db'}")
    start = time.perf_counter()
    with db.session() as session, open(csv_path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            try:
                email = normalise_email(row["Email Address"])
                tz = clean.clean_timezone(row["Timezone"]) if row["Timezone"] else None
                country = clean.clean_country(row["Country"])
                score = clean.clean_lead_score(row["Lead Score"])
            except InputError:
                continue
            contact = session.scalars(select(Contact).where(Contact.email == email)).first()
            if contact is None:
                contact = Contact(email=email, created_at=NOW, attributes={})
                session.add(contact)
            contact.first_name, contact.last_name = row["First Name"], row["Last Name"]
            contact.timezone, contact.country, contact.lead_score = tz, country, score
            contact.attributes = {k: row[k] for k in ("Plan", "City") if row[k]}
            contact.updated_at = NOW
            session.flush()
            session.add(Consent(contact_id=contact.id, granted=row["Opt In"] == "yes",
                                recorded_at=NOW, source="import", evidence={}))
            session.flush()
    seconds = time.perf_counter() - start
    db.dispose()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "contacts.csv"
        write_sample_csv(csv_path, args.rows)
        seconds = _ours(folder, csv_path)
        baseline_path = folder / "baseline.csv"
        write_sample_csv(baseline_path, args.baseline_rows)
        baseline_seconds = _baseline(folder, baseline_path)
    ours_rate = args.rows / seconds
    baseline_rate = args.baseline_rows / baseline_seconds
    print(json.dumps({
        "benchmark": "contacts_import",
        "rows": args.rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(ours_rate),
        "baseline": {
            "method": "ORM lookup + add + flush per row",
            "rows": args.baseline_rows,
            "seconds": round(baseline_seconds, 3),
            "rows_per_s": round(baseline_rate),
            "seconds_scaled_to_rows": round(args.rows / baseline_rate, 1),
        },
        "speedup": round(ours_rate / baseline_rate, 1),
        # ru_maxrss is in KiB on Linux
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
