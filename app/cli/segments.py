"""`segments list | import FILE | export NAME FILE | count NAME|FILE | members NAME CSV |
history NAME | refresh | starter`: saved segments (docs/segments.md).

Counts are computed at the moment asked (`count`, `members`); `list` shows the size of the
last computation (the engine refreshes segments every 15 minutes; `refresh` does it now).
Exit codes: 0 ok, 1 a segment file or segment that cannot be used (said in one line with
where), 2 usage errors (missing file, unknown segment name).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from app.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from app.cli.contacts import open_db, require_file


def register(commands) -> None:
    parser = commands.add_parser("segments", help="saved segments: list, import, count, members",
                                 description="Named, reusable conditions with their counts.")
    sub = parser.add_subparsers(dest="segments_command", metavar="ACTION")
    sub.add_parser("list", help="name, size and when it was computed").set_defaults(handler=run_list)
    importing = sub.add_parser("import", help="save the segment of a .segment.json file")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--replace", action="store_true",
                           help="replace a segment of the same name")
    importing.set_defaults(handler=run_import)
    exporting = sub.add_parser("export", help="write a segment as a .segment.json file")
    exporting.add_argument("name", metavar="NAME")
    exporting.add_argument("file", type=Path, metavar="FILE")
    exporting.set_defaults(handler=run_export)
    counting = sub.add_parser("count", help="how many contacts match now")
    counting.add_argument("segment", metavar="NAME|FILE")
    counting.add_argument("--json", action="store_true", help='print {"name", "count"}')
    counting.set_defaults(handler=run_count)
    members = sub.add_parser("members", help="write the contacts who match now as CSV")
    members.add_argument("name", metavar="NAME")
    members.add_argument("file", type=Path, metavar="CSV")
    members.set_defaults(handler=run_members)
    history = sub.add_parser("history", help="the size on each day it was computed")
    history.add_argument("name", metavar="NAME")
    history.set_defaults(handler=run_history)
    sub.add_parser("refresh", help="compute every segment now (entries and exits recorded)"
                   ).set_defaults(handler=run_refresh)
    sub.add_parser("starter", help="add the starter segments (New, VIP, At risk, …)"
                   ).set_defaults(handler=run_starter)


def _now():
    from engine.clock import SystemClock

    return SystemClock().now()


def _problem(message: str) -> int:
    print(f"trellis: error: {message}", file=sys.stderr)
    return EXIT_PROBLEMS


def run_list(args: argparse.Namespace) -> int:
    from engine.segments.queries import segment_counts

    with open_db(args).session() as session:
        rows = segment_counts(session)
    if not rows:
        print("No segments yet ('segments starter' adds the starter ones).")
        return EXIT_OK
    width = max(len(name) for name, _, _ in rows)
    for name, size, at in rows:
        size_text = f"{size:,}" if size is not None else "not computed"
        when = at.strftime("%Y-%m-%d %H:%M UTC") if at else ""
        print(f"{name:<{width}}  {size_text:>12}  {when}")
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from engine.db.models import Segment
    from engine.segments.file_format import SegmentFileError, read_segment_file
    from engine.segments.refresh import refresh_segment
    from engine.segments.store import SegmentError, save_segment
    from sqlalchemy import select

    path = require_file(args.file)
    try:
        segment = read_segment_file(path)
    except SegmentFileError as error:
        return _problem(str(error))
    now = _now()
    try:
        with open_db(args).session() as session:
            exists = session.scalar(select(Segment.id).where(Segment.name == segment.name))
            if exists and not args.replace:
                return _problem(f"{path}: a segment named {segment.name!r} exists "
                                "(--replace replaces it)")
            save_segment(session, segment.name, segment.description, segment.condition, now)
            size = refresh_segment(session, segment.name, now).size
    except SegmentError as error:
        return _problem(f"{path}: {error}")
    print(f"{'Replaced' if exists else 'Imported'} segment {segment.name!r}: {size:,} contacts")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from engine.segments.file_format import segment_file_data
    from engine.segments.store import SegmentNotFound, get_segment

    try:
        with open_db(args).session() as session:
            segment = get_segment(session, args.name)
    except SegmentNotFound as error:
        raise UsageError(str(error)) from None
    data = segment_file_data(segment.name, segment.description, segment.condition)
    args.file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {args.name!r} to {args.file}")
    return EXIT_OK


def run_count(args: argparse.Namespace) -> int:
    from engine.segments.cycles import describe_cycle, find_cycle
    from engine.segments.file_format import SegmentFileError, read_segment_file
    from engine.segments.queries import count_condition
    from engine.segments.store import SegmentNotFound, get_segment
    from engine.conditions.facts import segment_conditions

    now = _now()
    with open_db(args).session() as session:
        if args.segment.endswith(".json"):
            try:
                segment = read_segment_file(require_file(args.segment))
            except SegmentFileError as error:
                return _problem(str(error))
            others = {n: c for n, c in segment_conditions(session).items() if n != segment.name}
            cycle = find_cycle(segment.name, segment.condition, others)
            if cycle:
                return _problem(f"{args.segment}: {describe_cycle(cycle)}")
            name, condition = segment.name, segment.condition
        else:
            try:
                name, condition = args.segment, get_segment(session, args.segment).condition
            except SegmentNotFound as error:
                raise UsageError(str(error)) from None
        count = count_condition(session, condition, now)
    print(json.dumps({"name": name, "count": count}) if args.json else f"{name}: {count:,} contacts")
    return EXIT_OK


def run_members(args: argparse.Namespace) -> int:
    from engine.db.models import Contact
    from engine.conditions.sets import matching_ids
    from engine.segments.store import SegmentNotFound, get_segment
    from sqlalchemy import select

    with open_db(args).session() as session:
        try:
            condition = get_segment(session, args.name).condition
        except SegmentNotFound as error:
            raise UsageError(str(error)) from None
        ids = matching_ids(session, condition, _now())
        columns = (Contact.id, Contact.email, Contact.first_name, Contact.last_name,
                   Contact.status)
        rows = [r for r in session.execute(select(*columns).order_by(Contact.id)) if r[0] in ids]
    with args.file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "email", "first_name", "last_name", "status"])
        writer.writerows(rows)
    print(f"Wrote {len(rows):,} contacts of {args.name!r} to {args.file}")
    return EXIT_OK


def run_history(args: argparse.Namespace) -> int:
    from engine.segments.queries import size_history
    from engine.segments.store import SegmentNotFound

    with open_db(args).session() as session:
        try:
            days = size_history(session, args.name)
        except SegmentNotFound as error:
            raise UsageError(str(error)) from None
    if not days:
        print(f"{args.name!r} has not been computed yet.")
    for day, size in days:
        print(f"{day}  {size:>10,}")
    return EXIT_OK


def run_refresh(args: argparse.Namespace) -> int:
    from engine.segments.refresh import refresh_all

    with open_db(args).session() as session:
        done = refresh_all(session, _now())
    for item in done:
        print(f"{item.name}: {item.size:,} (+{item.entered:,} entered, -{item.exited:,} left)")
    if not done:
        print("No segments yet.")
    return EXIT_OK


def run_starter(args: argparse.Namespace) -> int:
    from engine.segments.refresh import refresh_segment
    from engine.segments.starter import add_starter_segments

    now = _now()
    with open_db(args).session() as session:
        added = add_starter_segments(session, now)
        for name in added:
            refresh_segment(session, name, now)
    print(f"Added {', '.join(added)}." if added else "The starter segments are all there.")
    return EXIT_OK
