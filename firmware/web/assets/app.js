// Tapegate's pages: plain DOM, no framework, nothing from the internet.
// Every figure comes from the JSON API (/api/v1/), the same answers as
// `tapegate --json`; text from the appliance is only ever set as
// textContent, never parsed as HTML.
'use strict';

let csrf = null;
let role = null;
let timer = null;

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function say(text, isError) {
  const m = $('message');
  m.textContent = text || '';
  m.className = isError ? 'error' : '';
}

class LoggedOut extends Error {}

async function api(method, path, body) {
  // X-Tapegate-Page: a 401 without a Basic challenge (no browser password dialog).
  const opt = { method, headers: { 'X-Tapegate-Page': '1' }, credentials: 'same-origin' };
  if (method === 'POST') {
    opt.headers['Content-Type'] = 'application/json';
    if (csrf) opt.headers['X-CSRF-Token'] = csrf;
    opt.body = JSON.stringify(body || {});
  }
  const r = await fetch('/api/v1/' + path, opt);
  let j = null;
  try { j = await r.json(); } catch (e) { j = null; }
  if (r.status === 401 && path !== 'login') { showLogin(); throw new LoggedOut(); }
  if (!r.ok) {
    const msg = j && j.error ? j.error.message : ('HTTP ' + r.status);
    throw new Error(msg);
  }
  return j;
}

function human(bytes) {
  if (bytes === null || bytes === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i ? v.toFixed(1) : String(v)) + ' ' + units[i];
}

function eta(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0) return '-';
  const s = Math.round(seconds);
  const hh = Math.floor(s / 3600), mm = Math.floor(s / 60) % 60, ss = s % 60;
  return hh + ':' + String(mm).padStart(2, '0') + ':' + String(ss).padStart(2, '0');
}

function cellText(v) {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Any console reply: its scalar fields as a list, its tables as tables,
// its notes as paragraphs.
function renderReply(reply) {
  const box = el('div');
  const fields = el('dl', { class: 'fields' });
  for (const [k, v] of Object.entries(reply)) {
    if (k === 'ok' || k === 'notes') continue;
    if (Array.isArray(v)) {
      box.append(el('h3', {}, k.replace(/_/g, ' ')));
      if (!v.length) { box.append(el('p', { class: 'muted' }, 'none')); continue; }
      if (typeof v[0] !== 'object') { box.append(el('p', {}, v.map(cellText).join(', '))); continue; }
      const cols = Object.keys(v[0]);
      const table = el('table', {}, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c.replace(/_/g, ' '))))));
      const tbody = el('tbody');
      for (const row of v) tbody.append(el('tr', {}, ...cols.map((c) => el('td', {}, cellText(row[c])))));
      table.append(tbody);
      box.append(el('div', { class: 'table-wrap' }, table));
    } else {
      fields.append(el('dt', {}, k.replace(/_/g, ' ')), el('dd', {}, cellText(v)));
    }
  }
  if (fields.childElementCount) box.prepend(fields);
  for (const n of reply.notes || []) box.append(el('p', {}, n));
  return box;
}

// ---- views ---------------------------------------------------------------

function elementBox(kind, label, e) {
  const full = e.full === true;
  const box = el('div', {
    class: 'element ' + kind + (full ? ' full' : '') + (e.exception ? ' exception' : ''),
    role: 'group',
    'aria-label': label + ': ' + (full ? e.barcode || 'unlabelled cartridge' : 'empty'),
    'data-address': String(e.address),
  }, el('div', { class: 'where' }, label));
  if (full) box.append(el('div', { class: 'cartridge' }, el('span', { class: 'barcode' }, e.barcode || '(no label)')));
  else box.append(el('div', { class: 'empty' }, 'empty'));
  if (e.exception) box.append(el('div', { class: 'where' }, e.exception));
  return box;
}

async function showLibrary() {
  const inv = await api('GET', 'inventory');
  $('library-name').textContent = inv.library + ', ' + inv.slots_used + ' slots used';
  $('lib-drives').replaceChildren(...(inv.drives || []).map((d) => elementBox('drive', d.drive, d)));
  $('lib-slots').replaceChildren(...(inv.slots || []).map((s) => elementBox('slot', 'slot ' + s.slot, s)));
  $('lib-mail').replaceChildren(...(inv.mail_slots || []).map((m) => elementBox('mail', 'mail slot ' + m.mail, m)));
}

// Drives are shown on demand, never polled: reading a drive takes it for a
// moment (a job starting then would find it busy), and reading TapeAlert
// clears the drive's flags for the next reader. Details (MAM, TapeAlert)
// only when asked for, per drive.
async function driveDetails(name, box) {
  box.replaceChildren(el('p', { class: 'muted' }, 'reading ' + name + '...'));
  try {
    const info = await api('GET', 'drive/info/' + encodeURIComponent(name));
    const ta = await api('GET', 'drive/tapealert/' + encodeURIComponent(name));
    const alerts = ta.alerts || [];
    const cleaning = alerts.some((a) => /clean/i.test(a.alert || ''));
    box.replaceChildren(
      el('p', {}, 'TapeAlert: ' + (alerts.length ? alerts.map((a) => a.flag + ' ' + a.alert + ' (' + a.severity + ')').join('; ') : 'no flags set') +
        (cleaning ? ' - cleaning needed' : '')),
      renderReply(info));
  } catch (e) {
    if (e instanceof LoggedOut) throw e;
    box.replaceChildren(el('p', { class: 'state-failed' }, e.message));
  }
}

async function showDrives() {
  const st = await api('GET', 'status');
  const parts = [el('button', { type: 'button', class: 'secondary', onclick: () => refresh() }, 'Refresh')];
  for (const d of st.drives || []) {
    const details = el('div');
    const card = el('div', { class: 'job', 'data-drive': d.drive }, el('h3', {}, d.drive + ' (' + d.state + ')'));
    card.append(renderReply({ cartridge: d.cartridge, ready: d.ready, density: d.density, block_size: d.block_size, write_protected: d.write_protected }));
    card.append(el('button', { type: 'button', class: 'secondary', onclick: () => driveDetails(d.drive, details) },
      'TapeAlert and MAM of ' + d.drive), details);
    parts.push(card);
  }
  $('drives-list').replaceChildren(...parts);
}

async function cancelJob(id) {
  try { await api('POST', 'job/cancel/' + id); say('cancel requested for job ' + id); } catch (e) { if (!(e instanceof LoggedOut)) say(e.message, true); }
}

async function showJobs() {
  const list = await api('GET', 'job/list');
  const cards = [];
  for (const j of (list.jobs || []).slice(-20).reverse()) {
    const s = await api('GET', 'job/status/' + j.id);
    const done = s.state === 'succeeded';
    const total = s.bytes_total || 0;
    const bar = el('progress', { 'data-job': String(s.job), 'aria-label': 'job ' + s.job + ' progress' });
    bar.max = total > 0 ? total : 1;
    bar.value = done ? bar.max : Math.min(s.bytes_done || 0, bar.max);
    const figures = el('div', { class: 'figures' },
      el('span', {}, human(s.bytes_done) + (total ? ' of ' + human(total) : '')),
      el('span', {}, (s.rate_mb_per_s || 0).toFixed(1) + ' MB/s'),
      el('span', {}, 'ETA ' + eta(s.eta_seconds)),
      el('span', {}, 'stalls ' + cellText(s.stalls)),
      el('span', {}, 'backhitches ' + cellText(s.backhitches)),
      s.cartridge ? el('span', {}, s.cartridge + (s.drive ? ' in ' + s.drive : '')) : null);
    const card = el('div', { class: 'job', 'data-job': String(s.job), 'data-state': s.state },
      el('h3', {}, 'Job ' + s.job + ': ' + s.name + ' ', el('span', { class: 'state-' + s.state }, s.state)),
      bar, figures);
    if (s.operator_request) card.append(el('p', {}, 'Waiting for the operator: ' + s.operator_request));
    if (s.error) card.append(el('p', { class: 'state-failed' }, s.error));
    if ((s.state === 'running' || s.state === 'waiting for operator') && role !== 'viewer')
      card.append(el('button', { type: 'button', class: 'secondary', onclick: () => cancelJob(s.job) }, 'Cancel job ' + s.job));
    cards.push(card);
  }
  if (!cards.length) cards.push(el('p', { class: 'muted' }, 'No jobs yet.'));
  $('jobs-list').replaceChildren(...cards);
}

async function showPools() {
  $('pools-list').replaceChildren(renderReply(await api('GET', 'pool/list')));
}

async function showCatalog() {
  const q = new URLSearchParams();
  for (const k of ['pool', 'cartridge', 'job']) { const v = $('catalog-' + k).value.trim(); if (v) q.set(k, v); }
  const jobs = await api('GET', 'catalog/jobs?limit=20');
  const files = q.toString() ? await api('GET', 'catalog/list?' + q.toString()) : null;
  const parts = [renderReply(jobs)];
  if (files) parts.push(renderReply(files));
  $('catalog-list').replaceChildren(...parts);
}

async function showLog() {
  $('log-list').replaceChildren(renderReply(await api('GET', 'log?lines=200')));
}

const views = { library: showLibrary, drives: showDrives, jobs: showJobs, pools: showPools, catalog: showCatalog, log: showLog };
// Polled: what reads no drive (the changer's inventory, jobs, the log).
const pollEvery = { library: 5000, jobs: 1000, log: 5000 };

async function refresh() {
  const name = currentView();
  try { await views[name](); } catch (e) { if (!(e instanceof LoggedOut)) say(e.message, true); }
}

function currentView() {
  const h = location.hash.replace('#', '');
  return views[h] ? h : 'library';
}

function showView() {
  const name = currentView();
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + name;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === '#' + name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  clearInterval(timer);
  refresh();
  if (pollEvery[name]) timer = setInterval(refresh, pollEvery[name]);
}

function showLogin() {
  clearInterval(timer);
  csrf = null;
  $('nav').hidden = true;
  $('who').hidden = true;
  for (const s of document.querySelectorAll('.view')) s.hidden = true;
  $('login').hidden = false;
  $('login-user').focus();
}

function loggedIn(session) {
  csrf = session.csrf;
  role = session.role;
  $('login').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = session.user + ' (' + session.role + ')';
  showView();
}

async function start() {
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const s = await api('POST', 'login', { user: $('login-user').value, password: $('login-password').value });
      $('login-password').value = '';
      say('');
      loggedIn(s);
    } catch (e) { say(e.message, true); }
  });
  $('logout').addEventListener('click', async () => {
    try { await api('POST', 'logout'); } catch (e) { /* logged out either way */ }
    showLogin();
  });
  $('backup-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', 'backup', { source: $('backup-source').value, pool: $('backup-pool').value });
      say('Started job ' + r.job + '.');
      refresh();
    } catch (e) { if (!(e instanceof LoggedOut)) say(e.message, true); }
  });
  $('catalog-form').addEventListener('submit', (ev) => { ev.preventDefault(); refresh(); });
  const restoreOrVerify = async (verb) => {
    const body = { args: [$('restore-what').value] };
    if (verb === 'restore') body.to = $('restore-to').value;
    try {
      const r = await api('POST', verb, body);
      say('Started job ' + r.job + ' (' + verb + '); see Jobs.');
    } catch (e) { if (!(e instanceof LoggedOut)) say(e.message, true); }
  };
  $('restore-form').addEventListener('submit', (ev) => { ev.preventDefault(); restoreOrVerify('restore'); });
  $('verify-button').addEventListener('click', () => restoreOrVerify('verify'));
  window.addEventListener('hashchange', () => { if (csrf) showView(); });
  try { loggedIn(await api('GET', 'session')); } catch (e) { if (!(e instanceof LoggedOut)) showLogin(); }
}

start();
