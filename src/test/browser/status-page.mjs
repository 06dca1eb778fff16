// Drives Debian's chromium through the status page and prints what a person sees there, as JSON on stdout; the Java
// test (io.imageprune.api.StatusPageBrowserTest) compares it with numbers it computes itself.
//   node status-page.mjs <page url> <image to explain> <screenshot path> <user data dir>
import { chromium } from "playwright-core";

const [url, image, screenshot, userDataDir] = process.argv.slice(2);
if (!url || !image || !screenshot || !userDataDir) {
  console.error("usage: node status-page.mjs <page url> <image to explain> <screenshot path> <user data dir>");
  process.exit(2);
}
const TIMEOUT_MS = 60000;

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 1000 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  page.setDefaultTimeout(TIMEOUT_MS);

  const response = await page.goto(url);
  await page.waitForSelector("body[data-loaded='true'][data-summary-loaded='true']");
  const seen = await page.evaluate(() => {
    const text = (id) => document.getElementById(id).textContent.trim();
    return {
      title: document.title,
      badge: text("sync-badge"),
      synced: text("synced"),
      lag: Number(document.getElementById("lag").dataset.lag),
      images: Number(document.getElementById("objects").dataset.images),
      planProblem: document.getElementById("plan-problem").hidden ? null : text("plan-problem"),
      totalBytes: Number(document.getElementById("total-bytes").dataset.bytes),
      totalBytesText: text("total-bytes"),
      totalImages: text("total-images"),
      bars: [...document.querySelectorAll("#chart g.bar")].map((bar) => ({
        namespace: bar.dataset.namespace, bytes: Number(bar.dataset.bytes), label: bar.textContent })),
      runs: [...document.querySelectorAll("#runs-body tr[data-run]")].map((row) => ({
        id: row.dataset.run, cells: [...row.children].map((cell) => cell.textContent.trim()),
        bytes: Number(row.lastElementChild.dataset.bytes) })),
    };
  });

  await page.fill("#explain-image", image);
  await page.click("#explain-form button[type=submit]");
  await page.waitForSelector("#explanation .verdict");
  seen.explanation = {
    verdict: (await page.textContent("#explanation .verdict")).trim(),
    text: (await page.textContent("#explanation")).trim(),
  };
  await page.screenshot({ path: screenshot, fullPage: true });
  seen.status = response.status();
  seen.consoleErrors = consoleErrors;
  process.stdout.write(JSON.stringify(seen) + "\n");
} finally {
  await context.close();
}
