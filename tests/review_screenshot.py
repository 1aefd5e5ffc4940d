"""The README's picture of ``dudek review``: ``python tests/review_screenshot.py docs/review.png``.

A 2-minute stamped synthetic game spotted by the real ``spot_video`` (the graded oracle of
``review_fixtures``), reviewed against labels with known mistakes (5 dropped: false alarms; 3 of
the other team: wrong team and missed; 5 added: missed), a few decisions taken with the keyboard,
and the whole page photographed by headless Chromium.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from browser import start_chromium
from PIL import Image
from review_fixtures import make_review_case

from dudek_dali.spotting.review import write_review


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="review-shot-") as tmp:
        tmp = Path(tmp)
        case = make_review_case(tmp, minutes=2.0, dropped=5, flipped=3, added=5, overlay=False)
        review = write_review(case.spot_dir, labels=case.labels)
        print(review)
        browser = start_chromium(tmp / "profile", width=1400, height=1000)
        try:
            browser.get(review.page.as_uri())
            time.sleep(1.5)
            # a few decisions with the keyboard, then a false alarm selected
            from selenium.webdriver.common.action_chains import ActionChains

            ActionChains(browser).send_keys("jajajrja").perform()
            false_alarm = browser.find_elements("css selector", "#list tbody tr")
            next(r for r in false_alarm if "false alarm" in r.text and r.location["y"] > 300).click()
            time.sleep(1.0)
            height = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(1400, height + 140)  # the window's frame is not page
            time.sleep(1.0)
            shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
        finally:
            browser.quit()
    out.parent.mkdir(parents=True, exist_ok=True)
    shot.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, optimize=True)  # few colours
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/review.png"))
