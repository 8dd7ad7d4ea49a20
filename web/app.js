// failsim playground: the page of `failsim serve`. Plain script, no
// libraries: every number comes from the server's JSON, and a field the
// results do not carry is simply not shown.
'use strict';

const state = {
  info: null,        // /api/controls
  settings: {},      // knob path -> value, only the knobs moved
  previous: null,    // {settings, results} of the last result shown
  last: null,        // the last results JSON
  seq: 0,            // the latest request; older answers are dropped
  timer: null,
};
window.failsim = state;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
};
const svgEl = (tag, attrs = {}, text) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch (_) { data = text; }
  if (!res.ok) {
    const err = new Error((data && data.error) || text || res.statusText);
    err.field = data && data.field;
    throw err;
  }
  return data;
}

function request(extra = {}) {
  const checked = [...document.querySelectorAll('#strategies input:checked')].map((c) => c.value);
  return Object.assign({
    settings: state.settings,
    strategies: ['as-written', ...checked],
    trials: Number($('trials').value),
    seed: Number($('seed').value),
  }, extra);
}

function showError(err) {
  const box = $('error');
  document.querySelectorAll('.bad').forEach((e) => e.classList.remove('bad'));
  if (!err) { box.hidden = true; box.textContent = ''; return; }
  box.hidden = false;
  box.textContent = (err.field ? `${err.field}: ` : '') + err.message;
  if (err.field) {
    const path = err.field.replace(/^settings\./, '');
    const ctl = document.querySelector(`[data-path="${CSS.escape(path)}"]`) ||
      document.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (ctl) ctl.classList.add('bad');
  }
}

// ----- controls --------------------------------------------------------------

function setKnob(path, value, original) {
  if (JSON.stringify(value) === JSON.stringify(original)) delete state.settings[path];
  else state.settings[path] = value;
  schedule();
}

function buildControls(info) {
  const groups = {};
  const box = $('knobs');
  box.textContent = '';
  for (const c of info.controls) {
    if (!groups[c.group]) {
      groups[c.group] = el('section', { class: 'group' }, el('h2', { text: c.group }));
      box.append(groups[c.group]);
    }
    const label = el('label', { text: c.label });
    let input;
    if (c.kind === 'select') {
      input = el('select', { 'data-path': c.path });
      for (const o of c.options) input.append(el('option', { value: o, text: o }));
      input.value = String(c.value);
      input.addEventListener('change', () => setKnob(c.path, input.value, String(c.value)));
    } else if (c.kind === 'switch') {
      input = el('select', { 'data-path': c.path });
      input.append(el('option', { value: 'off', text: 'off' }), el('option', { value: 'on', text: 'on' }));
      input.value = c.value === null ? 'off' : 'on';
      input.addEventListener('change', () => setKnob(c.path, input.value === 'on' ? (c.value || c.on) : null, c.value));
    } else if (c.kind === 'replicas') {
      input = el('div', { 'data-path': c.path });
      buildReplicas(input, c);
    } else if (c.kind === 'regions') {
      input = el('div', { 'data-path': c.path });
      const chosen = new Set(c.value || []);
      for (const r of c.options) {
        const cb = el('input', { type: 'checkbox', value: r });
        cb.checked = chosen.has(r);
        cb.addEventListener('change', () => {
          const v = [...input.querySelectorAll('input:checked')].map((x) => x.value);
          setKnob(c.path, v, c.value || []);
        });
        input.append(el('label', { class: 'check' }, cb, r));
      }
      if (!c.options.length) input.append(el('span', { class: 'muted', text: 'no other region' }));
    } else {
      input = el('input', { type: 'text', 'data-path': c.path, value: String(c.value) });
      input.title = c.kind === 'fraction' ? 'a fraction: 0.2% or 0.002' : 'a duration: 500ms, 30s, 15m, 4h, 7d, 1y';
      input.addEventListener('change', () => setKnob(c.path, input.value.trim(), c.value));
    }
    label.append(input);
    groups[c.group].append(label);
  }
  const st = $('strategies');
  st.textContent = '';
  for (const s of info.strategies) {
    const cb = el('input', { type: 'checkbox', value: s, 'data-strategy': s });
    cb.addEventListener('change', schedule);
    st.append(el('label', { class: 'check' }, cb, s));
  }
}

// The replicas: how many, and the zone of each. The primary and the
// replicas kept stay as written; a new one copies the first replica.
function buildReplicas(box, c) {
  const nodes = state.settings[c.path] || c.value;
  const primary = nodes.filter((n) => n.role !== 'replica');
  const replicas = nodes.filter((n) => n.role === 'replica');
  const template = (c.value.find((n) => n.role === 'replica') || { role: 'replica' });
  box.textContent = '';
  const count = el('select', { 'data-path': 'replicas.count' });
  for (let k = 0; k <= Math.max(4, replicas.length); k++) count.append(el('option', { value: String(k), text: String(k) }));
  count.value = String(replicas.length);
  const update = (list) => {
    setKnob(c.path, [...primary, ...list], c.value);
    buildReplicas(box, c);
  };
  count.addEventListener('change', () => {
    const n = Number(count.value);
    const list = replicas.slice(0, n);
    const taken = new Set(nodes.map((x) => x.name));
    let k = nodes.length + 1;
    while (list.length < n) {
      while (taken.has(`db${k}`)) k++;
      const fresh = Object.assign({}, template, { name: `db${k}`, zone: c.options[(list.length + 1) % c.options.length] });
      taken.add(fresh.name);
      list.push(fresh);
    }
    update(list);
  });
  box.append(el('label', {}, 'Replicas', count));
  replicas.forEach((r, i) => {
    const zone = el('select', { 'data-path': `replica.${r.name}.zone` });
    for (const z of c.options) zone.append(el('option', { value: z, text: z }));
    zone.value = r.zone;
    zone.addEventListener('change', () => {
      const list = replicas.map((x, j) => (j === i ? Object.assign({}, x, { zone: zone.value }) : x));
      update(list);
    });
    box.append(el('label', {}, `${r.name} zone`, zone));
  });
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(run, 120);
}

// ----- formatting ------------------------------------------------------------

const fmtCount = (x) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x === 0 ? 0 : 1));
const fmtPct = (x) => `${(100 * x).toFixed(x < 0.001 && x > 0 ? 3 : 1)}%`;
function fmtSecs(s) {
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}
const fmtAvail = (a) => `${(100 * a).toFixed(4)}%`;
const get = (o, ...path) => path.reduce((x, k) => (x == null ? undefined : x[k]), o);

// ----- results ---------------------------------------------------------------

function bar(value, max, cls) {
  const w = max > 0 ? Math.max(0.5, (100 * value) / max) : 0;
  return el('div', { class: `bar ${cls || ''}`, style: `width:${w}%` });
}

function renderResults(r) {
  const box = $('results');
  box.textContent = '';
  const noun = r.write_noun || 'write';
  const ss = r.strategies || [];
  const maxOf = (f) => Math.max(0, ...ss.map(f).filter((x) => Number.isFinite(x)));
  const rpoMax = maxOf((s) => get(s, 'metrics', 'rpo_seconds', 'p95'));
  const rtoMax = maxOf((s) => get(s, 'metrics', 'rto_seconds', 'p95'));
  const t = el('table', { id: 'results-table' });
  t.append(el('tr', {},
    el('th', { text: 'strategy' }),
    el('th', { text: `lost ${noun}s per trial (mean)` }),
    el('th', { text: 'P(any loss)' }),
    el('th', { text: 'RPO p95' }), el('th', { class: 'barcell', text: '' }),
    el('th', { text: 'RTO p95' }), el('th', { class: 'barcell', text: '' }),
    el('th', { text: 'availability (nines)' }),
    el('th', { text: 'write latency added' })));
  for (const s of ss) {
    const m = s.metrics || {};
    const rpo = get(m, 'rpo_seconds', 'p95');
    const rto = get(m, 'rto_seconds', 'p95');
    const tr = el('tr', { 'data-strategy': s.strategy },
      el('th', { text: s.strategy }),
      el('td', { class: 'num', 'data-metric': 'lost_writes', text: fmtCount(get(m, 'lost_writes', 'mean') || 0) }),
      el('td', { class: 'num', 'data-metric': 'p_data_loss', text: fmtPct(s.p_data_loss || 0) }),
      el('td', { class: 'num', 'data-metric': 'rpo_p95', text: fmtSecs(rpo || 0) }),
      el('td', { class: 'barcell' }, bar(rpo || 0, rpoMax)),
      el('td', { class: 'num', 'data-metric': 'rto_p95', text: fmtSecs(rto || 0) }),
      el('td', { class: 'barcell' }, bar(rto || 0, rtoMax, 'rto')),
      el('td', { class: 'num', 'data-metric': 'availability', text: `${fmtAvail(get(m, 'availability', 'mean') || 0)} (${(s.availability_nines || 0).toFixed(1)})` }),
      el('td', { class: 'num', text: `${(s.write_latency_added_ms || 0).toFixed(1)} ms` }));
    t.append(tr);
  }
  box.append(t);
  box.append(el('p', { class: 'muted', text: `${r.trials} trials of ${fmtSecs(r.horizon_seconds)} each, seed ${r.seed}. RPO and RTO are over the incidents that lost data or stopped writes (docs/metrics.md).` }));
  renderBands(ss);
  renderVerdicts(ss);
  const sel = $('explain-strategy');
  const keep = sel.value;
  sel.textContent = '';
  ss.forEach((s, i) => sel.append(el('option', { value: i === 0 ? 'as-written' : s.strategy, text: i === 0 ? `${s.strategy} (as written)` : s.strategy })));
  if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
}

function renderBands(ss) {
  const withBands = ss.filter((s) => s.loss_bands);
  $('bands-section').hidden = withBands.length === 0;
  const box = $('bands');
  box.textContent = '';
  if (!withBands.length) return;
  for (const scope of ['per_trial', 'per_incident']) {
    const keys = Object.keys(get(withBands[0], 'loss_bands', scope) || {});
    if (!keys.length) continue;
    const t = el('table', {});
    t.append(el('tr', {}, el('th', { text: scope.replace('_', ' ') }), ...keys.map((k) => el('th', { text: k.replace(/_/g, ' ') }))));
    for (const s of withBands) {
      t.append(el('tr', {}, el('th', { text: s.strategy }), ...keys.map((k) => {
        const b = get(s, 'loss_bands', scope, k) || {};
        const ci = b.ci95 ? ` [${fmtPct(b.ci95[0])}, ${fmtPct(b.ci95[1])}]` : '';
        return el('td', { class: 'num', text: `${fmtPct(b.share || 0)}${ci}` });
      })));
    }
    box.append(t);
  }
}

function renderVerdicts(ss) {
  const withPolicy = ss.filter((s) => Array.isArray(s.policy) && s.policy.length);
  $('verdicts-section').hidden = withPolicy.length === 0;
  const box = $('verdicts');
  box.textContent = '';
  if (!withPolicy.length) return;
  const kinds = [...new Set(withPolicy.flatMap((s) => s.policy.map((v) => v.disruption)))];
  const t = el('table', { id: 'verdict-matrix' });
  t.append(el('tr', {}, el('th', { text: 'strategy' }), ...kinds.map((k) => el('th', { text: k }))));
  for (const s of withPolicy) {
    t.append(el('tr', {}, el('th', { text: s.strategy }), ...kinds.map((k) => {
      const v = s.policy.find((x) => x.disruption === k);
      if (!v) return el('td', { text: '' });
      const td = el('td', { class: v.verdict, text: v.verdict });
      td.title = `p${v.percentile}: RTO ${fmtSecs(v.rto_seconds_at_percentile)}` +
        (v.rto_target_seconds != null ? ` (target ${fmtSecs(v.rto_target_seconds)})` : '') +
        `, RPO ${fmtSecs(v.rpo_seconds_at_percentile)}` +
        (v.rpo_target_seconds != null ? ` (target ${fmtSecs(v.rpo_target_seconds)})` : '') +
        `, ${v.incidents} incidents`;
      return td;
    })));
  }
  box.append(t);
}

// ----- topology --------------------------------------------------------------

function renderTopology(topo) {
  const box = $('topology');
  box.textContent = '';
  const zoneW = 150, zoneGap = 12, pad = 14, top = 40, nodeH = 34;
  const byZone = {};
  for (const n of topo.nodes) (byZone[n.zone] = byZone[n.zone] || []).push(n);
  const apiByZone = {};
  for (const z of get(topo, 'api', 'servers') || []) apiByZone[z] = (apiByZone[z] || 0) + 1;
  const maxNodes = Math.max(1, ...Object.values(byZone).map((l) => l.length));
  const zoneH = 60 + maxNodes * (nodeH + 8);
  let x = pad;
  const pos = {};
  const regionBoxes = [];
  for (const r of topo.regions) {
    const w = r.zones.length * (zoneW + zoneGap) + zoneGap;
    regionBoxes.push({ r, x, w });
    r.zones.forEach((z, i) => {
      const zx = x + zoneGap + i * (zoneW + zoneGap);
      (byZone[z] || []).forEach((n, j) => { pos[n.name] = { x: zx + 20, y: top + 50 + j * (nodeH + 8), w: zoneW - 40, h: nodeH }; });
    });
    x += w + 30;
  }
  const width = Math.max(x, 400), height = top + zoneH + 50;
  const svg = svgEl('svg', { id: 'topology-svg', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': 'topology' });
  svg.append(svgEl('defs', {}));
  svg.firstChild.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5b6575"/></marker>';
  for (const { r, x: rx, w } of regionBoxes) {
    svg.append(svgEl('rect', { x: rx, y: top - 26, width: w, height: zoneH + 40, rx: 8, fill: '#eef3fb', stroke: '#9bb3d9' }));
    svg.append(svgEl('text', { x: rx + 8, y: top - 10, 'font-weight': 600 }, `region ${r.name}`));
    r.zones.forEach((z, i) => {
      const zx = rx + zoneGap + i * (zoneW + zoneGap);
      svg.append(svgEl('rect', { x: zx, y: top, width: zoneW, height: zoneH, rx: 6, fill: '#fff', stroke: '#c9d2df', 'stroke-dasharray': '4 3' }));
      svg.append(svgEl('text', { x: zx + 6, y: top + 14, fill: '#5b6575' }, z));
      const apis = apiByZone[z] || 0;
      for (let k = 0; k < apis; k++) svg.append(svgEl('rect', { x: zx + 6 + k * 14, y: top + 22, width: 10, height: 10, fill: '#7aa2e3' }));
      if (apis) svg.append(svgEl('text', { x: zx + 10 + apis * 14, y: top + 31, fill: '#5b6575' }, `${apis} API`));
    });
  }
  const primary = topo.nodes.find((n) => n.role === 'primary');
  for (const n of topo.nodes) {
    if (!primary || n === primary || !pos[n.name] || !pos[primary.name]) continue;
    const a = pos[primary.name], b = pos[n.name];
    const sync = n.mode === 'sync';
    const line = svgEl('line', { x1: a.x + a.w / 2, y1: a.y + a.h, x2: b.x + b.w / 2, y2: b.y, stroke: sync ? '#1a7f37' : '#9a6700', 'stroke-width': 2, 'stroke-dasharray': sync ? '' : '6 4', 'marker-end': 'url(#arrow)' });
    if (a.y === b.y) { line.setAttribute('y1', a.y + a.h / 2); line.setAttribute('y2', b.y + b.h / 2); line.setAttribute('x1', a.x + a.w); line.setAttribute('x2', b.x); }
    svg.append(line);
    const lx = (Number(line.getAttribute('x1')) + Number(line.getAttribute('x2'))) / 2;
    const ly = (Number(line.getAttribute('y1')) + Number(line.getAttribute('y2'))) / 2 - 4;
    svg.append(svgEl('text', { x: lx, y: ly, 'text-anchor': 'middle', fill: '#1d2430', class: 'repl-mode' }, n.mode));
  }
  for (const n of topo.nodes) {
    const p = pos[n.name];
    if (!p) continue;
    const isP = n.role === 'primary';
    svg.append(svgEl('rect', { x: p.x, y: p.y, width: p.w, height: p.h, rx: 12, fill: isP ? '#2463c7' : '#fff', stroke: '#2463c7', 'stroke-width': 2 }));
    svg.append(svgEl('text', { x: p.x + p.w / 2, y: p.y + 21, 'text-anchor': 'middle', fill: isP ? '#fff' : '#1d2430' }, `${n.name} ${isP ? 'primary' : n.active ? 'replica' : 'standby'}`));
  }
  const b = topo.backups;
  if (b) {
    const home = regionBoxes.find((x) => x.r.name === b.region);
    if (home) {
      const bx = home.x + 10, by = top + zoneH + 20;
      svg.append(svgEl('rect', { x: bx, y: by - 12, width: 190, height: 20, rx: 4, fill: '#fff7e6', stroke: '#9a6700' }));
      svg.append(svgEl('text', { x: bx + 6, y: by + 2 }, `backups${b.pitr ? ' + log archive (PITR)' : ''}`));
      for (const c of b.copy_to) {
        const far = regionBoxes.find((x) => x.r.name === c);
        if (!far) continue;
        svg.append(svgEl('line', { x1: bx + 190, y1: by - 2, x2: far.x + 10, y2: by - 2, stroke: '#9a6700', 'stroke-dasharray': '3 3', 'marker-end': 'url(#arrow)' }));
        svg.append(svgEl('text', { x: far.x + 14, y: by + 2 }, 'copy'));
      }
    }
  }
  box.append(svg);
  box.append(el('p', { class: 'muted', text: `replication ${topo.replication}, failover ${topo.failover}; dashed arrow: the replica trails the primary (async), solid: it confirms each write (sync).` }));
}

// ----- one year ----------------------------------------------------------------

function renderTimeline(doc) {
  const box = $('timeline');
  box.textContent = '';
  const ex = doc.explained;
  const horizon = ex.horizon_seconds * 1e6;
  const W = 900, H = 70;
  const svg = svgEl('svg', { id: 'timeline-svg', viewBox: `0 0 ${W} ${H}`, width: '100%' });
  svg.append(svgEl('line', { x1: 10, y1: 35, x2: W - 10, y2: 35, stroke: '#c9d2df', 'stroke-width': 2 }));
  for (const inc of ex.incidents || []) {
    const x = 10 + ((W - 20) * inc.at) / horizon;
    const bad = inc.lost_writes > 0 ? '#b42318' : inc.rto > 0 ? '#9a6700' : '#7aa2e3';
    const c = svgEl('circle', { cx: x, cy: 35, r: inc.lost_writes > 0 ? 7 : 4, fill: bad });
    c.append(svgEl('title', {}, `${inc.cause}: ${inc.lost_writes} lost, ${fmtSecs((inc.rto || 0) / 1e6)} down`));
    svg.append(c);
  }
  svg.append(svgEl('text', { x: 10, y: 62, fill: '#5b6575' }, 'start'));
  svg.append(svgEl('text', { x: W - 10, y: 62, 'text-anchor': 'end', fill: '#5b6575' }, fmtSecs(ex.horizon_seconds)));
  svg.append(svgEl('text', { x: 10, y: 14, fill: '#5b6575' }, 'red: lost writes; amber: downtime only; blue: cost nothing'));
  box.append(svg);
}

async function explainYear() {
  const which = $('explain-which').value;
  const trial = which === 'index' ? String($('explain-index').value) : which;
  $('story').textContent = 'telling...';
  try {
    const doc = await api('/api/explain', request({ strategies: undefined, trial, strategy: $('explain-strategy').value || 'as-written' }));
    renderTimeline(doc);
    $('story').textContent = doc.text;
    showError(null);
  } catch (e) {
    $('story').textContent = '';
    showError(e);
  }
}

// ----- the loop ------------------------------------------------------------------

async function run() {
  const seq = ++state.seq;
  const req = request();
  const settings = JSON.parse(JSON.stringify(state.settings));
  $('status').textContent = 'simulating...';
  const t0 = performance.now();
  try {
    const results = await api('/api/simulate', req);
    if (seq !== state.seq) return;
    const ms = Math.round(performance.now() - t0);
    state.last = results;
    renderResults(results);
    showError(null);
    $('status').textContent = `${results.trials} trials in ${ms} ms`;
    const topo = await api('/api/topology', { settings, trials: req.trials, seed: req.seed });
    if (seq !== state.seq) return;
    renderTopology(topo);
    const now = { settings, results };
    if (state.previous) {
      const ch = await api('/api/changed', { before: state.previous, after: now });
      if (seq !== state.seq) return;
      $('changed').textContent = ch.text;
    }
    state.previous = now;
    document.body.dataset.seq = String(seq);
    document.body.dataset.ready = 'true';
  } catch (e) {
    if (seq !== state.seq) return;
    $('status').textContent = '';
    showError(e);
    document.body.dataset.seq = String(seq);
  }
}

async function download(path, fallbackName) {
  try {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request()) });
    if (!res.ok) {
      const data = await res.json();
      const err = new Error(data.error); err.field = data.field; throw err;
    }
    const disp = res.headers.get('content-disposition') || '';
    const m = /filename="([^"]+)"/.exec(disp);
    const blob = await res.blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: m ? m[1] : fallbackName });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) {
    showError(e);
  }
}

async function init() {
  const info = await fetch('/api/controls').then((r) => r.json());
  state.info = info;
  $('scenario-name').textContent = info.scenario;
  $('scenario-description').textContent = info.description;
  $('trials').value = info.trials;
  $('trials').max = info.trials_max;
  $('seed').value = info.seed;
  buildControls(info);
  for (const id of ['trials', 'seed']) $(id).addEventListener('change', schedule);
  $('explain-which').addEventListener('change', () => { $('explain-index').hidden = $('explain-which').value !== 'index'; });
  $('explain-go').addEventListener('click', explainYear);
  $('export-toml').addEventListener('click', () => download('/api/export', 'scenario.toml'));
  $('export-report').addEventListener('click', () => download('/api/report', 'report.md'));
  $('reset').addEventListener('click', () => { state.settings = {}; buildControls(info); schedule(); });
  await run();
}

init().catch(showError);
