"""Browser tests: the real ``complaint-desk sandbox`` process and its web chat in headless
Chromium (Debian's package, driven by Playwright). They skip when either is missing.

The sandbox runs as a subprocess exactly as a person starts it; the test reads the web
chat's address from what it prints. Screenshots go to ``$TEST_OUTPUT_DIR/browser``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output")) / "browser"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# A Monday morning in working hours, so deadlines count from a predictable start.
START = "2026-11-02T10:00"
START_TIMEOUT = 120.0  # seconds; generous for a loaded CI machine
URL_LINE = re.compile(r"Open in a browser \(web chat\):\s+(\S+)")


def _playwright() -> Any:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    return async_playwright


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[str]:
    """The web chat's URL of a fresh ``complaint-desk sandbox`` process."""
    _playwright()
    env = {k: v for k, v in os.environ.items()
           if k not in ("BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "CONFIG_FILE", "REDIS_URL")}
    log = (tmp_path / "sandbox.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", "0", "--start-clock", START],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8")
    try:
        assert process.stdout is not None
        url = None
        stuck = threading.Timer(START_TIMEOUT, process.kill)  # never wait forever for it
        stuck.start()
        for line in process.stdout:  # the welcome text comes once the bot is polling
            if found := URL_LINE.search(line):
                url = found.group(1)
                break
        stuck.cancel()
        if url is None:
            log.seek(0)
            pytest.fail(f"the sandbox printed no web chat address:\n{log.read()[-3000:]}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed  # the page fixture keeps a picture of a failure
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
async def page(sandbox: str, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async_playwright = _playwright()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        except Exception as exc:  # e.g. a Chromium that cannot start on this machine
            pytest.skip(f"Chromium does not start: {str(exc).splitlines()[0]}")
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 860},
                                                locale="zh-CN", timezone_id="Asia/Shanghai")
            page = await context.new_page()
            page.set_default_timeout(30_000)  # a loaded CI machine answers slowly
            await page.goto(sandbox)
            yield page
            if request.node.stash.get(FAILED, False):
                await page.screenshot(path=str(OUTPUT / f"failed-{request.node.name}.png"))
        finally:
            await browser.close()

