"""``ghostwise stats --html``: a self-contained page, opened in headless Chromium and screenshotted."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from lsp_server.cli import main
from tests.devdata.constructed import write_log, write_week
from tests.e2e.conftest import run_installer


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's chromium, installed the way the e2e tests install their tools (a skip only where it
    cannot be installed at all)."""
    return run_installer("install_chromium.sh")


def screenshot(chromium: Path, page: Path, png: Path, height: int) -> None:
    subprocess.run(
        [
            str(chromium),
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


@pytest.mark.parametrize("log", ["week", "hand-built", "empty"])
def test_html_report_renders(chromium: Path, tmp_path: Path, log: str) -> None:
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
    screenshot(chromium, page, png, 3000)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
