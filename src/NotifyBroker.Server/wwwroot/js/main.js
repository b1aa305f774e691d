// The console page: sign-in, the live tail with its filters and chart, and the Send and Broadcast forms.

import { Api, ApiError, explainAuth, field } from './api.js';
import { RateChart } from './chart.js';
import { describeEvent } from './format.js';
import { BROADCAST_FLAGS, BROADCAST_RECIPIENTS, flagNames, parseMessageId, parseNumber } from './names.js';
import { clearPosition, Tail } from './stream.js';

/** The key lives in sessionStorage: it survives a reload of this tab, dies with the tab, and no other tab sees it. */
const KEY_STORAGE = 'notifybroker.console.key';
const FILTER_STORAGE = 'notifybroker.console.filter';
const MAX_ROWS = 500;

const $ = (id) => document.getElementById(id);
const state = { api: null, tail: null, paused: false, rows: 0 };
const chart = new RateChart($('rate'), $('rate-label'));

function setStatus(kind, text) {
  const status = $('status');
  status.dataset.state = kind;
  status.textContent = text;
}

function show(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

// ---- sign-in ----

/** A key handed over in the address (/#key=nbk_...): read it, then take it out of the address bar and history. */
function keyFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const key = fragment.get('key');
  if (key !== null) history.replaceState(null, '', location.pathname + location.search);
  return key?.trim() || null;
}

async function signIn(key) {
  show($('sign-in-error'), '');
  const api = new Api(key);
  try {
    await api.listAliases();
  } catch (error) {
    // 403 means the key is good but lacks the aliases scope: still signed in, the tail may work.
    if (!(error instanceof ApiError && error.httpStatus === 403)) {
      sessionStorage.removeItem(KEY_STORAGE);
      showSignIn(error instanceof ApiError ? explainAuth(error) : `The broker could not be reached: ${error.message}`);
      return;
    }
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  state.api = api;
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  startTail();
}

function showSignIn(message) {
  state.tail?.stop();
  state.tail = null;
  state.api = null;
  $('workspace').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  setStatus('signed-out', 'Signed out');
  show($('sign-in-error'), message);
  $('key').focus();
}

$('sign-in-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('key').value.trim();
  if (key) signIn(key);
});

$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  clearPosition();
  $('key').value = '';
  showSignIn('');
});

// ---- filters ----

function splitList(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

/** "0x001A, WM_DEVICECHANGE, 49152-65535" into ids and [first, last] ranges. */
export function parseIds(text) {
  const ids = [];
  const ranges = [];
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const range = part.match(/^([^-]+)-([^-]+)$/);
    if (range) {
      const first = parseMessageId(range[1]);
      const last = parseMessageId(range[2]);
      if (!Number.isInteger(first) || !Number.isInteger(last) || first > last) throw new Error(`"${part}" is not a range first-last`);
      ranges.push([first, last]);
    } else {
      const id = parseMessageId(part);
      if (!Number.isInteger(id)) throw new Error(`"${part}" is not a message id (decimal, 0x hex or a WM_ name)`);
      ids.push(id);
    }
  }
  return { ids, ranges };
}

function readFilter() {
  const saved = JSON.parse(sessionStorage.getItem(FILTER_STORAGE) ?? 'null');
  return saved ?? { idsText: '', names: '', aliases: '', hold: '' };
}

function filterFromForm() {
  const text = { idsText: $('f-ids').value, names: $('f-names').value, aliases: $('f-aliases').value, hold: $('f-hold').value };
  const { ids, ranges } = parseIds(text.idsText);
  return { text, filter: { ids, ranges, registeredNames: splitList(text.names), aliases: splitList(text.aliases), holdAliases: splitList(text.hold) } };
}

function fillFilterForm() {
  const f = readFilter();
  $('f-ids').value = f.idsText;
  $('f-names').value = f.names;
  $('f-aliases').value = f.aliases;
  $('f-hold').value = f.hold;
}

$('filter-form').addEventListener('submit', (e) => {
  e.preventDefault();
  try {
    const { text } = filterFromForm();
    show($('filter-error'), '');
    sessionStorage.setItem(FILTER_STORAGE, JSON.stringify(text));
    // Another filter is another subscription: it starts at the live end, not at the old one's position.
    clearPosition();
    startTail();
  } catch (error) {
    show($('filter-error'), error.message);
  }
});

// ---- the tail ----

function startTail() {
  state.tail?.stop();
  let filter;
  try {
    ({ filter } = filterFromForm());
  } catch (error) {
    show($('filter-error'), error.message);
    filter = { ids: [], ranges: [], registeredNames: [], aliases: [], holdAliases: [] };
  }
  const tail = new Tail(state.api, filter, {
    onState: ({ state: kind, detail, error }) => {
      if (tail !== state.tail) return;
      if (kind === 'unauthorized') {
        sessionStorage.removeItem(KEY_STORAGE);
        showSignIn(explainAuth(error));
        return;
      }
      setStatus(kind, kind === 'live' ? 'Connected · live' : kind === 'connecting' ? `Connecting… (${detail})` : `Disconnected: ${detail}`);
    },
    onOpen: (open, resumed) => {
      if (tail !== state.tail) return;
      const note = $('resume-note');
      if (!resumed) note.textContent = '';
      else if (field(open, 'recovered')) note.textContent = 'Resumed without a gap';
      else note.textContent = 'Resumed, but history no longer held it: some events were missed';
      note.dataset.kind = resumed && !field(open, 'recovered') ? 'warn' : 'ok';
    },
    onEvent: (event) => {
      if (tail !== state.tail) return;
      chart.count();
      if (!state.paused) addRow(event);
    },
  });
  state.tail = tail;
  tail.start();
}

function addRow(event) {
  const { kind, title, lines } = describeEvent(event);
  const li = document.createElement('li');
  li.className = `event ${kind}`;
  const head = document.createElement('div');
  head.className = 'event-head';
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.textContent = kind === 'alias' ? 'alias' : kind === 'window' ? 'message' : kind;
  const name = document.createElement('strong');
  name.textContent = title;
  const meta = document.createElement('span');
  meta.className = 'meta';
  const time = field(event, 'time');
  const offset = field(field(event, 'position'), 'offset');
  meta.textContent = [time ? new Date(time).toLocaleTimeString() : '', offset !== undefined ? `#${offset}` : ''].filter(Boolean).join(' · ');
  head.append(badge, name, meta);
  const dl = document.createElement('dl');
  for (const [label, value] of lines) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
  li.append(head, dl);
  const list = $('events');
  list.prepend(li);
  state.rows++;
  while (list.children.length > MAX_ROWS) list.lastElementChild.remove();
  $('empty').hidden = true;
}

$('pause').addEventListener('click', () => {
  state.paused = !state.paused;
  $('pause').setAttribute('aria-pressed', String(state.paused));
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
});

$('clear').addEventListener('click', () => {
  $('events').replaceChildren();
  $('empty').hidden = false;
});

// ---- results ----

function renderResult(target, ok, pairs) {
  const box = document.createElement('div');
  box.className = ok ? 'ok' : 'fail';
  const dl = document.createElement('dl');
  for (const [label, value] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
  box.append(dl);
  target.replaceChildren(box);
}

function renderError(target, error) {
  if (error instanceof ApiError) {
    const pairs = [['error', error.reason || `HTTP ${error.httpStatus}`], ['message', error.message], ['status', `HTTP ${error.httpStatus}${error.code !== null ? `, gRPC ${error.code}` : ''}`]];
    if (error.metadata?.code) pairs.push(['code', String(error.metadata.code)]);
    renderResult(target, false, pairs);
    if (error.httpStatus === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      showSignIn(explainAuth(error));
    }
  } else {
    renderResult(target, false, [['error', error.message]]);
  }
}

function positionText(position) {
  return position ? `offset ${field(position, 'offset') ?? 0}, epoch ${field(position, 'epoch') ?? ''}` : '(none)';
}

// ---- Send ----

$('send-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const request = { msgName: $('s-name').value.trim(), text: $('s-text').value };
  const from = $('s-from').value.trim();
  if (from) request.fromName = from;
  const target = $('send-result');
  target.textContent = 'Sending…';
  try {
    const reply = await state.api.send(request);
    renderResult(target, true, [
      ['recipients', String(field(reply, 'recipients') ?? 0)],
      ['path', String(field(reply, 'path') ?? 'SEND_PATH_UNSPECIFIED').replace('SEND_PATH_', '').toLowerCase()],
      ['position', positionText(field(reply, 'position'))],
    ]);
  } catch (error) {
    renderError(target, error);
  }
});

// ---- Broadcast ----

function checkboxes(container, table, prefix, checked) {
  for (const [name, bit] of table) {
    const id = `${prefix}-${name}`;
    const label = document.createElement('label');
    label.className = 'check';
    label.htmlFor = id;
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = id;
    input.value = String(bit);
    input.checked = checked.includes(name);
    const text = document.createElement('span');
    text.textContent = `${name.replace(/^BS[FM]_/, '')} `;
    const code = document.createElement('code');
    code.textContent = `0x${bit.toString(16)}`;
    text.append(code);
    label.append(input, text);
    container.append(label);
  }
}

function bits(container) {
  return [...container.querySelectorAll('input:checked')].reduce((sum, input) => sum | Number(input.value), 0);
}

checkboxes($('bc-flags'), BROADCAST_FLAGS, 'bsf', []);
checkboxes($('bc-recipients'), BROADCAST_RECIPIENTS, 'bsm', ['BSM_APPLICATIONS']);

function parseSigned(text, what) {
  const t = text.trim() || '0';
  if (/^-?\d+$/.test(t) || /^0x[0-9a-f]+$/i.test(t)) return BigInt(t).toString();
  throw new Error(`${what} must be a decimal or 0x hex number`);
}

$('broadcast-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const target = $('broadcast-result');
  let request;
  try {
    const flags = bits($('bc-flags'));
    request = { flags, recipients: bits($('bc-recipients')), wparam: parseSigned($('bc-wparam').value, 'wParam'), lparam: parseSigned($('bc-lparam').value, 'lParam') };
    const message = $('bc-message').value.trim();
    const id = parseMessageId(message);
    if (Number.isInteger(id)) request.messageId = id;
    else request.registeredName = message;
    const text = $('bc-text').value;
    if (text) request.payload = { text };
    const timeout = $('bc-timeout').value.trim();
    if (timeout) {
      const ms = parseNumber(timeout);
      if (!Number.isInteger(ms)) throw new Error('Timeout must be a number of milliseconds');
      request.timeout = `${(ms / 1000).toFixed(3)}s`;
    }
  } catch (error) {
    renderResult(target, false, [['error', error.message]]);
    return;
  }
  target.textContent = 'Broadcasting…';
  try {
    const reply = await state.api.broadcast(request);
    const result = Number(field(reply, 'result') ?? 0);
    const recipients = Number(field(reply, 'recipients') ?? 0);
    const pairs = [
      ['result', result > 0 ? `${result} (delivered)` : result === 0 ? '0 (denied or stopped)' : `${result}`],
      ['recipients', recipients ? flagNames(recipients, BROADCAST_RECIPIENTS).join(' | ') : 'BSM_ALLCOMPONENTS'],
      ['delivered', String(field(reply, 'delivered') ?? 0)],
      ['message id', `0x${Number(field(reply, 'messageId') ?? 0).toString(16).toUpperCase()}`],
    ];
    const denier = field(reply, 'deniedBy');
    if (denier) {
      const hwnd = BigInt(field(denier, 'hwnd') ?? 0).toString(16).toUpperCase();
      const hdesk = field(denier, 'hdesk');
      pairs.push(['denied by', `${field(denier, 'name') || '(unnamed)'} (hwnd 0x${hwnd}${hdesk && hdesk !== '0' ? `, hdesk 0x${BigInt(hdesk).toString(16).toUpperCase()}` : ''})`]);
    }
    renderResult(target, !denier && result > 0, pairs);
  } catch (error) {
    renderError(target, error);
  }
});

// ---- start ----

fillFilterForm();
const handed = keyFromFragment();
const stored = handed ?? sessionStorage.getItem(KEY_STORAGE);
if (stored) {
  $('key').value = '';
  signIn(stored);
} else {
  showSignIn('');
}
