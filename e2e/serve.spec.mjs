// The browser test of `failsim serve` (issue 19), run by .ci/run after
// `cargo test`:
//   start `failsim serve` on a free loopback port, open the page in Debian's
//   chromium (driven by playwright-core, pinned in package-lock.json), check
//   the first results are `failsim run`'s, switch replication async -> sync,
//   check the loss figures and the narrative move as the command line says
//   they should, export the scenario and check `failsim run` on it gives the
//   page's JSON, and take a screenshot into the test's temporary folder.
//
// Environment: FAILSIM_BIN (default ../target/release/failsim), CHROMIUM
// (default /usr/bin/chromium), FAILSIM_SCREENSHOT (also copy the
// screenshot of the page after the switch to sync there, e.g. docs/serve.png).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(process.env.FAILSIM_BIN || join(here, '..', 'target', 'release', 'failsim'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const tmp = mkdtempSync(join(tmpdir(), 'failsim-e2e-'));

const failsim = (...args) => execFileSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
const runJson = (...args) => JSON.parse(failsim(...args, '--json', '-'));
const canon = (v) => JSON.stringify(v);

function startServer() {
  return new Promise((ok, fail) => {
    const child = spawn(bin, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no address printed: ${out}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) { clearTimeout(timer); ok({ child, url: m[0] }); }
    });
    child.on('exit', (code) => fail(new Error(`failsim serve exited with ${code}: ${out}`)));
  });
}

/// The page's lost writes per trial of strategy row `i`, as a number.
async function lostShown(page, i) {
  const t = await page.locator('#results-table tr[data-strategy]').nth(i).locator('td[data-metric="lost_writes"]').textContent();
  return Number(t.replace(/,/g, ''));
}

async function settle(page, before) {
  await page.waitForFunction((seq) => Number(document.body.dataset.seq || 0) > seq, before, { timeout: 30000 });
  return page.evaluate(() => Number(document.body.dataset.seq));
}

function close(a, b, what) {
  const tol = Math.abs(b) >= 100 ? 0.5 : 0.05;
  assert.ok(Math.abs(a - b) <= tol, `${what}: the page shows ${a}, the command line says ${b}`);
}

const { child, url } = await startServer();
const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
  executablePath: chromiumPath,
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1400, height: 1500 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  let seq = await page.evaluate(() => Number(document.body.dataset.seq));
  const trials = await page.inputValue('#trials');
  const seed = await page.inputValue('#seed');

  // 1. The first results are `failsim run`'s on the same trials and seed.
  const first = await page.evaluate(() => window.failsim.last);
  const cliAsync = runJson('run', '--trials', trials, '--seed', seed);
  assert.equal(canon(first), canon(cliAsync), 'the page runs what `failsim run` runs');
  assert.equal(first.strategies[0].strategy, 'async');
  close(await lostShown(page, 0), cliAsync.strategies[0].metrics.lost_writes.mean, 'lost writes (async)');

  // 2. Replication async -> sync: the figures and the narrative move.
  await page.selectOption('select[data-path="replication.mode"]', 'sync');
  seq = await settle(page, seq);
  await page.waitForFunction(() => document.getElementById('changed').textContent.startsWith('Moving'));
  const second = await page.evaluate(() => window.failsim.last);
  assert.equal(second.strategies[0].strategy, 'sync');
  const narrative = await page.textContent('#changed');
  assert.ok(narrative.startsWith('Moving replication.mode from async to sync, the same'), narrative);
  assert.ok(narrative.includes('Why: A sync replica holds every write'), narrative);
  const svgText = await page.textContent('#topology-svg');
  assert.ok(svgText.includes('sync'), svgText);

  // One year, told; the page as the README shows it.
  await page.click('#explain-go');
  await page.waitForFunction(() => document.getElementById('story').textContent.startsWith('Trial '), null, { timeout: 30000 });
  const story = await page.textContent('#story');
  assert.ok(story.includes('under sync'), story.slice(0, 200));
  const readme = join(tmp, 'serve-sync.png');
  await page.screenshot({ path: readme });
  if (process.env.FAILSIM_SCREENSHOT) copyFileSync(readme, process.env.FAILSIM_SCREENSHOT);

  // 3. The export runs as the page ran.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-toml')]);
  const exported = join(tmp, 'exported.toml');
  await download.saveAs(exported);
  const cliSync = runJson('run', exported);
  assert.equal(canon(second), canon(cliSync), '`failsim run` on the export gives the page\'s JSON');
  close(await lostShown(page, 0), cliSync.strategies[0].metrics.lost_writes.mean, 'lost writes (sync)');
  assert.notEqual(cliSync.strategies[0].metrics.lost_writes.mean, cliAsync.strategies[0].metrics.lost_writes.mean,
    'the knob moves the engine\'s loss figure');
  assert.ok(cliSync.strategies[0].metrics.lost_writes.mean <= cliAsync.strategies[0].metrics.lost_writes.mean,
    'a sync replica loses no more than an async one in the same years');

  // 4. A strategy beside it is `failsim compare`'s.
  await page.check('#strategies input[value="async+backup"]');
  seq = await settle(page, seq);
  const third = await page.evaluate(() => window.failsim.last);
  const cmp = runJson('compare', exported, '--strategies', 'async+backup');
  assert.equal(canon(third.strategies[1]), canon(cmp.strategies[0]), 'a compared strategy is `failsim compare`\'s');

  // 5. A third replica, in the other region: drawn there, and exported.
  await page.selectOption('select[data-path="replicas.count"]', '2');
  seq = await settle(page, seq);
  await page.selectOption('select[data-path="replica.db3.zone"]', 'us-west-2a');
  seq = await settle(page, seq);
  assert.ok((await page.textContent('#topology-svg')).includes('db3 replica'));
  const [download3] = await Promise.all([page.waitForEvent('download'), page.click('#export-toml')]);
  const exported3 = join(tmp, 'three.toml');
  await download3.saveAs(exported3);
  const fourth = await page.evaluate(() => window.failsim.last);
  const cmp3 = runJson('compare', exported3, '--strategies', 'async+backup');
  assert.equal(canon(fourth.strategies[1]), canon(cmp3.strategies[0]), 'three nodes: the export is what the page ran');
  assert.equal(canon(fourth.strategies[0]), canon(runJson('run', exported3).strategies[0]));

  // 6. A bad value is refused on the page, naming the field.
  await page.fill('input[data-path="failover.detection"]', 'soon');
  await page.press('input[data-path="failover.detection"]', 'Tab');
  await settle(page, seq);
  const error = await page.textContent('#error');
  assert.ok(error.startsWith('settings.failover.detection:'), error);
  await page.fill('input[data-path="failover.detection"]', '30s');
  await page.press('input[data-path="failover.detection"]', 'Tab');
  await page.waitForFunction(() => document.getElementById('error').hidden);

  const shot = join(tmp, 'serve.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual(errors, [], 'no script errors on the page');
  console.log(`e2e serve: ok (screenshot ${shot})`);
} finally {
  await context.close();
  child.kill('SIGINT');
}
if (!process.env.FAILSIM_KEEP_TMP && existsSync(join(tmp, 'profile'))) rmSync(join(tmp, 'profile'), { recursive: true, force: true });
