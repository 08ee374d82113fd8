"""Block emails, measured (not a test): `python -m tests.benchmarks.blocks [--contacts N]`.

Prints ONE JSON line:
- `compile_30_blocks_ms`: a 30-block email (every kind of block, columns and a product
  grid included) compiled cold — blocks → MJML → HTML (MRML), text part, and the Jinja
  compilation of both — with every cache cleared; the median of 7 runs (target < 50 ms);
- `render_ms` / `naive_render_ms`: one email of that template rendered for a contact, from
  the compile cache, against the naive baseline measured in the same run: compiling the
  blocks again for every email (what sending would cost without the cache); and `speedup`;
- `edit_to_email_ms`: one block edit (`update_block`) through to the rendered email, the
  engine's share of the editor's "a block edit updates the preview in < 150 ms";
- `emails_per_s_code` / `emails_per_s_blocks`: the engine benchmark's send-email step
  (guards, render, text part, outbox rows) for N contacts, with the same short email as a
  Markdown template and as a block email, in the same run, taking turns (`--turns`), the
  median of each, per second of this process's CPU time (the machine is shared: wall
  time swings with the other processes' load); `blocks_vs_code` is their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from engine.blocks import BlockDocument, Place, insert_block, new_block, update_block
from engine.blocks import compile as blocks_compile
from engine.blocks.compile import compile_blocks
from engine.clock import VirtualClock
from engine.db import open_database
from engine.db.models import Message
from engine.journey.data import EmailTemplate
from engine.messaging import render as render_module
from engine.messaging.render import render_email
from engine.messaging.sample import sample_context
from engine.runtime.engine import Engine
from tests.benchmarks.engine_parts import BODY, START, add_contacts, chain, enroll_all, publish
from tests.blocks_samples import EVERY_KIND

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def thirty_blocks() -> EmailTemplate:
    doc = BlockDocument.new()
    while len(doc.blocks) < 31:  # 30 and the footer
        for kind, fields in EVERY_KIND:
            if len(doc.blocks) == 31:
                break
            if kind == "columns":  # inner ids must be fresh in every copy
                fields = {"columns": [{"blocks": [{**b, "id": f"{b['id']}-{len(doc.blocks)}"}
                                                  for b in c["blocks"]]} for c in fields["columns"]]}
            doc = insert_block(doc, new_block(doc, kind, **fields), Place(len(doc.blocks) - 1))
    return EmailTemplate(key="thirty", name="Thirty", subject="Hi [[contact.first_name|there]]",
                         preheader="Thirty blocks", format="blocks", blocks=doc)


def clear_caches() -> None:
    compile_blocks.cache_clear()
    blocks_compile.line_source.cache_clear()
    blocks_compile._MEMO.clear()
    render_module._compile.cache_clear()
    render_module._joined.cache_clear()


def measure_compile(template: EmailTemplate) -> float:
    times = []
    for _ in range(7):
        clear_caches()
        began = time.perf_counter()
        render_module.compile_email(template)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def measure_render(template: EmailTemplate, n: int, naive: bool) -> float:
    context = sample_context(NOW)
    render_email(template, context)
    began = time.perf_counter()
    for _ in range(n):
        if naive:
            clear_caches()
        render_email(template, context)
    return (time.perf_counter() - began) / n * 1000


def measure_edit(template: EmailTemplate) -> float:
    context = sample_context(NOW)
    render_email(template, context)
    times = []
    for n in range(7):
        began = time.perf_counter()
        doc = update_block(template.blocks, "heading-1", {"text": f"Edit number {n}"})
        render_email(template.model_copy(update={"blocks": doc}), context)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def block_body() -> BlockDocument:
    """BODY of the engine benchmark, as blocks."""
    doc = BlockDocument.new()
    return insert_block(doc, new_block(doc, "text", text=(
        "Hi [[contact.first_name|there]],\n\nThanks for joining **Trellis Shop**. Here is "
        "[your account](https://example.com/account).\n\nSee you soon!")), Place(0))


def measure_emails(folder: Path, n: int, blocks: bool) -> float:
    name = "blocks" if blocks else "code"
    database = open_database(f"sqlite:///{folder / f'{name}.db'}")
    engine = Engine(database, VirtualClock(START))
    add_contacts(database, n, START)
    journey = chain(f"Emails {name}", [("action.send_email", {"template": "hello"})])
    if blocks:
        journey.set_template({**journey.templates["hello"].model_dump(), "body": "",
                              "format": "blocks", "blocks": block_body(),
                              "subject": "Welcome, [[contact.first_name|friend]] (hello)"})
    else:
        assert journey.templates["hello"].body == BODY
    row = publish(engine, journey)
    enroll_all(database, row, n, START)
    began = time.process_time()  # this process's CPU: the other processes' load falls out
    engine.tick()
    seconds = time.process_time() - began
    with database.session() as session:
        sent = session.scalar(select(func.count()).select_from(Message)
                              .where(Message.status == "queued"))
    assert sent == n, sent
    database.dispose()
    return n / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--emails", type=int, default=300, help="renders per timing")
    parser.add_argument("--turns", type=int, default=4, help="code and block runs, in turn")
    args = parser.parse_args()
    template = thirty_blocks()
    assert len(template.blocks.blocks) == 31
    render_ms = measure_render(template, args.emails, naive=False)
    naive_ms = measure_render(template, max(20, args.emails // 10), naive=True)
    result = {
        "blocks": 30,
        "compile_30_blocks_ms": round(measure_compile(template), 1),
        "render_ms": round(render_ms, 3),
        "naive_render_ms": round(naive_ms, 2),
        "speedup": round(naive_ms / render_ms, 1),
        "edit_to_email_ms": round(measure_edit(template), 1),
        "html_kb": round(len(render_email(template, sample_context(NOW)).html.encode()) / 1024, 1),
    }
    with tempfile.TemporaryDirectory(prefix="trellis-bench-") as folder:
        folder = Path(folder)
        # the same run, both ways, twice in turn: the machine's load falls on both alike
        code, blocks = [], []
        for turn in range(args.turns):
            for kind, results in (("code", code), ("blocks", blocks)):
                (folder / f"{kind}{turn}").mkdir()
                results.append(measure_emails(folder / f"{kind}{turn}", args.contacts,
                                              blocks=kind == "blocks"))
        result |= {"contacts": args.contacts,
                   "emails_per_s_code": round(statistics.median(code)),
                   "emails_per_s_blocks": round(statistics.median(blocks)),
                   "blocks_vs_code": round(statistics.median(blocks) / statistics.median(code), 3)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
