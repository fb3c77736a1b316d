import { expect } from 'chai';
import { mkdtempSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { fixtureReport } from '../helpers/report-fixture.js';
import { renderHtml } from '../../harness/report/writers/html.js';
import { requireOrSkip } from '../helpers/env.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('report.html in real headless Chromium', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let file: string;
  const screenshot = join(process.env.HARNESS_TEST_OUTPUT ?? tmpdir(), 'atomic-harness-report.png');

  before(async function () {
    requireOrSkip(this, existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (Debian package chromium)`);
    const dir = mkdtempSync(join(tmpdir(), 'ath-html-'));
    file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(fixtureReport()));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => { await browser?.close(); });

  it('renders the coverage matrix offline with one cell per test and target', async () => {
    const page = await browser!.newPage();
    const requests: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(file).href);
    const cells = await page.locator('#matrix button.cell').count();
    expect(cells).to.equal(fixtureReport().results.length);
    expect(await page.locator('#matrix button.v-MISSED').count()).to.equal(2);
    expect(await page.locator('#residue-alert').isVisible()).to.equal(true);
    // Coloured by verdict: a MISSED cell is red, a DETECTED cell green.
    const bg = (sel: string) => page.locator(sel).first().evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor);
    expect(await bg('#matrix button.v-MISSED')).to.equal('rgb(215, 48, 39)');
    expect(await bg('#matrix button.v-DETECTED')).to.equal('rgb(26, 152, 80)');
    expect(requests, 'the page must not fetch anything').to.deep.equal([]);
    await page.close();
  });

  it('opens a cell to show its miss explanation, rule result and evidence events', async () => {
    const page = await browser!.newPage();
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('#detail').isVisible()).to.equal(false);
    await page.locator('#matrix button.cell[data-guid="22222222-2222-4222-8222-222222222222"]').click();
    const detail = page.locator('#detail');
    expect(await detail.isVisible()).to.equal(true);
    const text = await detail.innerText();
    expect(text).to.contain("LOGSOURCETYPENAME(devicetype) ILIKE '%Sysmon%'");
    expect(text).to.contain('Microsoft Windows Security Event Log');
    expect(text).to.contain('SystemCertificates'); // the evidence event of the signal
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).to.be.greaterThan(5000);
    await page.close();
  });

  it('shows hostile evidence text as text and runs none of it', async () => {
    const page = await browser!.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.locator('#matrix button.cell[data-guid="11111111-1111-4111-8111-111111111111"]').click();
    const text = await page.locator('#detail').innerText();
    expect(text).to.contain('window.__pwned=1');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);
    await page.close();
  });
});
