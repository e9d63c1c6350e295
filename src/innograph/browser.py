"""Open views in headless Chromium the way a person would, and read what happened: load time, console
messages, every request the page made. Used by the browser tests and the view benchmark; needs the
``selenium`` package and Debian's ``chromium`` and ``chromium-driver``."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1500,950",
)

# URL schemes Chromium serves from inside itself (see Browser.requests)
BROWSER_OWN_SCHEMES = ("chrome:", "chrome-untrusted:", "devtools:")


def chromium_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@dataclass
class PageVisit:
    seconds_to_ready: float
    ms_to_first_draw: int | None
    console: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class Browser:
    """A headless Chromium session (one profile, thrown away on close)."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        paths = chromium_paths()
        if paths is None:
            raise RuntimeError("headless Chromium needs Debian's chromium and chromium-driver packages")
        self.profile = tempfile.mkdtemp(prefix="innograph-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = paths[0]
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={self.profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(paths[1]), options=options)

    def open(self, page: Path, timeout: float = 60.0) -> PageVisit:
        """Load a view from its file URL and wait until it has drawn the network once."""
        self.driver.get_log("browser")
        self.driver.get_log("performance")
        started = time.perf_counter()
        self.driver.get(page.resolve().as_uri())
        while time.perf_counter() - started < timeout:
            if self.driver.execute_script("return !!(window.innographView && window.innographView.ready)"):
                break
            time.sleep(0.02)
        else:
            raise TimeoutError(f"{page} did not draw within {timeout:g} s")
        elapsed = time.perf_counter() - started
        first_draw = self.driver.execute_script("return window.innographView.loadMs")
        return PageVisit(elapsed, first_draw, self.driver.get_log("browser"), self.requests())

    def requests(self) -> list[str]:
        """Every URL the page asked for, in order. Chromium's own ``chrome:`` and ``devtools:`` resources
        are left out: some builds load them for their own widgets (a tooltip, a spinner) while a page is
        open; they come from inside the browser, never from the network, and no page can ask for them."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if not url.startswith(BROWSER_OWN_SCHEMES):
                    urls.append(url)
        return urls

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def screenshot(self, out: Path) -> Path:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(out))
        return out

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
