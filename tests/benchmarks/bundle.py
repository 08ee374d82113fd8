"""The installable bundle's figures, printed as JSON: `python -m tests.benchmarks.bundle [DIST]`.

- `bundle_mb`: the size of the one-folder bundle (DIST/trellis, built by
  resources/packaging/build.py; built into a temp folder when DIST is not given);
  `bundle_tar_gz_mb`: the same folder compressed, about what a download weighs.
- `bundle_start_to_window_ms` [target < 3,000]: the bundle launched (a bare environment, no
  virtual environment) until its window is shown (`TRELLIS_EXIT_AFTER_SHOW`), median of 3
  after a first launch that creates the database; `venv_start_to_window_ms`: the same for
  `python main.py` from the source tree, for comparison on the same machine and moment.
- `load_average`: the machine's 1-minute load when measured (the figures scale with it).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tests.benchmarks.canvas import ROOT, time_to_line


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        dist = Path(sys.argv[1]) if len(sys.argv) > 1 else temp / "dist"
        if len(sys.argv) <= 1:
            subprocess.run([sys.executable, str(ROOT / "resources" / "packaging" / "build.py"),
                            "--dist", str(dist), "--work", str(temp / "work")], check=True,
                           stdout=subprocess.DEVNULL)
        bundle = dist / "trellis"
        with tarfile.open(temp / "t.tar.gz", "w:gz") as tar:
            tar.add(bundle, arcname="trellis")
        env = {"HOME": str(temp), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
               "QT_QPA_PLATFORM": "offscreen", "TRELLIS_EXIT_AFTER_SHOW": "1",
               "XDG_CONFIG_HOME": str(temp / "config"), "TRELLIS_LOG_DIR": str(temp / "log")}
        runs = {}
        for key, command in (
            ("bundle", [str(bundle / "trellis")]),
            ("venv", [sys.executable, "main.py"]),
        ):
            run_env = env if key == "bundle" else {**os.environ, **env, "PATH": os.environ["PATH"]}
            app = [*command, "--db", f"sqlite:///{temp / (key + '.db')}"]
            time_to_line(app, run_env)  # the first launch creates the database
            runs[key] = statistics.median(time_to_line(app, run_env) for _ in range(3))
        print(json.dumps({
            "bundle_mb": round(folder_mb(bundle)),
            "bundle_tar_gz_mb": round((temp / "t.tar.gz").stat().st_size / 1e6),
            "bundle_start_to_window_ms": round(runs["bundle"] * 1000),
            "venv_start_to_window_ms": round(runs["venv"] * 1000),
            "load_average": round(os.getloadavg()[0], 1),
        }))


if __name__ == "__main__":
    main()
