// folio's end-to-end checks in a real browser: every page of each built site, served on
// localhost under its sub-path, in headless Chromium (Debian's, through playwright-core).
//
//   node run.mjs --site /folio/=../../public --site /charts/=/tmp/charts --artifacts DIR
//
// Then, on the report: search finds a figure by a word of its caption;
// its downloads are served with their types; an embed snippet works on
// a page of another origin (the chart draws, the iframe takes its height); the print edition
// loads every figure and prints to a PDF (saved with the screenshots).
// For every page: no console error and no request to another origin; every chart draws,
// and the first with an axis tooltip shows it on hover (every chart, on the pages of the
// fixtures that hold each form);
// with JavaScript off every figure shows its SVG and its data table; no horizontal
// scrolling at 360 px; no serious or critical axe-core violation, in light and in dark mode.
// Then every page is checked by the Nu HTML Checker (vnu.jar). Screenshots at 360 and 1280
// px of a few pages go to the artefacts directory. Ends with "N passed, N failed".

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const sites = [];
let artifacts = path.join(here, "artifacts");
for (let i = 0; i < args.length; i += 2) {
  if (args[i] === "--site") {
    const [prefix, dir] = args[i + 1].split("=");
    sites.push({ prefix, dir: path.resolve(dir) });
  } else if (args[i] === "--artifacts") {
    artifacts = path.resolve(args[i + 1]);
  }
}
fs.mkdirSync(artifacts, { recursive: true });

const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
  ".csv": "text/csv", ".xml": "application/xml", ".bib": "text/plain", ".txt": "text/plain",
  // As GitHub Pages serves them (its types come from the mime-db list).
  ".zip": "application/zip", ".ris": "application/x-research-info-systems",
};

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split("?")[0]);
  const site = sites.find((s) => url.startsWith(s.prefix));
  if (!site) { res.writeHead(404); res.end("no site"); return; }
  let file = path.join(site.dir, url.slice(site.prefix.length));
  if (!file.startsWith(site.dir)) { res.writeHead(403); res.end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (!fs.existsSync(file)) {
    res.writeHead(404, { "Content-Type": types[".html"] });
    res.end(fs.readFileSync(path.join(site.dir, "404.html")));
    return;
  }
  res.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream" });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

function pages(dir, prefix) {
  const found = [];
  const walk = (d) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".html")) found.push(p);
    }
  };
  walk(dir);
  return found.map((file) => {
    const rel = path.relative(dir, file).split(path.sep).join("/");
    return { file, url: origin + prefix + rel.replace(/index\.html$/, "") };
  });
}

let passed = 0;
const failures = [];
function check(ok, what) {
  if (ok) passed += 1;
  else failures.push(what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const axeSource = fs.readFileSync(path.join(here, "node_modules/axe-core/axe.min.js"), "utf8");

const withScript = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const narrow = await browser.newContext({ viewport: { width: 360, height: 740 } });
const noScript = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });

// Moves the pointer onto the middle point of a chart's first series (for a map, onto China;
// for a pie, onto its first slice)
// and gives the text of the tooltip that appears, or "" when none does within 2 s.
async function tooltipAtAPoint(page, id) {
  await page.evaluate((id) => document.getElementById(id).querySelector(".chart-live").scrollIntoView({ block: "start" }), id);
  const at = await page.evaluate((id) => {
    const live = document.getElementById(id).querySelector(".chart-live");
    const inst = echarts.getInstanceByDom(live);
    const s = inst.getOption().series[0];
    let point;
    if (s.type === "map") point = inst.convertToPixel({ seriesIndex: 0 }, [104, 35]);
    else if (s.type === "pie") {
      // The middle of the first slice.
      const l = inst.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
      const a = (l.startAngle + l.endAngle) / 2;
      const r = (l.r0 + l.r) / 2;
      point = [l.cx + r * Math.cos(a), l.cy + r * Math.sin(a)];
    } else {
      // The middle point with every coordinate known (a gap has none): the first one of a
      // time axis lies on the plot's edge.
      const valueOf = (d) => (d && typeof d === "object" && !Array.isArray(d) ? d.value : d);
      const known = (v) => v !== null && v !== undefined && (!Array.isArray(v) || v.every((c) => c !== null && c !== undefined));
      const present = s.data.map((d, k) => (known(valueOf(d)) ? k : -1)).filter((k) => k >= 0);
      const i = present[Math.floor(present.length / 2)];
      const v = valueOf(s.data[i]);
      const option = inst.getOption();
      // Horizontal bars and dots: categories down the vertical axis.
      const across = option.yAxis && option.yAxis[0] && option.yAxis[0].type === "category";
      point = inst.convertToPixel({ seriesIndex: 0 }, Array.isArray(v) ? v : across ? [v, i] : [i, v]);
    }
    const box = live.getBoundingClientRect();
    return [box.left + point[0], box.top + point[1]];
  }, id);
  await page.mouse.move(at[0], at[1]);
  const tip = await page
    .waitForFunction((id) => {
      const div = document.querySelector(`#${CSS.escape(id)} .chart-live div[style*="z-index: 9999999"]`);
      return div && div.style.display !== "none" && div.style.opacity !== "0" && div.textContent.trim();
    }, id, { timeout: 2000 })
    .then((h) => h.jsonValue(), () => "");
  await page.mouse.move(0, 0);
  return tip;
}

const allPages = sites.flatMap((s) => pages(s.dir, s.prefix));
const screenshotted = new Set();
for (const { url } of allPages) {
  const name = url.slice(origin.length);
  // Scripts on: no console error, no foreign request, every chart drawn, axe light and dark.
  const page = await withScript.newPage();
  const errors = [];
  const foreign = [];
  page.on("console", (m) => {
    // The 404 page is served with status 404, which Chromium logs as an error.
    const expected = name.endsWith("404.html") && m.text().includes("status of 404");
    if (m.type() === "error" && !expected) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) foreign.push(r.url()); });
  const response = await page.goto(url, { waitUntil: "networkidle" });
  const status = response.status();
  check(status === 200 || name.endsWith("404.html"), `${name}: HTTP ${status}`);
  // (The print edition is static by design: it loads no chart script.)
  const charts = await page.evaluate(() => {
    if (typeof echarts === "undefined" && document.querySelector(".print-edition")) return [];
    const figures = [...document.querySelectorAll("figure.figure")];
    return figures.map((f) => {
      const svg = f.querySelector(".chart-live svg");
      return { id: f.id, drawn: !!svg && svg.querySelectorAll("path, text").length > 5 };
    });
  });
  for (const c of charts) check(c.drawn, `${name}: chart ${c.id} did not draw`);
  // The first chart with an axis tooltip shows the values under the pointer.
  const hover = await page.evaluate(() => {
    for (const f of document.querySelectorAll("figure.figure")) {
      const option = f.querySelector("script.folio-option");
      if (option && f.querySelector(".chart-live") && JSON.parse(option.textContent).tooltip?.trigger === "axis") return f.id;
    }
    return null;
  });
  if (hover) {
    const tip = await tooltipAtAPoint(page, hover);
    check(tip !== "", `${name}: chart ${hover} shows no tooltip on hover`);
  }
  // On the fixtures' pages of every form (each chart type, dots, marks, log scales, percent
  // stacks, timelines, small multiples, maps), every chart shows its tooltip when the
  // pointer is on its middle point.
  if (name.endsWith("/chart-forms/") || name.endsWith("/charts/kinds/")) {
    for (const c of charts) {
      const tip = await tooltipAtAPoint(page, c.id);
      check(tip !== "", `${name}: chart ${c.id} shows no tooltip at its middle point`);
    }
  }
  check(errors.length === 0, `${name}: console errors: ${errors.join(" | ")}`);
  check(foreign.length === 0, `${name}: requests to other origins: ${foreign.join(", ")}`);
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ["violations"] });
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
    });
    check(violations.length === 0, `${name} [${scheme}]: axe: ${violations.join(" | ")}`);
  }
  const shoot = name.endsWith("/folio/") || name.endsWith("/downloads/") || name.endsWith("/charts/kinds/") || name.endsWith("/chart-forms/");
  if (shoot) {
    await page.emulateMedia({ colorScheme: "light" });
    const file = name.replace(/[^a-z0-9]+/gi, "_");
    await page.screenshot({ path: path.join(artifacts, `${file}-1280.png`), fullPage: true });
    screenshotted.add(name);
  }
  await page.close();

  // Scripts off: every figure shows its static SVG and has its data table.
  const still = await noScript.newPage();
  await still.goto(url, { waitUntil: "load" });
  const statics = await still.evaluate(() =>
    [...document.querySelectorAll("figure.figure")].map((f) => {
      const img = f.querySelector(".chart img");
      return {
        id: f.id,
        image: !!img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height > 50,
        table: !!f.querySelector("details table tbody tr"),
      };
    }));
  for (const s of statics) {
    check(s.image, `${name}: without scripts, ${s.id} shows no SVG`);
    check(s.table, `${name}: ${s.id} has no data table`);
  }
  await still.close();

  // 360 px: nothing wider than the screen.
  const small = await narrow.newPage();
  await small.goto(url, { waitUntil: "networkidle" });
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `${name}: at 360 px the page is ${overflow} px wider than the screen`);
  if (shoot) {
    const file = name.replace(/[^a-z0-9]+/gi, "_");
    await small.screenshot({ path: path.join(artifacts, `${file}-360.png`), fullPage: true });
  }
  await small.close();
}

// Readers' extras, on the first site (the report).
const reportSite = sites[0];
const versionPage = allPages.find((p) => p.url.startsWith(origin + reportSite.prefix) && /\/figures\/[^/]+\/v1\/$/.test(p.url));
if (versionPage) {
  // Downloads: each served with its type, and the binary ones are what their names say.
  const page = await withScript.newPage();
  await page.goto(versionPage.url, { waitUntil: "networkidle" });
  const links = await page.$$eval("#downloads + ul a[download]", (as) => as.map((a) => a.href));
  const expected = { ".zip": "application/zip", ".csv": "text/csv", ".svg": "image/svg+xml", ".png": "image/png",
    ".bib": "text/plain", ".json": "application/json", ".ris": "application/x-research-info-systems" };
  const magic = { ".zip": "PK\u0003\u0004", ".png": "\u0089PNG", ".svg": "<svg", ".ris": "TY  - " };
  check(links.length >= 8, `${versionPage.url}: ${links.length} downloads`);
  for (const link of links) {
    const ext = path.extname(new URL(link).pathname);
    const response = await page.request.get(link);
    const type = (response.headers()["content-type"] || "").split(";")[0];
    check(response.status() === 200 && type === expected[ext], `${link}: HTTP ${response.status()}, ${type}`);
    if (magic[ext]) {
      const head = (await response.body()).subarray(0, 8).toString("latin1");
      check(head.startsWith(magic[ext]), `${link} starts ${JSON.stringify(head)}`);
    }
  }
  // Embeds: a page on another origin pastes the snippet the figure page offers; the chart
  // draws inside the iframe, and the iframe takes the height the embedded page reports.
  const snippet = await page.$eval("#embed-pinned ~ pre code", (c) => c.textContent);
  await page.close();
  // The snippet names the report's origin twice (the iframe's address and the origin its
  // script accepts messages from): both become the test server's.
  const published = new URL(/src="([^"]+)"/.exec(snippet)[1]).origin;
  const local = snippet.split(published).join(origin);
  const host = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": types[".html"] });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title></head><body><h1>Another site</h1>${local}<p>After.</p></body></html>`);
  });
  await new Promise((r) => host.listen(0, "127.0.0.1", r));
  const hostPage = await withScript.newPage();
  await hostPage.goto(`http://127.0.0.1:${host.address().port}/`, { waitUntil: "networkidle" });
  const first = Number(/height="(\d+)"/.exec(local)[1]);
  const sized = await hostPage
    .waitForFunction((first) => {
      const frame = document.querySelector("iframe[data-folio-embed]");
      return frame && Number(frame.height) !== first && Number(frame.height);
    }, first, { timeout: 5000 })
    .then((h) => h.jsonValue(), () => 0);
  const frame = hostPage.frames().find((f) => f.url().includes("/embed/"));
  const drawn = frame ? await frame.$$eval(".chart-live svg path, .chart-live svg text", (e) => e.length) : 0;
  const inner = frame ? await frame.evaluate(() => Math.ceil(document.documentElement.scrollHeight)) : -1;
  check(drawn > 5, `embed of ${versionPage.url} on another origin: the chart did not draw`);
  check(sized > 0 && Math.abs(sized - inner) <= 2, `embed of ${versionPage.url}: iframe ${sized} px for a page of ${inner} px`);
  await hostPage.screenshot({ path: path.join(artifacts, "embed-on-another-origin.png"), fullPage: true });
  await hostPage.close();
  host.close();
}
// Search: reached by keyboard from the top of the front page, it finds a figure by a word of
// its caption ("grey", in the caption of the map of download shares) and links its page
// under the site's sub-path; without scripts, the header links to the contents instead.
{
  const page = await withScript.newPage();
  await page.goto(`${origin}${reportSite.prefix}`, { waitUntil: "networkidle" });
  let reached = false;
  for (let i = 0; i < 8 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => !!document.activeElement && document.activeElement.matches(".pagefind-ui__search-input"));
  }
  check(reached, "search: the search box cannot be reached with the Tab key");
  await page.keyboard.type("grey");
  const hrefs = await page
    .waitForFunction(() => {
      const links = [...document.querySelectorAll(".pagefind-ui__result-link")].map((a) => a.getAttribute("href"));
      return links.length ? links : null;
    }, null, { timeout: 5000 })
    .then((h) => h.jsonValue(), () => []);
  check(hrefs.includes(`${reportSite.prefix}figures/download-share-map/`), `search for "grey" found ${JSON.stringify(hrefs)}`);
  await page.screenshot({ path: path.join(artifacts, "search-1280.png") });
  await page.close();
  const still = await noScript.newPage();
  await still.goto(`${origin}${reportSite.prefix}downloads/`, { waitUntil: "load" });
  const fallback = await still.$eval(".site-search .search-fallback", (a) => a.getAttribute("href")).catch(() => null);
  check(fallback === `${reportSite.prefix}#contents-title`, `without scripts, the search box's place links ${fallback}`);
  await still.close();
}
const printPage = allPages.find((p) => p.url === `${origin}${reportSite.prefix}print/`);
check(!!printPage, "the report has no /print/ page");
if (printPage) {
  // The print edition: every figure's image loaded, and Chromium's PDF of it.
  const page = await withScript.newPage();
  await page.goto(printPage.url, { waitUntil: "networkidle" });
  const images = await page.$$eval("figure.figure .chart img", (imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0));
  check(images.length > 0 && images.every(Boolean), `/print/: ${images.filter(Boolean).length} of ${images.length} figure images loaded`);
  await page.emulateMedia({ media: "print" });
  const pdf = await page.pdf({ format: "A4", printBackground: true, margin: { top: "18mm", bottom: "18mm", left: "16mm", right: "16mm" } });
  fs.writeFileSync(path.join(artifacts, "report.pdf"), pdf);
  const pdfPages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  const chapters = await page.$$eval(".print-chapter", (c) => c.length);
  check(pdf.subarray(0, 5).toString() === "%PDF-" && pdfPages > chapters, `/print/ as PDF: ${pdfPages} pages for ${chapters} sections`);
  await page.close();
}
await browser.close();
server.close();

// The Nu HTML Checker on every page.
const files = allPages.map((p) => p.file);
let report;
try {
  execFileSync("java", ["-jar", path.join(here, "node_modules/vnu-jar/build/dist/vnu.jar"),
    "--errors-only", "--format", "json", ...files], { stdio: ["ignore", "pipe", "pipe"] });
  report = { messages: [] };
} catch (e) {
  report = JSON.parse(e.stderr.toString() || e.stdout.toString());
}
const htmlErrors = report.messages.filter((m) => m.type === "error");
for (const file of files) {
  const mine = htmlErrors.filter((m) => decodeURIComponent(m.url || "").endsWith(file));
  check(mine.length === 0, `${path.relative(process.cwd(), file)}: HTML: ${mine.slice(0, 3).map((m) => `line ${m.lastLine}: ${m.message}`).join(" | ")}`);
}

for (const f of failures) console.log(`FAIL ${f}`);
console.log(`browser: ${allPages.length} pages, screenshots of ${screenshotted.size} in ${artifacts}`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
