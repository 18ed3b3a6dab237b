// Agent Governor dashboard: plain ES module, no build. Data from the admin API (/api/v1) and the
// live feed (/api/v1/feed); uPlot from the jar's WebJar. The token is kept in sessionStorage only.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';

const TOKEN_KEY = 'governor.token';
const $ = (id) => document.getElementById(id);
const state = { agents: new Map(), quotas: new Map(), usage: new Map(), selected: null, events: 0, series: new Map() };
const POINTS = 150;

// ---------- API ----------
async function api(path, options = {}) {
  const res = await fetch('/api/v1' + path, { ...options, headers: { Authorization: 'Bearer ' + token(), ...(options.headers || {}) } });
  if (res.status === 401) { signOut('The token was refused.'); throw new Error('unauthorized'); }
  if (res.status === 503 || res.status === 404) return null; // that part is not running (yet), or no such thing
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).message || res.statusText);
  return res.json();
}
const token = () => sessionStorage.getItem(TOKEN_KEY);

// ---------- formatting ----------
const fmtBytes = (n) => n == null ? '–' : n >= 1e9 ? (n / 1e9).toFixed(1) + ' GB' : n >= 1e6 ? (n / 1e6).toFixed(1) + ' MB' : n >= 1e3 ? (n / 1e3).toFixed(0) + ' kB' : n + ' B';
const fmtCpu = (n) => n == null ? '–' : n.toFixed(n < 10 ? 1 : 0) + ' %';
const fmtNum = (n) => n == null ? '–' : Intl.NumberFormat('en', { notation: 'compact' }).format(n);
const fmt = { memory: fmtBytes, cpu: fmtCpu, network: (n) => fmtBytes(n) + '/s' };
const clock = (t) => new Date(t || Date.now()).toLocaleTimeString([], { hour12: false });
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k === 'class' ? e.className = v : e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
};

function bar(value, soft, hard, max) {
  const scale = Math.max(max || 0, (hard || 0) * 1.2, value || 0, 1);
  const pct = (v) => Math.min(100, (v / scale) * 100) + '%';
  const fill = el('div', { class: 'fill' + (hard && value > hard ? ' bad' : soft && value > soft ? ' warn' : '') });
  fill.style.width = pct(value || 0);
  const b = el('div', { class: 'bar' }, fill);
  for (const [cls, v] of [['soft', soft], ['hard', hard]]) {
    if (v) { const m = el('div', { class: 'mark ' + cls, title: cls + ' limit' }); m.style.left = `calc(${pct(v)} - 1px)`; b.append(m); }
  }
  return b;
}

// ---------- nodes ----------
async function loadNodes() {
  const nodes = (await api('/nodes'))?.items || [];
  $('nodes-count').textContent = nodes.length;
  $('nodes').replaceChildren(...nodes.map((n) => {
    const total = n.spec?.allocatable || n.spec?.total || {};
    const rows = ['cpu', 'memory', 'processes', 'connections'].filter((r) => total[r]).map((r) => {
      const used = n.used?.[r] || 0;
      const f = fmt[r] || fmtNum;
      return el('div', { class: 'cap' }, el('span', {}, r), bar(used, null, null, total[r]), el('span', { class: 'num' }, `${f(used)} / ${f(total[r])}`));
    });
    return el('div', { class: 'node' },
      el('div', { class: 'node-head' }, el('span', { class: 'node-name' }, n.nodeId), el('span', { class: 'muted' }, `${n.agents ?? 0} agents · ${n.host}:${n.httpPort}`)),
      ...rows);
  }));
  return nodes;
}

// ---------- agents ----------
async function loadAgents() {
  const [agents, quotas] = await Promise.all([api('/agents?limit=1000'), api('/quotas?limit=1000')]);
  state.quotas = new Map((quotas?.items || []).map((q) => [q.agentId, q]));
  const list = agents?.items || [...state.quotas.values()].map((q) => ({ id: q.agentId, group: q.group, state: null }));
  state.agents = new Map(list.map((a) => [a.id, a]));
  if (agents) {
    await Promise.all(list.slice(0, 100).map(async (a) => {
      const u = await api(`/agents/${encodeURIComponent(a.id)}/usage`).catch(() => null);
      if (u?.usage && !state.usage.has(a.id)) state.usage.set(a.id, u.usage);
    }));
  }
  if (!state.selected && list.length) select(list[0].id);
  renderAgents();
}

function usageCell(agentId, resource) {
  const limit = state.quotas.get(agentId)?.limits?.[resource] || {};
  const value = state.usage.get(agentId)?.[resource];
  const f = fmt[resource];
  return el('td', { class: 'usage' }, bar(value, limit.soft, limit.hard),
    el('div', { class: 'val' }, `${f(value)}  ·  soft ${f(limit.soft)}  ·  hard ${f(limit.hard)}`));
}

function renderAgents() {
  $('agents-count').textContent = state.agents.size;
  if (!state.agents.size) { $('agents').replaceChildren(el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'No agents yet.'))); return; }
  $('agents').replaceChildren(...[...state.agents.values()].map((a) => {
    const tr = el('tr', { 'data-agent': a.id, class: a.id === state.selected ? 'selected' : '' },
      el('td', {}, el('div', { class: 'agent-id' }, a.id), el('div', { class: 'agent-sub' }, [a.type, a.group, a.node].filter(Boolean).join(' · '))),
      el('td', {}, el('span', { class: 'state ' + (a.state || 'quota') }, a.state || 'quota only')),
      usageCell(a.id, 'cpu'), usageCell(a.id, 'memory'));
    tr.addEventListener('click', () => select(a.id));
    return tr;
  }));
}

function select(agentId) {
  state.selected = agentId;
  for (const id of ['chart-agent', 'enf-agent', 'rec-agent']) $(id).textContent = agentId;
  document.querySelectorAll('#agents tr').forEach((tr) => tr.classList.toggle('selected', tr.dataset.agent === agentId));
  redrawCharts();
  loadEnforcement();
  loadRecommendations();
}

// ---------- charts ----------
const charts = {};
function makeChart(id, label, color, format) {
  const box = $(id);
  const opts = {
    width: box.clientWidth || 360, height: 140, legend: { show: false },
    scales: { x: { time: true } },
    axes: [{ stroke: '#8b95a5', grid: { stroke: 'rgba(139,149,165,.12)' }, space: 70, values: (u, vals) => vals.map((v) => clock(v * 1000)) },
      { stroke: '#8b95a5', grid: { stroke: 'rgba(139,149,165,.12)' }, size: 72, values: (u, vals) => vals.map(format) }],
    series: [{}, { label, stroke: color, width: 2, fill: color + '22', points: { show: false }, value: (u, v) => format(v) }],
  };
  charts[id] = new uPlot(opts, [[], []], box);
  new ResizeObserver(() => charts[id].setSize({ width: box.clientWidth, height: 140 })).observe(box);
}

function record(agentId, time, usage) {
  let s = state.series.get(agentId);
  if (!s) { s = { t: [], cpu: [], memory: [] }; state.series.set(agentId, s); }
  s.t.push(time / 1000); s.cpu.push(usage.cpu ?? null); s.memory.push(usage.memory ?? null);
  if (s.t.length > POINTS) { s.t.shift(); s.cpu.shift(); s.memory.shift(); }
  if (state.series.size > 500) state.series.delete(state.series.keys().next().value);
}

function redrawCharts() {
  const s = state.series.get(state.selected) || { t: [], cpu: [], memory: [] };
  charts['chart-cpu']?.setData([s.t, s.cpu]);
  charts['chart-mem']?.setData([s.t, s.memory]);
  $('cpu-now').textContent = fmtCpu(s.cpu.at(-1));
  $('mem-now').textContent = fmtBytes(s.memory.at(-1));
}

// ---------- events ----------
function describe(e) {
  switch (e.type) {
    case 'violation': return `${e.resource ?? ''} ${e.violation ?? ''} limit: ${e.current ?? ''} > ${e.limit ?? ''}`;
    case 'enforcement': return `${e.action ?? ''} (step ${e.step ?? '–'}) → ${e.outcome ?? ''}${e.reason ? ' · ' + e.reason : ''}`;
    case 'alert': return e.message || `${e.resource ?? ''} above soft limit`;
    case 'node': return `${e.node} ${e.event ?? ''}`;
    default: return e.message || e.reason || e.level || e.event || '';
  }
}

function eventItem(e, fresh) {
  return el('li', { class: fresh ? 'new' : '' }, el('time', {}, clock(e.time)), el('span', { class: 'type ' + e.type }, e.type),
    el('span', { class: 'text' }, el('b', {}, e.agentId ? e.agentId + ' ' : ''), describe(e)));
}

function onEvent(e) {
  if (e.type === 'measurement') {
    state.usage.set(e.agentId, e.usage);
    record(e.agentId, e.time, e.usage);
    if (e.agentId === state.selected) redrawCharts();
    scheduleAgents();
    return;
  }
  if (e.type === 'subscribed' || e.type === 'dropped') return;
  const list = $('events');
  list.querySelector('.empty')?.remove();
  list.prepend(eventItem(e, true));
  while (list.children.length > 200) list.lastChild.remove();
  $('events-count').textContent = ++state.events;
  if (e.type === 'enforcement' && e.agentId === state.selected) loadEnforcement();
}

let agentsTimer = null;
function scheduleAgents() { agentsTimer ??= setTimeout(() => { agentsTimer = null; renderAgents(); }, 500); }

function connectFeed() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/api/v1/feed?token=${encodeURIComponent(token())}`);
  ws.onopen = () => { $('live').dataset.state = 'on'; $('live').textContent = 'live'; };
  ws.onmessage = (m) => onEvent(JSON.parse(m.data));
  ws.onclose = () => { $('live').dataset.state = 'off'; $('live').textContent = 'feed offline'; if (token()) setTimeout(connectFeed, 2000); };
}

// ---------- per-agent panels ----------
async function loadEnforcement() {
  const id = state.selected;
  const h = id && await api(`/agents/${encodeURIComponent(id)}/enforcement?limit=50`).catch(() => null);
  const items = h?.items || [];
  $('enforcement').replaceChildren(...(items.length ? items.map((e) => eventItem({ ...e, type: 'enforcement' }))
    : [el('li', { class: 'empty' }, h ? 'No enforcement so far.' : 'Enforcement history is not available on this node yet.')]));
}

async function loadRecommendations() {
  const id = state.selected;
  const r = id && await api(`/agents/${encodeURIComponent(id)}/recommendations`).catch(() => null);
  const items = r?.items || [];
  $('recommendations').replaceChildren(...(items.length ? items.map((x) => el('div', { class: 'rec' },
    el('b', {}, `${x.resource ?? ''} `), `${x.summary ?? x.reason ?? ''} `,
    el('span', { class: 'muted' }, x.recommended ? JSON.stringify(x.recommended) : '')))
    : [el('div', { class: 'empty' }, r ? 'No recommendations for this agent.' : 'Analytics is not available on this node yet.')]));
}

async function loadDegradation() {
  const [d, r] = await Promise.all([api('/degradation').catch(() => null), api('/recovery').catch(() => null)]);
  if (!d && !r) { $('degradation').replaceChildren(el('div', { class: 'empty' }, 'Degradation is not available on this node yet.')); return; }
  const rows = [];
  for (const n of d?.nodes || []) rows.push(el('span', { class: 'muted' }, n.node), el('span', {}, `${n.level} · pressure ${fmtNum(n.pressure)}`));
  for (const a of d?.agents || []) rows.push(el('span', { class: 'agent-id' }, a.agentId), el('span', {}, `${a.resource} ${a.level}${a.plan ? ' · ' + (a.plan.strategy || '') : ''}`));
  for (const p of r?.plans || []) rows.push(el('span', { class: 'muted' }, 'recovery'), el('span', {}, `${p.agentId ?? ''} stage ${p.stage ?? ''}`));
  $('degradation').replaceChildren(rows.length ? el('div', { class: 'kv' }, ...rows) : el('div', { class: 'empty' }, 'All nodes and agents at normal pressure.'));
}

// ---------- budgets ----------
// Figures from GET /api/v1/budgets (the owner's committed and outstanding, the window's burn rate
// and the forecast it computes); the burn-down is the remaining amount of each poll, as measured,
// after the node's own recent points for the window (GET /api/v1/budgets/{id}/history, read once
// per budget when the page first sees it), so a reload keeps the line.
const BUDGET_POLL_MS = 2000;
const burnDown = new Map(); // budget id -> [[time ms, remaining], ...] within the current window

function sparkline(points, amount, windowStart, windowEnd) {
  const w = 160, h = 32;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'burn'); svg.setAttribute('width', w); svg.setAttribute('height', h);
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`); svg.setAttribute('data-points', String(points.length));
  const t0 = points[0]?.[0] ?? windowStart;
  const t1 = Math.max(points.at(-1)?.[0] ?? t0, t0 + 1);
  const x = (t) => ((t - t0) / (t1 - t0)) * (w - 2) + 1;
  const y = (v) => h - 1 - (Math.max(0, v) / Math.max(amount, 1)) * (h - 2);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
  svg.append(line);
  const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  title.textContent = `${points.length} samples since ${clock(t0)}; window ends ${windowEnd ? new Date(windowEnd).toLocaleString() : 'never'}`;
  svg.append(title);
  return svg;
}

async function budgetHistory(id) {
  const h = await api('/budgets/' + encodeURIComponent(id) + '/history').catch(() => null);
  return (h?.points || []).map(([t, , , remaining]) => [t, remaining]).slice(-POINTS);
}

async function loadBudgets() {
  const b = await api('/budgets').catch(() => null);
  const items = b?.items || [];
  const fresh = items.map((s) => s.budget.id).filter((id) => !burnDown.has(id));
  const histories = await Promise.all(fresh.map(budgetHistory));
  fresh.forEach((id, i) => burnDown.set(id, histories[i]));
  $('budgets-count').textContent = b ? items.length : '';
  const now = Date.now();
  const seen = new Set();
  $('budgets').replaceChildren(...(items.length ? items.map((s) => {
    const id = s.budget.id;
    seen.add(id);
    let points = burnDown.get(id) || [];
    if (points.length && points[0][0] < s.windowStart) points = []; // a new window: a new line
    if (!points.length || points.at(-1)[0] < now) points.push([now, s.remaining]);
    if (points.length > POINTS) points.shift();
    burnDown.set(id, points);
    const scope = s.budget.scope + (s.budget.target ? ' ' + s.budget.target : '');
    const cell = (cls, v) => el('td', { class: cls, 'data-value': String(v) }, Number(v).toLocaleString('en'));
    return el('tr', { 'data-budget': id },
      el('td', {}, el('div', { class: 'agent-id' }, id), el('div', { class: 'agent-sub' }, `${s.budget.resource} · ${scope} · ${s.budget.window}`)),
      cell('amount', s.budget.amount), cell('committed', s.committed), cell('outstanding', s.outstanding), cell('remaining', s.remaining),
      el('td', {}, sparkline(points, s.budget.amount, s.windowStart, s.windowEnd)),
      el('td', { class: 'forecast' }, s.forecastExhaustionAt ? new Date(s.forecastExhaustionAt).toLocaleString([], { hour12: false })
        : s.remaining <= 0 ? 'exhausted' : 'not this window'));
  }) : [el('tr', {}, el('td', { colspan: 7, class: 'empty' }, b ? 'No budgets.' : 'Budgets are not available on this node yet.'))]));
  for (const id of burnDown.keys()) if (!seen.has(id)) burnDown.delete(id);
}

// ---------- summary, sign-in, start ----------
async function refresh() {
  try {
    const [nodes] = await Promise.all([loadNodes(), loadAgents(), loadDegradation()]);
    const counts = {};
    for (const a of state.agents.values()) counts[a.state || 'quota only'] = (counts[a.state || 'quota only'] || 0) + 1;
    $('summary').replaceChildren(el('span', { class: 'chip' }, el('b', {}, String(nodes.length)), ' nodes'),
      el('span', { class: 'chip' }, el('b', {}, String(state.agents.size)), ' agents'),
      ...Object.entries(counts).map(([s, c]) => el('span', { class: 'chip' }, el('b', {}, String(c)), ' ' + s)));
  } catch (e) { console.warn('refresh failed', e); }
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $('login-error').textContent = message || '';
  if (!$('login').open) $('login').showModal();
}

async function start() {
  makeChart('chart-cpu', 'CPU', '#5b9cff', fmtCpu);
  makeChart('chart-mem', 'Memory', '#b48cff', fmtBytes);
  $('events').replaceChildren(el('li', { class: 'empty' }, 'Waiting for events…'));
  await refresh();
  connectFeed();
  setInterval(refresh, 5000);
  await loadBudgets();
  setInterval(loadBudgets, BUDGET_POLL_MS);
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const t = $('token').value.trim();
  const res = await fetch('/api/v1/groups', { headers: { Authorization: 'Bearer ' + t } });
  if (!res.ok) { $('login-error').textContent = res.status === 429 ? 'Too many attempts; wait a minute.' : 'That token was refused.'; return; }
  sessionStorage.setItem(TOKEN_KEY, t);
  $('login').close();
  start();
});
$('logout').addEventListener('click', () => location.reload(sessionStorage.removeItem(TOKEN_KEY)));

if (token()) start(); else $('login').showModal();
