// Measure the reveal.js decks of tools/slides.py as a projector shows them: headless Chromium at 1280x720.
//
// For every sub-slide of every deck it reports the height of the content (in the deck's own pixels,
// before reveal.js scales the slide to the screen) against the slide's height, and the font sizes
// a viewer sees (in screen pixels, after scaling) of body text (Markdown paragraphs and lists) and of
// code (cell inputs and text outputs), and the on-screen width of its figures. A sub-slide taller
// than the slide is cut off on a projector.
//
// It needs Chromium (Debian: apt-get install chromium) and playwright-core (no browser download)
// next to the decks' offline scripts, and decks built with --offline (they load nothing from the net):
//
//     npm install --prefix build/slides reveal.js@4.0.2 requirejs@2.3.8 jquery@2.2.4 mathjax@2.7.7 playwright-core
//     python tools/slides.py --offline
//     node tools/measure_slides.mjs                      # every deck in build/slides
//     node tools/measure_slides.mjs build/slides/01_ann_basics.slides.html --details
//
// Options: --viewport WIDTHxHEIGHT (default 1280x720), --chromium PATH (default /usr/bin/chromium),
// --details (list every sub-slide that is too tall), --json FILE (all measurements).
// Exit code 1 when a sub-slide is taller than the slide, 2 for a usage error.
// It is a tool, not a test: CI has no Chromium.

import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const USAGE = "usage: node tools/measure_slides.mjs [DECK.html | FOLDER ...] [--viewport 1280x720] "
  + "[--chromium /usr/bin/chromium] [--details] [--json FILE]";

function parseArguments(argv) {
  const options = { paths: [], viewport: { width: 1280, height: 720 }, chromium: "/usr/bin/chromium", details: false, json: null };
  for (let i = 0; i < argv.length; i += 1) {
    const argument = argv[i];
    if (argument === "--details") options.details = true;
    else if (argument === "--json") options.json = argv[++i];
    else if (argument === "--chromium") options.chromium = argv[++i];
    else if (argument === "--viewport") {
      const match = /^(\d+)x(\d+)$/.exec(argv[++i] ?? "");
      if (!match) throw new Error(`--viewport needs WIDTHxHEIGHT such as 1280x720. ${USAGE}`);
      options.viewport = { width: Number(match[1]), height: Number(match[2]) };
    } else if (argument.startsWith("--")) throw new Error(`unknown option ${argument}. ${USAGE}`);
    else options.paths.push(argument);
  }
  if (options.paths.length === 0) options.paths.push("build/slides");
  return options;
}

/** The deck files named on the command line; a folder stands for the *.slides.html files in it. */
function deckFiles(paths) {
  const decks = [];
  for (const path of paths.map((p) => resolve(p))) {
    if (!existsSync(path)) throw new Error(`no such deck or folder: ${path}`);
    if (statSync(path).isDirectory()) {
      const names = readdirSync(path).filter((name) => name.endsWith(".slides.html")).sort();
      if (names.length === 0) throw new Error(`no *.slides.html in ${path}: build the decks with tools/slides.py`);
      decks.push(...names.map((name) => join(path, name)));
    } else decks.push(path);
  }
  return decks;
}

/** playwright-core, installed with npm next to the decks (it is not a dependency of the course). */
function loadPlaywright(deck) {
  const require = createRequire(join(dirname(deck), "package.json"));
  try {
    return require("playwright-core");
  } catch {
    throw new Error(`playwright-core is not installed next to ${deck}: npm install --prefix ${dirname(deck)} playwright-core`);
  }
}

// Runs in the page: the present sub-slide's content height and the on-screen font sizes in it.
function measurePresentSubslide() {
  const slides = document.querySelector(".reveal .slides");
  const subslide = document.querySelector(".reveal .slides > section.present > section.present");
  const zoom = Number(getComputedStyle(slides).zoom) || 1;
  const scale = (slides.getBoundingClientRect().width / slides.offsetWidth) * (zoom === 1 ? 1 : zoom);
  const fontSizes = (selector) => [...subslide.querySelectorAll(selector)]
    .filter((element) => element.textContent.trim() !== "")
    .map((element) => Number.parseFloat(getComputedStyle(element).fontSize) * scale);
  return {
    height: subslide.scrollHeight,
    body: fontSizes(".jp-RenderedMarkdown p, .jp-RenderedMarkdown li, .jp-RenderedMarkdown td"),
    code: fontSizes(".jp-InputArea pre, .jp-RenderedText pre"),
    figures: [...subslide.querySelectorAll(".jp-RenderedImage img")].map((image) => {
      const box = image.getBoundingClientRect(); // a tall figure is fitted into its box (object-fit: contain)
      return Math.min(box.width, (box.height * image.naturalWidth) / image.naturalHeight);
    }),
  };
}

async function waitForMath(page) {
  await page.evaluate(() => new Promise((done) => {
    if (!window.MathJax || !window.MathJax.Hub) done();
    else window.MathJax.Hub.Queue(done);
  }));
}

/** Walk every sub-slide of one deck (through the URL, as reveal.js's history does) and measure it. */
async function measureDeck(browser, deck, viewport) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(pathToFileURL(deck).href);
  await page.waitForSelector(".reveal.ready", { timeout: 30000 });
  await waitForMath(page);
  const slideHeight = await page.evaluate(() => document.querySelector(".reveal .slides").offsetHeight);
  const counts = await page.$$eval(".reveal .slides > section", (sections) => sections.map((s) => s.querySelectorAll(":scope > section").length));
  const subslides = [];
  for (const [h, count] of counts.entries()) {
    for (let v = 0; v < count; v += 1) {
      await page.evaluate(([hh, vv]) => { window.location.hash = `#/${hh}/${vv}`; }, [h, v]);
      await page.waitForFunction(([hh, vv]) => {
        const outer = document.querySelectorAll(".reveal .slides > section")[hh];
        return outer.classList.contains("present") && outer.querySelectorAll(":scope > section")[vv].classList.contains("present");
      }, [h, v]);
      await waitForMath(page);
      subslides.push({ id: `#/${h}/${v}`, ...(await page.evaluate(measurePresentSubslide)) });
    }
  }
  await page.close();
  return { deck: basename(deck), slideHeight, subslides, errors };
}

const median = (values) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const px = (value) => (Number.isNaN(value) ? "-" : value.toFixed(1));

function summarise(results, details) {
  const lines = [
    "| deck | sub-slides | taller than the slide | tallest (px) | body text (px) | code (px) | figure width (px) |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  const all = { subslides: 0, tooTall: 0, body: [], code: [], figures: [] };
  for (const result of results) {
    const tooTall = result.subslides.filter((s) => s.height > result.slideHeight);
    const body = result.subslides.flatMap((s) => s.body);
    const code = result.subslides.flatMap((s) => s.code);
    const figures = result.subslides.flatMap((s) => s.figures);
    const tallest = Math.max(...result.subslides.map((s) => s.height));
    lines.push(`| ${result.deck} | ${result.subslides.length} | ${tooTall.length} | ${tallest} | ${px(median(body))} | ${px(median(code))} | ${px(median(figures))} |`);
    Object.assign(all, { subslides: all.subslides + result.subslides.length, tooTall: all.tooTall + tooTall.length });
    all.body.push(...body);
    all.code.push(...code);
    all.figures.push(...figures);
    if (details) for (const s of tooTall) lines.push(`|   ${s.id} | | ${s.height} px | | | | |`);
    for (const error of result.errors) lines.push(`|   page error: ${error} | | | | | | |`);
  }
  const spread = (values) => `${px(median(values))} (min ${px(Math.min(...values))})`;
  lines.push(`| all decks | ${all.subslides} | ${all.tooTall} | | ${spread(all.body)} | ${spread(all.code)} | ${spread(all.figures)} |`);
  return { table: lines.join("\n"), tooTall: all.tooTall };
}

async function main() {
  let options;
  let decks;
  try {
    options = parseArguments(process.argv.slice(2));
    decks = deckFiles(options.paths);
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  const { chromium } = loadPlaywright(decks[0]);
  const browser = await chromium.launch({
    executablePath: options.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const results = [];
  try {
    for (const deck of decks) results.push(await measureDeck(browser, deck, options.viewport));
  } finally {
    await browser.close();
  }
  const { table, tooTall } = summarise(results, options.details);
  console.log(`viewport ${options.viewport.width}x${options.viewport.height}; heights in the deck's pixels, `
    + "fonts and figure widths in screen pixels (median)");
  console.log(table);
  if (options.json) writeFileSync(options.json, JSON.stringify(results, null, 1));
  return tooTall > 0 ? 1 : 0;
}

process.exitCode = await main();
