"""``ghostwise stats --html``: a self-contained page, opened in headless Chromium and screenshotted."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lsp_server.cli import main
from tests.devdata.constructed import write_log, write_week

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def screenshot(page: Path, png: Path, height: int) -> None:
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--hide-scrollbars",
            f"--window-size=1200,{height}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"
)
@pytest.mark.parametrize("log", ["week", "hand-built", "empty"])
def test_html_report_renders(tmp_path: Path, log: str) -> None:
    data = tmp_path / "devdata"
    {"week": write_week, "hand-built": write_log, "empty": lambda d: d}[log](data)
    page = tmp_path / "out" / "stats.html"
    assert main(["stats", "--data-dir", str(data), "--html", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and not re.search(r"(src|href)=['\"]?(https?:|//)", text)  # self-contained
    plots = re.findall(r"src='data:image/png;base64,", text)
    assert len(plots) == {"week": 5, "hand-built": 5, "empty": 0}[log]
    if log == "empty":
        assert "No dev data yet" in text
    png = tmp_path / f"{log}.png"
    screenshot(page, png, 3000)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
