"""Journey reports as text for people and as CSV (the `report` command's outputs).

Contract: `report_text(report) -> str` says "no data yet" for a journey with nothing to
show, else the totals, a line saying when opens and clicks were not tracked, then one line
per email, step and path. `write_csv(reports, path)`
writes one row per figure — journey, section (journey/email/step/path/cohort), step (a
cohort's week), template, port, figure, value — so every table of the report fits one file; the file is written to
a temporary name and moved into place, so a failure leaves no half-written file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from engine.analytics.report import has_data, tracking_note

COLUMNS = ["journey", "section", "step", "template", "port", "figure", "value"]
_KEYS = {"email": ("step", "template"), "step": ("step",), "path": ("step", "port")}


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def report_text(report: dict) -> str:
    head = f"{report['journey']}"
    if report["from"] or report["to"]:
        head += f" ({report['from'] or 'start'} – {report['to'] or 'now'})"
    if not has_data(report):
        return f"{head}: no data yet"
    lines = [head,
             f"  entered {report['entered']} · in progress {report['in_progress']} · converted "
             f"{report['converted']} ({_percent(report['conversion_rate'])}) · revenue "
             f"{report['revenue']:.2f} · orders without revenue {report['orders_without_revenue']}"]
    note = tracking_note(report)
    if note:
        lines.append(f"  note: {note}")
    for e in report["emails"]:
        lines.append(
            f"  email {e['step']} ({e['template']}): sent {e['sent']} · delivered "
            f"{e['delivered']} · opens {e['unique_opens']} ({_percent(e['open_rate'])}) · "
            f"clicks {e['unique_clicks']} ({_percent(e['click_rate'])}) · click-to-open "
            f"{_percent(e['click_to_open'])} · unsubscribes {e['unsubscribes']} · complaints "
            f"{e['complaints']} · revenue {e['revenue']:.2f}")
    for s in report["steps"]:
        lines.append(f"  step {s['step']}: reached {s['reached']} · passed {s['passed']} · "
                     f"waiting {s['waiting']} · dropped {s['dropped']}")
    for p in report["paths"]:
        lines.append(f"  path {p['step']} → {p['port']}: entered {p['entered']} · converted "
                     f"{p['converted']} ({_percent(p['conversion_rate'])}) · revenue "
                     f"{p['revenue']:.2f}")
    for c in report.get("cohorts", []):
        lines.append(f"  cohort {c['week']}: {c['entrants']} entered · ordered within 30/60/90 "
                     f"days {_percent(c['rate_30'])} / {_percent(c['rate_60'])} / "
                     f"{_percent(c['rate_90'])} · revenue per entrant "
                     f"{c['revenue_per_entrant']:.2f}")
    return "\n".join(lines)


def csv_rows(report: dict):
    name = report["journey"]
    for figure in ("entered", "in_progress", "converted", "conversion_rate", "revenue",
                   "orders_without_revenue", "tracking", "untracked_sent"):
        yield [name, "journey", "", "", "", figure, report[figure]]
    for section, rows in (("email", report["emails"]), ("step", report["steps"]),
                          ("path", report["paths"]), ("cohort", report.get("cohorts", []))):
        for row in rows:
            for figure, value in row.items():
                if figure in ("step", "template", "port", "week"):
                    continue
                # a cohort's week goes in the step column: the week it is about
                yield [name, section, row.get("step", row.get("week", "")),
                       row.get("template", ""), row.get("port", ""), figure, value]


def write_csv(reports: list[dict], path: Path) -> None:
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for report in reports:
                writer.writerows(csv_rows(report))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
