// Events made readable: message names, the server's decodings (setting, device, power, session, end session),
// copy-data bytes as hex and text, alias messages.

import { field } from './api.js';
import { BROADCAST_FLAGS, flagNames, messageName } from './names.js';

/** base64 (JSON bytes) to a Uint8Array. */
export function fromBase64(text) {
  const binary = atob(text ?? '');
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function hexBytes(bytes, max = 64) {
  const shown = Array.from(bytes.slice(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown} … (${bytes.length} bytes)` : shown;
}

/** The bytes as text where they read as text: UTF-16LE (what Win32 senders use) or UTF-8; '' otherwise. */
export function bytesAsText(bytes) {
  const printable = (s) => s.length > 0 && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(s.replace(/\u0000+$/, ''));
  if (bytes.length >= 2 && bytes.length % 2 === 0 && bytes[1] === 0) {
    const s = new TextDecoder('utf-16le').decode(bytes).replace(/\u0000+$/, '');
    if (printable(s)) return s;
  }
  const s = new TextDecoder('utf-8').decode(bytes).replace(/\u0000+$/, '');
  return printable(s) ? s : '';
}

function hex(value) {
  if (value === undefined || value === null || value === '') return '0x0';
  try {
    return '0x' + BigInt(value).toString(16).toUpperCase();
  } catch {
    return String(value);
  }
}

/** What one Event shows: {kind, title, lines:[[label, value]]}. */
export function describeEvent(event) {
  const alias = field(event, 'aliasMessage');
  if (alias) {
    return {
      kind: 'alias',
      title: `alias ${field(alias, 'alias') || '?'}`,
      lines: [
        ['from', field(alias, 'fromName') || '(anonymous)'],
        ['text', field(alias, 'text') ?? ''],
        ...(field(alias, 'serverName') ? [['server', field(alias, 'serverName')]] : []),
      ],
    };
  }
  const message = field(event, 'windowMessage');
  if (!message) return { kind: 'other', title: 'event', lines: [['json', JSON.stringify(event)]] };
  const id = Number(field(message, 'id') ?? 0);
  const lines = [];
  const setting = field(message, 'settingChange');
  const device = field(message, 'deviceChange');
  const power = field(message, 'powerBroadcast');
  const session = field(message, 'sessionChange');
  const end = field(message, 'endSession');
  if (setting) lines.push(['area', field(setting, 'area') || '(none)']);
  if (device) lines.push(['device', `${field(device, 'eventName') || 'event'} (${hex(field(device, 'event'))})`]);
  if (power) lines.push(['power', `${field(power, 'eventName') || 'event'} (${hex(field(power, 'event'))})`]);
  if (session) {
    lines.push(['session', `${field(session, 'reasonName') || 'reason'} (${hex(field(session, 'reason'))}), session ${field(session, 'sessionId') ?? 0}`]);
  }
  if (end) {
    const parts = [field(end, 'query') ? 'query' : 'notice', field(end, 'ending') ? 'ending' : 'not ending', `reasons ${hex(field(end, 'reasons'))}`];
    lines.push(['end session', parts.join(', ')]);
  }
  const payload = field(message, 'payload');
  const copy = field(payload, 'copyData');
  if (copy) {
    const bytes = fromBase64(field(copy, 'bytes'));
    lines.push(['dwData', hex(field(copy, 'data'))]);
    lines.push(['bytes', bytes.length ? hexBytes(bytes) : '(none)']);
    const text = bytesAsText(bytes);
    if (text) lines.push(['as text', text]);
  } else if (payload && field(payload, 'text') !== undefined) {
    lines.push(['text', field(payload, 'text')]);
  }
  lines.push(['wParam', hex(field(message, 'wparam'))]);
  if (!copy) lines.push(['lParam', String(field(message, 'lparam') ?? 0)]);
  const source = String(field(message, 'source') ?? '');
  lines.push(['source', source.replace('MESSAGE_SOURCE_', '').toLowerCase().replace('_', ' ') || 'unknown']);
  const flags = Number(field(message, 'broadcastFlags') ?? 0);
  if (flags) lines.push(['flags', flagNames(flags, BROADCAST_FLAGS).join(' | ')]);
  if (field(message, 'host')) lines.push(['host', field(message, 'host')]);
  return { kind: 'window', title: messageName(id, field(message, 'registeredName')), lines };
}
