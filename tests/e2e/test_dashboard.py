"""The live dashboard in headless Chromium: an order placed over gRPC appears without a reload.

Also scrapes /metrics from the same running service. Saves /tmp/dashboard.png.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import grpc
import pytest

from autotrader.v1 import trading_pb2 as pb
from tests.e2e.conftest import RunningService, free_port, service_env

pytestmark = pytest.mark.timeout(120)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path(os.environ.get("AUTOTRADER_DASHBOARD_SCREENSHOT", "/tmp/dashboard.png"))


def _browser_or_skip() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = f"{', '.join(missing)} missing: run scripts/browser.sh"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def monitored(tmp_path: Path) -> Iterator[tuple[RunningService, int, int]]:
    dashboard, metrics = free_port(), free_port()
    env = service_env(
        AUTOTRADER_DASHBOARD_PORT=str(dashboard),
        AUTOTRADER_METRICS_PORT=str(metrics),
    )
    running = RunningService(tmp_path / "data", free_port(), env)
    running.start()
    yield running, dashboard, metrics
    if running.process is not None:
        running.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1440,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=DriverService(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def test_an_order_placed_over_grpc_appears_on_the_page_without_reload(
    monitored: tuple[RunningService, int, int], browser: object
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    service, dashboard, metrics = monitored
    browser.get(f"http://127.0.0.1:{dashboard}/")
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: d.find_element(By.ID, "conn").text == "live")
    wait.until(lambda d: d.find_element(By.ID, "k-equity").text.startswith("10,000"))
    marker = browser.execute_script("window.__notReloaded = 42; return window.__notReloaded")
    assert marker == 42

    with grpc.insecure_channel(service.target) as channel:
        stub = service.stub(channel)
        bought = stub.SubmitOrder(
            pb.SubmitOrderRequest(
                symbol="BTCUSDT",
                side=pb.SIDE_BUY,
                type=pb.ORDER_TYPE_MARKET,
                quantity="0.3",  # ~19k notional on a 10k wallet: a liquidation price exists
                client_order_id="dash-market-1",
            )
        ).order
        assert bought.status == pb.ORDER_STATUS_FILLED
        below = (Decimal(bought.average_price) * Decimal("0.98")).quantize(Decimal("0.1"))
        resting = stub.SubmitOrder(
            pb.SubmitOrderRequest(
                symbol="BTCUSDT",
                side=pb.SIDE_BUY,
                type=pb.ORDER_TYPE_LIMIT,
                quantity="0.01",
                price=str(below),
                client_order_id="dash-limit-1",
            )
        ).order
        assert resting.status == pb.ORDER_STATUS_OPEN, resting.reject_reason

    row = '#orders tr[data-client-order-id="dash-limit-1"]'
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, row))
    wait.until(lambda d: "BTCUSDT" in d.find_element(By.ID, "positions").text)
    wait.until(lambda d: "dash-market-1" in d.find_element(By.ID, "events").text)
    assert browser.execute_script("return window.__notReloaded") == 42  # same page, no reload
    assert "LONG" in browser.find_element(By.ID, "positions").text
    assert "%" in browser.find_element(By.ID, "positions").text  # liquidation distance
    assert browser.find_element(By.ID, "mode").text.lower() == "paper"
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart path"))
    browser.save_screenshot(str(SCREENSHOT))

    scraped = urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=5).read()
    text = scraped.decode()
    assert 'autotrader_orders_total{status="FILLED",symbol="BTCUSDT"} 1.0' in text
    # both orders were acknowledged (OPEN); the market one then filled
    assert 'autotrader_orders_total{status="OPEN",symbol="BTCUSDT"} 2.0' in text
    assert "autotrader_order_ack_seconds_count 2.0" in text
    assert "autotrader_order_fill_seconds_count 1.0" in text
    assert 'autotrader_fills_total{side="BUY",symbol="BTCUSDT"}' in text
    assert "autotrader_open_positions 1.0" in text
