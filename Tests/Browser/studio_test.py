"""The web studio in a real browser (Debian's chromium, driven by Playwright), against a
live merge-server started by scripts/browser-tests.sh. Usage:
    studio_test.py BASE_URL FIXTURE_DIR ARTIFACT_DIR SPEC_PATH KEYED_BASE_URL KEY
(KEYED_BASE_URL: a server that has keys; KEY one of them, with read, render and generate.)
Prints one line per check and exits non-zero when any fails."""

import json
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

BASE, FIXTURES, ARTIFACTS, SPEC = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
KEYED, KEY = sys.argv[5], sys.argv[6]
ORIGIN = urlparse(BASE)
failures = []
passes = 0


def check(name, ok, detail=""):
    global passes
    if ok:
        passes += 1
        print(f"  ok   {name}")
    else:
        failures.append(name)
        print(f"  FAIL {name} {detail}")


def shot(page, name, selector=None, full=False):
    path = ARTIFACTS / f"{name}.png"
    if selector:
        page.locator(selector).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full)


def spec_transitions():
    text = SPEC.read_text()
    block = text[text.index("\n    Transition:\n"):]
    start = block.index("enum: [") + 7
    enum = block[start:block.index("]", start)]
    return [t.strip() for t in enum.replace("\n", " ").split(",")]


def main():
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        console_errors, foreign, requests = [], [], []

        def on_request(request):
            url = urlparse(request.url)
            requests.append(request.url)
            if url.scheme in ("data", "blob"):
                return
            if url.scheme != ORIGIN.scheme or url.netloc != ORIGIN.netloc:
                foreign.append(request.url)

        page.on("request", on_request)
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))

        # Time to first render: the first contentful paint of a fresh load, median of five.
        paints = []
        for _ in range(5):
            page.goto(BASE + "/", wait_until="load")
            page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
            paints.append(page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime"))
        median = statistics.median(paints)
        print(f"first-contentful-paint ms: {[round(x, 1) for x in paints]} median {median:.1f}")
        (ARTIFACTS / "first-render.json").write_text(json.dumps({"samples_ms": paints, "median_ms": median}))
        check("first render under a second on loopback", median < 1000, median)
        page.wait_for_selector("body[data-ready=true]")

        # The page's own logic, imported as modules into the page.
        results = page.evaluate("async () => {" + (Path(__file__).parent / "unit.js").read_text() + "}")
        for r in results:
            check(f"unit: {r['name']}", r["ok"], r["detail"])
        check("unit: the transitions are the spec's", page.evaluate("async () => (await import('/studio/timeline.js')).TRANSITIONS") == spec_transitions())

        # 1. Sign in: mock mode said in words.
        providers = page.locator("#providers").inner_text()
        check("mock mode is shown", "MOCK MODE" in providers, providers)
        check("no key needed on a local server without keys", "No key" in page.locator("#signin-state").inner_text())
        shot(page, "1-signin", "#signin-section")

        # Every control has a label (or an aria-label).
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
            .map(e => e.id || e.outerHTML.slice(0, 60))""")
        check("every control is labelled", not unlabelled, unlabelled)

        # 2. Upload three clips and a song at once; each has a bar and its probe.
        files = [str(FIXTURES / n) for n in ("clip-a.mp4", "clip-b.mp4", "clip-c.mp4", "song.m4a")]
        page.set_input_files("#file-picker", files)
        page.wait_for_function("() => document.querySelectorAll('#uploads li[data-asset-id]').length === 4", timeout=60000)
        bars = page.eval_on_selector_all("#uploads progress", "bars => bars.map(b => b.value)")
        check("four uploads, each bar full", bars == [1, 1, 1, 1], bars)
        probes = page.locator("#uploads .probe").all_inner_texts()
        check("probes show duration, size and fps", all("s ·" in t for t in probes) and sum("fps" in t for t in probes) == 3, probes)
        page.wait_for_function("() => [...document.querySelectorAll('#uploads video.thumb')].every(v => v.readyState >= 2)", timeout=20000)
        shot(page, "2-media", "#media-section")

        # 3. The timeline: three clips; reorder by keyboard, then by drag.
        order = lambda: page.eval_on_selector_all("#clips li.clip", "rows => rows.map(r => r.dataset.assetId)")
        first = order()
        check("three clips on the timeline", len(first) == 3, first)
        page.focus("#clips li.clip[data-index='0']")
        page.keyboard.press("Alt+ArrowDown")
        after_key = order()
        check("Alt+↓ moves a clip down", after_key == [first[1], first[0], first[2]], after_key)
        check("focus follows the moved clip", page.evaluate("document.activeElement.dataset.index") == "1")
        page.drag_and_drop("#clips li.clip[data-index='2']", "#clips li.clip[data-index='0']")
        after_drag = order()
        check("drag moves a clip", after_drag == [after_key[2], after_key[0], after_key[1]], after_drag)
        # A trim: out of the first clip, and the scrub preview shows that frame.
        page.fill("#clip-0-out", "2.5")
        page.dispatch_event("#clip-0-out", "input")
        page.dispatch_event("#clip-0-out", "change")
        page.wait_for_function("() => Math.abs(document.querySelector('#scrub-preview').currentTime - 2.5) < 0.05", timeout=10000)
        check("the scrub preview follows the out point", True)
        page.select_option("#join-0-type", "fade")
        page.fill("#join-0-duration", "0.5")
        page.dispatch_event("#join-0-duration", "change")
        page.check("#beat-sync")
        page.select_option("#beat-mode", "beat")
        page.select_option("#timing", "preserve")
        page.fill("#width", "640")
        page.fill("#height", "360")
        page.fill("#fps", "25")
        page.dispatch_event("#fps", "change")
        shot(page, "3-timeline", "#timeline-section")

        # 4. The waveform: beats drawn where the analysis put them.
        page.wait_for_selector("#waveform-box[data-ready=true]", timeout=90000)
        drawn = page.evaluate("""async () => {
            const W = await import('/studio/waveform.js');
            const canvas = document.querySelector('#waveform');
            const a = JSON.parse(canvas.dataset.analysis);
            const ctx = canvas.getContext('2d');
            const view = { start: 0, end: a.duration };
            const px = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
            const isDown = new Set(a.downbeats.map(t => t.toFixed(3)));
            const downX = a.downbeats.map(t => W.timeToX(t, view, canvas.width));
            let beatsOk = 0, beatsChecked = 0, downOk = 0, gapsClean = 0, gaps = 0;
            for (const t of a.beats) {
                const x = W.timeToX(t, view, canvas.width);
                if (x < 2 || isDown.has(t.toFixed(3))) continue;
                beatsChecked += 1;
                const c = px(x, 5);
                const nearDown = downX.some(d => Math.abs(d - x) <= 1);
                if ((c[0] === 255 && c[1] === 0 && c[2] === 0) || (nearDown && c[2] === 255)) beatsOk += 1;
                // Halfway to the next beat there is no beat line.
                const next = a.beats.find(b => b > t);
                if (next) { gaps += 1; const g = px(W.timeToX((t + next) / 2, view, canvas.width), 5); if (!(g[0] === 255 && g[1] === 0 && g[2] === 0)) gapsClean += 1; }
            }
            let downChecked = 0;
            for (const t of a.downbeats) {
                const x = W.timeToX(t, view, canvas.width);
                if (x < 2 || x > canvas.width - 3) continue;  // the play head sits at 0
                downChecked += 1;
                const c = px(x, 5);
                if (c[0] === 0 && c[1] === 0 && c[2] === 255 && px(x + 1, 5)[2] === 255 && px(x - 1, 5)[2] === 255) downOk += 1;
            }
            return { beats: a.beats.length, downbeats: a.downbeats.length, downChecked, beatsChecked, beatsOk, downOk, gaps, gapsClean };
        }""")
        print(f"waveform pixels: {drawn}")
        check("the analysis found beats", drawn["beats"] >= 20 and drawn["downbeats"] >= 5, drawn)
        check("every beat is a thin red line where the analysis put it", drawn["beatsOk"] == drawn["beatsChecked"] > 0, drawn)
        check("every downbeat is a thick blue line", drawn["downOk"] == drawn["downChecked"] > 0, drawn)
        check("between beats there is no beat line", drawn["gapsClean"] == drawn["gaps"], drawn)
        page.wait_for_function("() => document.querySelector('#song-audio').readyState >= 1", timeout=20000)
        box = page.locator("#waveform").bounding_box()
        page.locator("#waveform").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
        seek = page.evaluate("document.querySelector('#song-audio').currentTime")
        check("clicking the waveform seeks the song", 7 < seek < 9, seek)
        page.click("#zoom-in")
        check("zoom in", page.locator("#zoom-level").inner_text() == "2×")
        page.click("#zoom-out")
        shot(page, "4-song", "#song-section")

        # 5. Render; the bar reaches 100 % through the event stream.
        with page.expect_request(lambda r: r.url.endswith("/api/mv/merge_videos") and r.method == "POST") as sent:
            page.click("#render")
        body = json.loads(sent.value.post_data)
        check("the render asks for a fade", body["transitions"][0] == {"type": "fade", "duration": 0.5}, body)
        check("the render asks for beat sync", body.get("beat_sync") == {"mode": "beat"} and body["timing"] == "preserve", body)
        check("the render is in the order the page shows", [c["source"] for c in body["clips"]] == after_drag, body)
        page.wait_for_selector("#live-jobs li.job", timeout=10000)
        job = page.locator("#live-jobs li.job").first
        page.wait_for_function("() => document.querySelector('#live-jobs li.job').dataset.status === 'succeeded'", timeout=120000)
        check("the progress bar reached 100 %", job.locator("progress").evaluate("b => b.value") == 1 and job.locator(".percent").inner_text() == "100 %")
        check("progress came over SSE", any("/events" in u for u in requests))
        shot(page, "5-jobs", "#jobs-section")

        # 6. Play the result and seek to the middle: the time and the frame change.
        page.wait_for_selector("#result:not([hidden])")
        page.wait_for_function("() => document.querySelector('#player').readyState >= 2", timeout=30000)
        frame = """() => { const v = document.querySelector('#player'); const c = document.createElement('canvas');
            c.width = 64; c.height = 36; const x = c.getContext('2d'); x.drawImage(v, 0, 0, 64, 36);
            return Array.from(x.getImageData(0, 0, 64, 36).data); }"""
        before = page.evaluate(frame)
        page.evaluate("document.querySelector('#player').play().catch(() => {})")
        page.wait_for_function("() => document.querySelector('#player').currentTime > 0.2", timeout=20000)
        check("the video plays", True)
        duration = page.evaluate("document.querySelector('#player').duration")
        page.evaluate("""d => new Promise(resolve => { const v = document.querySelector('#player'); v.pause();
            v.addEventListener('seeked', resolve, { once: true }); v.currentTime = d / 2; })""", duration)
        now = page.evaluate("document.querySelector('#player').currentTime")
        check("seeking to the middle", abs(now - duration / 2) < 0.1, (now, duration))
        after = page.evaluate(frame)
        changed = sum(abs(a - b) for a, b in zip(before, after)) / len(before)
        check("the frame changed", changed > 2, changed)
        check("ranges were used", page.evaluate("""async () => { const v = document.querySelector('#player');
            const r = await fetch(v.currentSrc, { headers: { Range: 'bytes=0-9' } }); return r.status; }""") == 206)
        page.wait_for_selector("#poster:not([hidden])", timeout=15000)
        info = page.locator("#info").inner_text()
        check("the info panel: cuts, loudness, processing time", "Cuts" in info and "LUFS" in info and "Processing time" in info, info)
        check("copy as curl", page.locator("#curl").input_value().startswith("curl -s -X POST") and "merge_videos" in page.locator("#curl").input_value())
        check("a download link", "/api/mv/get_video/" in page.get_attribute("#download", "href"))
        shot(page, "6-result", "#result")
        # The README's picture: the timeline and the song's waveform after the render.
        top = page.locator("#timeline-section").bounding_box()
        bottom = page.locator("#song-section").bounding_box()
        scroll = page.evaluate("window.scrollY")
        page.screenshot(path=str(ARTIFACTS / "studio.png"), full_page=True,
                        clip={"x": 0, "y": top["y"] + scroll - 8, "width": 1280, "height": bottom["y"] + bottom["height"] - top["y"] + 16})

        # 7. Cancel a second job.
        page.fill("#width", "1920")
        page.fill("#height", "1080")
        page.dispatch_event("#height", "change")
        page.click("#render")
        page.wait_for_function("() => document.querySelectorAll('#live-jobs li.job').length === 2")
        second = page.locator("#live-jobs li.job").first
        second.locator("button.cancel").click()
        page.wait_for_function("() => document.querySelector('#live-jobs li.job').dataset.status === 'canceled'", timeout=20000)
        check("the second job is canceled", second.get_attribute("data-status") == "canceled")
        check("a canceled job offers no cancel", second.locator("button.cancel").is_hidden())
        page.click("#past-jobs-load")
        page.wait_for_selector("#past-jobs li")
        check("past jobs listed", page.locator("#past-jobs li").count() >= 3)
        shot(page, "7-jobs-after-cancel", "#jobs-section")

        # 8. Generate: scenes on the song, a model and price each, the estimate against the budget.
        page.click("#plan button[type=submit]")
        page.wait_for_selector("#scenes li", timeout=60000)
        scenes = page.locator("#scenes li").count()
        check("scenes planned", scenes >= 1, scenes)
        check("an estimate against the budget", "budget" in page.locator("#estimate").inner_text())
        page.fill("#budget", "0")
        page.dispatch_event("#budget", "input")
        est = page.locator("#estimate").inner_text()
        over = "OVER BUDGET" in est
        check("over budget is said in words and stops the run", (not over) or page.is_disabled("#run-music-video"), est)
        page.fill("#budget", "5")
        page.dispatch_event("#budget", "input")
        shot(page, "8-generate", "#generate-section")

        # Keyboard focus is visible.
        page.focus("#render")
        outline = page.evaluate("getComputedStyle(document.querySelector('#render')).outlineStyle")
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        check("focus is visible", outline not in ("none", ""), outline)

        shot(page, "9-desktop", full=True)
        page.set_viewport_size({"width": 390, "height": 844})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check("no sideways scrolling at phone width", overflow <= 0, overflow)
        shot(page, "10-phone", full=True)
        shot(page, "10-phone-timeline", "#timeline-section")

        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
            .map(e => e.id || e.outerHTML.slice(0, 60))""")
        check("every control is labelled, the generated ones too", not unlabelled, unlabelled)
        check("no console errors", not console_errors, console_errors)
        check("no request to any other host", not foreign, foreign)
        keyed(browser)
        browser.close()
    print(f"browser tests: {passes} passed, {len(failures)} failed in {time.monotonic() - started:.1f} s")
    if failures:
        print("failed: " + "; ".join(failures))
        sys.exit(1)


def keyed(browser):
    """A server with keys: the page asks for one, keeps it in the tab, and media then
    loads through the signed links the API returns (a <video> sends no key)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(KEYED) and urlparse(r.url).scheme not in ("data", "blob") else None)
    page.goto(KEYED + "/")
    page.wait_for_selector("#signin-error:not([hidden])")
    check("keys: without a key the page says so", "API key" in page.locator("#signin-error").inner_text() or "key" in page.locator("#signin-error").inner_text())
    page.fill("#api-key", KEY)
    page.click("#signin button[type=submit]")
    page.wait_for_selector("#providers strong")
    check("keys: signed in", page.locator("#signin-state").inner_text() == "Signed in with a key.")
    check("keys: the key is in session storage only", page.evaluate("() => [sessionStorage.length, localStorage.length, document.cookie]") == [1, 0, ""])
    page.set_input_files("#file-picker", [str(FIXTURES / "clip-a.mp4")])
    page.wait_for_selector("#uploads li[data-asset-id]", timeout=30000)
    page.wait_for_function("() => document.querySelector('#uploads video.thumb').readyState >= 2", timeout=20000)
    src = page.get_attribute("#uploads video.thumb", "src")
    check("keys: the thumbnail loads through a signed link", "sig=" in src and "kid=" in src, src)
    shot(page, "11-keyed", "#signin-section")
    # The one expected error: the first catalog request, made before the key was given.
    unexpected = [e for e in errors if "401" not in e]
    check("keys: no console errors but the first 401", not unexpected and len(errors) <= 1, errors)
    check("keys: no request to any other host", not foreign, foreign)
    context.close()


if __name__ == "__main__":
    main()
