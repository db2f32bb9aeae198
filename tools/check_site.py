"""Open every page of the course website in headless Chromium and report what a reader would meet.

``python tools/build_site.py`` writes the site; this tool serves it on 127.0.0.1 and checks
each page as a browser shows it:

* no console error, no uncaught script error, no resource that fails to load, and no
  request to any other host (the site must work offline);
* every image loaded; every math formula typeset by MathJax, none in error;
* every link inside the site leads to a page that exists, and its ``#anchor`` to an element
  with that id on that page;
* on each lesson page, one "Open in Colab" button, pointing at that lesson's notebook
  (``course_utils.colab.badge_url``);
* every quiz question answers a click: a wrong option says why it is wrong, the right one
  says so and explains;
* no text of a solution, check or instructor-answer cell (``tools/build_site.py`` leaves
  them out) and no machinery (the Colab bootstrap, nbval markers);
* the search page finds the pooling lesson for "pooling".

    python tools/check_site.py                          # every page of build/site
    python tools/check_site.py notebooks/06_pooling.html --screenshots build/site-shots

It needs Chromium (Debian: ``apt-get install chromium``) and the ``playwright`` package
(installed with the course's dev tools; it drives the system's Chromium, nothing is
downloaded). Exit code 0 when every check passes, 1 with the list of problems otherwise,
2 for a usage error.
"""

from __future__ import annotations

import argparse
import functools
import html.parser
import http.server
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import nbformat

from course_utils import colab

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from build_site import DEFAULT_OUTPUT, site_version, solution_and_check_sources
from notebook_files import REPO

DEFAULT_CHROMIUM = "/usr/bin/chromium"
MACHINERY = ("# @title Check", "NBVAL_IGNORE_OUTPUT", "google.colab", "%pip install")
SHORTEST_DISTINCTIVE_LINE = 25  # shorter lines ("plt.show()", "return x") also occur in lessons
PAGE_TIMEOUT_MS = 20_000
SEARCH_WORD, SEARCH_PAGE = "pooling", "06_pooling.html"
PHONE_WIDTH = 390
MATHJAX_FONT_PROBE = "about:blank"

MATH_READY = """() => !document.querySelector('.math.notranslate') ||
    (window.MathJax && MathJax.Hub && MathJax.isReady && MathJax.Hub.queue.pending === 0
     && MathJax.Hub.queue.running === 0 && !document.querySelector('.MathJax_Processing'))"""
UNTYPESET_MATH = """() => Array.from(document.querySelectorAll('.math.notranslate'))
    .filter(m => !m.querySelector('.MathJax, .MathJax_Display') || m.querySelector('.MathJax_Error, merror'))
    .map(m => m.textContent.trim().slice(0, 60))"""
BROKEN_IMAGES = """() => Array.from(document.images)
    .filter(image => !image.complete || image.naturalWidth === 0).map(image => image.getAttribute('src'))"""
LINKS = "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"


# ---------------------------------------------------------------------------------------------
# Serving the site
# ---------------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(site: Path) -> Iterator[str]:
    """Serve ``site`` over HTTP on 127.0.0.1 for the duration of the block; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------------
# What each page is checked against, read from the files
# ---------------------------------------------------------------------------------------------


class _IdCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name in ("id", "name") and value)


@functools.cache
def ids_of(page: Path) -> frozenset[str]:
    """Every ``id`` (and ``name``) in an HTML file: what a ``#fragment`` can point at."""
    collector = _IdCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return frozenset(collector.ids)


def notebook_of(page: str) -> Path | None:
    """The notebook a page was made from (``notebooks/06_pooling.html`` → its .ipynb), or None."""
    if not page.startswith("notebooks/"):
        return None
    path = REPO / Path(page).with_suffix(".ipynb")
    return path if path.is_file() else None


def hidden_lines(notebook_path: Path) -> list[str]:
    """Lines of the notebook's solution, check and answer cells that no shown cell contains.

    A line that also appears in a cell the site shows (an import, ``plt.show()``) proves
    nothing, so only lines of at least ``SHORTEST_DISTINCTIVE_LINE`` characters found in no
    shown cell count.
    """
    notebook = nbformat.read(notebook_path, as_version=4)
    shown = "\n".join(cell.source for cell in site_version(notebook, notebook_path.relative_to(REPO)).cells)
    lines = {line.strip() for source in solution_and_check_sources(notebook) for line in source.splitlines()}
    return sorted(
        line
        for line in lines
        if len(line) >= SHORTEST_DISTINCTIVE_LINE and line not in shown and not line.startswith("#")
    )


def internal_link_problem(site: Path, base: str, page: str, href: str) -> str | None:
    """Why a link on ``page`` is broken, or None: a missing page, or a missing ``#anchor`` on it."""
    page_url = urljoin(base, page)
    target = urlsplit(urljoin(page_url, href))
    if not target.geturl().startswith(base) or href.startswith(("mailto:", "javascript:")):
        return None  # another site (GitHub, Colab, the papers): not ours to check offline
    relative = unquote(target.path[len(urlsplit(base).path) :])
    file = site / relative
    if relative == "" or relative.endswith("/"):
        file = file / "index.html"
    if not file.is_file():
        return f"link {href!r} leads to a missing page {relative!r}"
    if target.fragment and file.suffix == ".html" and target.fragment not in ids_of(file):
        return f"link {href!r}: no element with id {target.fragment!r} on {relative}"
    return None


# ---------------------------------------------------------------------------------------------
# The checks in the browser
# ---------------------------------------------------------------------------------------------


def quiz_problems(page) -> list[str]:
    """Click a wrong option, then the right one, in every quiz question of the page."""
    problems = []
    questions = page.locator(".course-quiz-question")
    for index in range(questions.count()):
        question = questions.nth(index)
        where = f"quiz question {index + 1}"
        options = question.locator("button.course-quiz-option")
        feedback = question.locator(".course-quiz-feedback")
        correct = [options.nth(i).get_attribute("data-correct") == "true" for i in range(options.count())]
        if correct.count(True) != 1:
            problems.append(f"{where}: {correct.count(True)} options are marked correct, not 1")
            continue
        wrong = options.nth(correct.index(False))
        expected = wrong.get_attribute("data-message") or ""
        wrong.click()
        text = feedback.inner_text(timeout=2_000)
        if text != expected or not re.match(r"\([a-e]\) is not right: \S", text):
            problems.append(f"{where}: a wrong option's click showed {text!r}, not why it is wrong")
        options.nth(correct.index(True)).click()
        text = feedback.inner_text(timeout=2_000)
        if "is correct" not in text:
            problems.append(f"{where}: the right option's click showed {text!r}")
    return problems


def colab_problems(page, page_name: str) -> list[str]:
    """A lesson page has exactly one Colab button, and it opens this page's notebook."""
    notebook = notebook_of(page_name)
    buttons = page.locator("a.course-colab-button")
    if notebook is None:
        return [f"{buttons.count()} Colab buttons on a page that is not a notebook"] if buttons.count() else []
    if buttons.count() != 1:
        return [f"{buttons.count()} Colab buttons, not 1"]
    expected = colab.badge_url(notebook.relative_to(REPO))
    href = buttons.first.get_attribute("href")
    return [] if href == expected else [f"the Colab button opens {href}, not {expected}"]


def hidden_text_problems(page, page_name: str) -> list[str]:
    """Text of solution and check cells, or of the course's machinery, shown on the page."""
    text = page.locator("article").inner_text() if page.locator("article").count() else page.inner_text("body")
    notebook = notebook_of(page_name)
    if notebook is None:  # the instructor pages may quote the machinery, e.g. the Colab bootstrap
        return []
    problems = [f"shows {marker!r}" for marker in MACHINERY if marker in text]
    problems += [
        f"shows a line of a solution or check cell: {line!r}" for line in hidden_lines(notebook) if line in text
    ]
    return problems


def is_mathjax_font_probe(url: str) -> bool:
    """MathJax 2's HTML-CSS output tests web-font loading with a font at ``about:blank``, which
    Chromium refuses (a console error, a failed request): harmless, and nothing leaves the site."""
    return url == MATHJAX_FONT_PROBE


def console_problems(message) -> list[str]:
    """A console error, unless it is MathJax's font probe."""
    if message.type != "error" or MATHJAX_FONT_PROBE in message.text:
        return []
    if is_mathjax_font_probe(message.location.get("url", "")):
        return []
    return [f"console error: {message.text}"]


def request_problems(url: str, base: str, what: str) -> list[str]:
    """A request that failed, or that went to another host (``what`` says which), unless it is
    to the site itself where only another host is the problem, or MathJax's font probe."""
    if is_mathjax_font_probe(url):
        return []
    if what.startswith("request to another host") and url.startswith((base, "data:", "blob:")):
        return []
    return [f"{what} {url}"]


def page_problems(browser, site: Path, base: str, page_name: str) -> list[str]:
    """Every problem of one page, each prefixed with the page's name."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.extend(console_problems(message)))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.extend(request_problems(request.url, base, "failed to load")))
    page.on("request", lambda request: problems.extend(request_problems(request.url, base, "request to another host:")))
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} for {response.url}") if response.status >= 400 else None
        ),
    )
    try:
        page.goto(urljoin(base, page_name), wait_until="load", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(MATH_READY, timeout=PAGE_TIMEOUT_MS)
        problems += [f"math not typeset: {formula!r}" for formula in page.evaluate(UNTYPESET_MATH)]
        problems += [f"image not loaded: {source}" for source in page.evaluate(BROKEN_IMAGES)]
        for href in sorted(set(page.evaluate(LINKS))):
            problem = internal_link_problem(site, base, page_name, href)
            if problem:
                problems.append(problem)
        problems += colab_problems(page, page_name)
        problems += hidden_text_problems(page, page_name)
        problems += quiz_problems(page)
    except Exception as error:  # a page that does not load or times out is a problem, not a crash
        problems.append(f"could not be checked: {type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        page.close()
    return [f"{page_name}: {problem}" for problem in problems]


def search_problems(browser, base: str) -> list[str]:
    """The site's search finds the pooling lesson for "pooling"."""
    page = browser.new_page()
    try:
        page.goto(urljoin(base, f"search.html?q={SEARCH_WORD}"), timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector("#search-results li", timeout=PAGE_TIMEOUT_MS)
        hits = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    except Exception as error:
        return [f"search.html: searching {SEARCH_WORD!r} failed: {type(error).__name__}"]
    finally:
        page.close()
    if not any(SEARCH_PAGE in (hit or "") for hit in hits):
        return [f"search.html: {SEARCH_WORD!r} does not find {SEARCH_PAGE} (found {len(hits)} pages)"]
    return []


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site, relative to its root, in a stable order."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html") if "_static" not in path.parts)


def launch(playwright, chromium: str):
    """Headless Chromium from the system, through playwright (no browser download)."""
    if shutil.which(chromium) is None and not Path(chromium).is_file():
        raise FileNotFoundError(f"no Chromium at {chromium}: install it (Debian: apt-get install chromium)")
    return playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])


def check_site(site: Path, pages: list[str] | None = None, chromium: str = DEFAULT_CHROMIUM) -> list[str]:
    """Open ``pages`` (default: all) of the built site in headless Chromium; return every problem."""
    from playwright.sync_api import sync_playwright

    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"no site at {site}: run python tools/build_site.py first")
    ids_of.cache_clear()
    pages = pages or site_pages(site)
    with served(site) as base, sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            problems = [problem for page in pages for problem in page_problems(browser, site, base, page)]
            if "search.html" in pages:
                problems += search_problems(browser, base)
        finally:
            browser.close()
    return problems


# ---------------------------------------------------------------------------------------------
# Screenshots, to look at what a reader sees
# ---------------------------------------------------------------------------------------------


def take_screenshots(site: Path, folder: Path, lesson: str, chromium: str = DEFAULT_CHROMIUM) -> list[Path]:
    """A lesson page, its quiz after a wrong and a right click, the search for "pooling", a phone view."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with served(site) as base, sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(urljoin(base, lesson))
        page.wait_for_function(MATH_READY)
        written.append(folder / "lesson.png")
        page.screenshot(path=written[-1])
        question = page.locator(".course-quiz-question").first
        options = question.locator("button.course-quiz-option")
        correct = [options.nth(i).get_attribute("data-correct") == "true" for i in range(options.count())]
        options.nth(correct.index(False)).click()
        written.append(folder / "quiz_wrong.png")
        question.screenshot(path=written[-1])
        options.nth(correct.index(True)).click()
        written.append(folder / "quiz_right.png")
        question.screenshot(path=written[-1])
        page.goto(urljoin(base, f"search.html?q={SEARCH_WORD}"))
        page.wait_for_selector("#search-results li")
        written.append(folder / "search.png")
        page.screenshot(path=written[-1])
        phone = browser.new_page(viewport={"width": PHONE_WIDTH, "height": 844}, device_scale_factor=2)
        phone.goto(urljoin(base, lesson))
        written.append(folder / "phone.png")
        phone.screenshot(path=written[-1])
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", help="pages relative to the site's root (default: every page)")
    parser.add_argument("--site", type=Path, default=DEFAULT_OUTPUT, help="the built site (default: build/site)")
    parser.add_argument("--chromium", default=DEFAULT_CHROMIUM, help="the Chromium to drive")
    parser.add_argument("--screenshots", type=Path, help="also write screenshots of the first page to this folder")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        pages = args.pages or site_pages(args.site)
        missing = [page for page in pages if not (args.site / page).is_file()]
        if missing:
            print(f"check_site: no such page in {args.site}: {', '.join(missing)}", file=sys.stderr)
            return 2
        problems = check_site(args.site, pages, args.chromium)
        if args.screenshots:
            lesson = next((page for page in pages if notebook_of(page)), "notebooks/06_pooling.html")
            for path in take_screenshots(args.site, args.screenshots, lesson, args.chromium):
                print(f"screenshot: {path}")
    except FileNotFoundError as error:
        print(f"check_site: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    for problem in problems:
        print(problem)
    print(f"{len(pages)} pages checked in {seconds:.0f} s: {len(problems) or 'no'} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
