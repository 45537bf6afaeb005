// Save to visible in `folio serve`: a chapter of the report open in headless Chromium, its
// Markdown saved seven times with a changed heading; each time, how long until the page
// shows the new heading with all its charts drawn again. Prints the median and the range.
//
//   node benches/live.mjs FOLIO SITE_DIR
//
// SITE_DIR is a copy of the report (its chapter file is edited). Uses playwright-core from
// tests/browser/node_modules and Debian's /usr/bin/chromium, as the browser tests do.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [folio, site] = process.argv.slice(2);
const port = await new Promise((done) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => done(port));
  });
});
const server = spawn(folio, ["serve", "--root", site, "--port", String(port)], { stdio: "ignore" });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    await fetch(`${base}/__folio/status`);
    break;
  } catch {
    if (i > 200) throw new Error("folio serve did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
}
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The live-reload script polls the server, so the network is never idle.
  await page.goto(`${base}/downloads/`, { waitUntil: "load" });
  const chapter = join(site, "content", "01-downloads.md");
  const text = readFileSync(chapter, "utf8");
  if (!text.includes("## Shares of what")) throw new Error(`${chapter} has no "## Shares of what"`);
  const shown = (heading) => {
    const h = [...document.querySelectorAll("main h2")].find((h) => h.textContent.includes(heading));
    const boxes = [...document.querySelectorAll("main .chart-live")];
    return !!h && boxes.length > 0 && boxes.every((b) => b.querySelector("svg path"));
  };
  await page.waitForFunction(shown, "Shares of what", { polling: "raf", timeout: 10000 });
  const times = [];
  for (let i = 0; i < 7; i++) {
    const heading = `Shares of what (edit ${i})`;
    const started = performance.now();
    writeFileSync(chapter, text.replace("## Shares of what", `## ${heading}`));
    await page.waitForFunction(shown, heading, { polling: "raf", timeout: 10000 });
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 300));
  }
  writeFileSync(chapter, text);
  times.sort((a, b) => a - b);
  console.log(`${times[3].toFixed(0)} ms median of 7 (${times[0].toFixed(0)}–${times[6].toFixed(0)} ms)`);
} finally {
  await browser.close();
  server.kill();
}
