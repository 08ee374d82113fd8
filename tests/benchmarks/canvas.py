"""Canvas speed, measured (not a test): `python -m tests.benchmarks.canvas`.

Prints ONE JSON line, milliseconds (targets from the journey-builder issue in brackets):
- `build_1000_nodes_ms` [< 1,000]: a `JourneyScene` for a journey of 1,000 steps and
  1,200 links, items built and placed; `first_paint_1000_nodes_ms`: the first paint of it,
  fitted in a 1400x900 view (zoomed out, so cards draw at their lowest detail);
  `build_1000_nodes_naive_ms`: the same scene built the naive way, each link finding its
  two cards by scanning the scene's items instead of the id -> item map;
- `move_100_nodes_ms` [< 50]: moving 100 cards through the whole edit path (document →
  undo command → journey → bridge → scene: cards and their links re-routed), per move;
  `move_100_nodes_naive_ms`: the same when the scene rebuilds itself on every change;
- `open_50_node_journey_ms` [< 200]: a 50-step `.journey.json` read, validated, put in a
  `JourneyEditor`, shown, fitted and painted — what the marketer waits for; emails never
  linted before are linted by the check that follows 150 ms later (app/journey_document.py);
  `open_50_node_journey_linted_ms`: the same plus that first lint, done at once;
- `startup_to_window_ms` [< 1,500]: `python main.py` launched until its main window is
  shown (`TRELLIS_EXIT_AFTER_SHOW`, see app/gui.py), median of 3; `startup_bare_qt_ms`:
  the floor — a Python process that only shows an empty QWidget.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.journey.model import Journey  # noqa: E402
from engine.journey.file_format import read_journey_file, write_journey_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "abandoned-cart.journey.json"
SHOWN_LINE = "trellis: window shown"


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def big_journey(steps: int = 1000, links: int = 1200) -> Journey:
    """A trigger, then a chain of score steps; some are yes/no conditions whose "no" skips
    one step ahead, until the journey has `links` links."""
    journey = Journey("Benchmark")
    forks = links - (steps - 1)
    fork_at = set(range(1, steps - 2, max(1, (steps - 3) // forks))[:forks])
    ids = []
    for i in range(steps):
        kind = "trigger.manual" if i == 0 else ("flow.branch" if i in fork_at else
                                                "action.adjust_score")
        ids.append(journey.add_node(kind, pos=((i % 40) * 300.0, (i // 40) * 220.0)))
    for i in range(steps - 1):
        journey.connect(ids[i], "yes" if i in fork_at else "next", ids[i + 1])
        if i in fork_at:
            journey.connect(ids[i], "no", ids[i + 2])
    return journey


def bench_build(journey: Journey) -> tuple[float, float, float]:
    from app.journey_bridge import JourneyBridge
    from widgets.canvas.scene import JourneyScene
    from widgets.canvas.view import JourneyView

    bridge = JourneyBridge(journey)
    start = time.perf_counter()
    scene = JourneyScene(journey, bridge)
    built = time.perf_counter() - start
    assert scene.node_count() == 1000 and len(journey.edges()) == 1200
    view = JourneyView(scene)
    view.resize(1400, 900)
    view.show()
    QApplication.processEvents()
    view.fit_to_view()
    start = time.perf_counter()
    view.viewport().grab()
    painted = time.perf_counter() - start
    view.close()
    bridge.detach()

    naive = bench_build_naive(journey)
    return built, painted, naive


def bench_build_naive(journey: Journey) -> float:
    """Cards as usual, but each link looks for its cards by scanning the scene."""
    from PySide6.QtWidgets import QGraphicsScene

    from widgets.canvas.edge_item import EdgeItem
    from widgets.canvas.node_item import NodeContent, NodeItem

    start = time.perf_counter()
    scene = QGraphicsScene()
    for node_id in journey.node_ids():
        spec = journey.spec(node_id)
        item = NodeItem(node_id, NodeContent(spec.title, journey.summary(node_id), spec.category,
                                             spec.icon, spec.description, journey.ports(node_id),
                                             spec.has_input))
        item.setPos(*journey.node(node_id)["pos"])
        scene.addItem(item)
    for source, port, target in journey.edges():
        cards = [i for i in scene.items() if isinstance(i, NodeItem)]
        source_item = next(i for i in cards if i.node_id == source)
        target_item = next(i for i in cards if i.node_id == target)
        scene.addItem(EdgeItem(source_item, port, port, target_item))
    return time.perf_counter() - start


def bench_move(journey: Journey, rounds: int = 20) -> tuple[float, float]:
    from app.journey_document import JourneyDocument
    from widgets.canvas.scene import JourneyScene

    document = JourneyDocument(journey, linter=None)
    scene = JourneyScene(journey, document.bridge)
    moving = journey.node_ids()[100:200]

    def one_round(shift: float) -> float:
        positions = {n: (journey.node(n)["pos"][0] + shift, journey.node(n)["pos"][1])
                     for n in moving}
        start = time.perf_counter()
        document.move_nodes(positions)
        return time.perf_counter() - start

    timings = [one_round(20.0 if i % 2 == 0 else -20.0) for i in range(rounds)]
    fast = statistics.median(timings)

    # naive: a scene that throws its items away and rebuilds on every change
    document.bridge.nodes_moved.connect(lambda _positions: scene.rebuild())
    timings = [one_round(20.0 if i % 2 == 0 else -20.0) for i in range(4)]
    naive = statistics.median(timings)
    document.close()
    return fast, naive


def fifty_step_file(folder: Path) -> Path:
    example = read_journey_file(EXAMPLE).journey
    journey = Journey("Fifty steps")
    for template in example.templates.values():
        journey.set_template(template)
    previous = journey.add_node("trigger.event", config={"event": "signed_up"})
    kinds = ["flow.delay", "action.send_email", "flow.wait_event", "action.adjust_score",
             "flow.branch"]
    for i in range(49):
        kind = kinds[i % len(kinds)]
        config = {"template": "cart-reminder" if i % 2 else "cart-discount"} \
            if kind == "action.send_email" else None
        if kind == "flow.wait_event":
            config = {"wait_for": {"event": "order_completed"}}
        node = journey.add_node(kind, config=config)
        port = journey.ports(previous)[0].key
        journey.connect(previous, port, node)
        previous = node
    from widgets.canvas.layout import tidy_positions

    journey.set_positions(tidy_positions(journey, "down"))
    path = folder / "fifty.journey.json"
    write_journey_file(journey, path)
    return path


def bench_open(path: Path) -> tuple[float, float]:
    """(opened, opened and linted) for a first open in this process."""
    from app.journey_document import JourneyDocument
    from widgets.canvas.editor_widget import JourneyEditor

    start = time.perf_counter()
    document, problems = JourneyDocument.from_file(path)
    assert document is not None, problems
    editor = JourneyEditor(document)
    editor.resize(1400, 900)
    editor.show()
    QApplication.processEvents()
    editor.view.fit_to_view()
    editor.grab()
    elapsed = time.perf_counter() - start
    document.problems()  # the email lint, which otherwise follows 150 ms later
    linted = time.perf_counter() - start
    editor.close()
    document.close()
    return elapsed, linted


BARE_QT = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "from PySide6.QtCore import QTimer\n"
    "app = QApplication(sys.argv)\n"
    "w = QWidget(); w.resize(1280, 820); w.show()\n"
    f"QTimer.singleShot(0, lambda: (print({SHOWN_LINE!r}, flush=True), app.quit()))\n"
    "app.exec()\n"
)


def time_to_line(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, env=env, cwd=ROOT)
    try:
        for line in process.stdout:
            if line.strip() == SHOWN_LINE:
                return time.perf_counter() - start
        raise RuntimeError(f"{command[1]} never showed its window")
    finally:
        process.wait(timeout=60)


def bench_startup(folder: Path) -> tuple[float, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TRELLIS_EXIT_AFTER_SHOW": "1",
           "XDG_CONFIG_HOME": str(folder / "config"), "XDG_DATA_HOME": str(folder / "data")}
    db = f"sqlite:///{folder / 'startup.db'}"
    app = [sys.executable, "main.py", "--db", db]
    time_to_line(app, env)  # first run creates and migrates the database
    trellis = statistics.median(time_to_line(app, env) for _ in range(3))
    bare = statistics.median(time_to_line([sys.executable, "-c", BARE_QT], env) for _ in range(3))
    return trellis, bare


def main() -> None:
    from app.gui import application
    from app.theme import apply_theme

    app = application()
    apply_theme(app, "light")
    journey = big_journey()
    built, painted, naive_build = bench_build(journey)
    move, naive_move = bench_move(big_journey())
    with tempfile.TemporaryDirectory(prefix="trellis-canvas-bench-") as folder:
        folder = Path(folder)
        opened, linted = bench_open(fifty_step_file(folder))
        startup, bare = bench_startup(folder)
    print(json.dumps({
        "build_1000_nodes_ms": ms(built),
        "first_paint_1000_nodes_ms": ms(painted),
        "build_1000_nodes_naive_ms": ms(naive_build),
        "move_100_nodes_ms": ms(move),
        "move_100_nodes_naive_ms": ms(naive_move),
        "open_50_node_journey_ms": ms(opened),
        "open_50_node_journey_linted_ms": ms(linted),
        "startup_to_window_ms": ms(startup),
        "startup_bare_qt_ms": ms(bare),
    }))


if __name__ == "__main__":
    main()
