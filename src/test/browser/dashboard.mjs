// Opens the dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core),
// signs in with a token, waits for the expected agents and for the live feed, prints READY, waits
// for a live event naming the marker agent to appear, then saves a screenshot.
// With a budget named, also waits for its row in the budgets panel to show exactly the given
// committed and remaining figures and a burn-down of at least two polls (BUDGET-SEEN); after the
// screenshots, reloads the page and reads the burn-down of its first render (BUDGET-RELOADED): a
// page without the node's history would start again at one point.
// Usage: node dashboard.mjs <baseUrl> <token> <screenshot.png> <markerAgent> <agent,agent,...>
//          [<budgetId> <committed> <remaining>]
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, token, screenshot, marker, agentList, budget, committed, remaining] = process.argv.slice(2);
const agents = (agentList || '').split(',').filter(Boolean);
const profile = mkdtempSync(join(tmpdir(), 'governor-chromium-'));
const step = (m) => console.log(m);

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1440, height: 1000 },
  colorScheme: 'dark',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
let failed = false;
try {
  const page = context.pages()[0] || await context.newPage();
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith(base.replace('http', 'ws'))) outside.push(r.url()); });
  page.on('pageerror', (e) => { console.log('PAGE-ERROR ' + e.message); failed = true; });
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.locator('#login').waitFor({ state: 'visible', timeout: 10000 });
  await page.fill('#token', token);
  await page.click('#login button[type=submit]');
  await page.locator('#login').waitFor({ state: 'hidden', timeout: 10000 });
  for (const a of agents) {
    await page.locator(`#agents tr[data-agent="${a}"]`).waitFor({ timeout: 15000 });
  }
  step('AGENTS-SEEN ' + agents.join(','));
  await page.locator('#live[data-state="on"]').waitFor({ timeout: 15000 });
  step('READY');
  if (budget) {
    const row = `#budgets tr[data-budget="${budget}"]`;
    await page.locator(`${row} td.committed[data-value="${committed}"]`).waitFor({ timeout: 20000 });
    await page.locator(`${row} td.remaining[data-value="${remaining}"]`).waitFor({ timeout: 20000 });
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) >= 2,
      `${row} svg.burn`, { timeout: 20000 });
    const points = await page.locator(`${row} svg.burn`).getAttribute('data-points');
    const drawn = await page.locator(`${row} svg.burn polyline`).getAttribute('points');
    const forecast = (await page.locator(`${row} td.forecast`).textContent()).trim();
    if (drawn.trim().split(/\s+/).length !== Number(points) || !forecast) { console.log('BUDGET-BAD ' + drawn + ' / ' + forecast); failed = true; }
    step(`BUDGET-SEEN ${budget} committed=${committed} remaining=${remaining} points>=2 forecast=${forecast}`);
  }
  await page.locator('#events li', { hasText: marker }).first().waitFor({ timeout: 20000 });
  step('EVENT-SEEN ' + marker);
  // The token must not leak into the page's storage beyond this tab's session.
  const local = await page.evaluate(() => JSON.stringify(localStorage));
  if (local.includes(token)) { console.log('TOKEN-IN-LOCALSTORAGE'); failed = true; }
  await page.waitForTimeout(1500); // let the charts draw a few live points
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-light.png'), fullPage: true });
  step('SCREENSHOT ' + screenshot);
  if (budget) {
    await page.reload({ waitUntil: 'load' });
    const svg = `#budgets tr[data-budget="${budget}"] svg.burn`;
    await page.locator(svg).waitFor({ timeout: 10000 });
    step(`BUDGET-RELOADED ${budget} points=${await page.locator(svg).getAttribute('data-points')}`);
  }
  if (outside.length) { console.log('OUTSIDE-REQUESTS ' + outside.join(' ')); failed = true; }
} catch (e) {
  console.log('FAILED ' + e.message.split('\n')[0]);
  failed = true;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
