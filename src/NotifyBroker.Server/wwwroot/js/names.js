// Well-known window message ids and the BroadcastSystemMessageEx flag and recipient bits: Win32 facts only.

/** Names of the window messages the console meets most. */
export const MESSAGE_NAMES = new Map([
  [0x0011, 'WM_QUERYENDSESSION'],
  [0x0016, 'WM_ENDSESSION'],
  [0x001a, 'WM_SETTINGCHANGE'],
  [0x001e, 'WM_TIMECHANGE'],
  [0x004a, 'WM_COPYDATA'],
  [0x0218, 'WM_POWERBROADCAST'],
  [0x0219, 'WM_DEVICECHANGE'],
  [0x02b1, 'WM_WTSSESSION_CHANGE'],
  [0x0400, 'WM_USER'],
  [0x8000, 'WM_APP'],
]);

/** BSF_* flags of BroadcastSystemMessageEx. */
export const BROADCAST_FLAGS = [
  ['BSF_QUERY', 0x1],
  ['BSF_IGNORECURRENTTASK', 0x2],
  ['BSF_FLUSHDISK', 0x4],
  ['BSF_NOHANG', 0x8],
  ['BSF_POSTMESSAGE', 0x10],
  ['BSF_FORCEIFHUNG', 0x20],
  ['BSF_NOTIMEOUTIFNOTHUNG', 0x40],
  ['BSF_ALLOWSFW', 0x80],
  ['BSF_SENDNOTIFYMESSAGE', 0x100],
  ['BSF_RETURNHDESK', 0x200],
  ['BSF_LUID', 0x400],
];

/** BSM_* recipients; none set is BSM_ALLCOMPONENTS (0). */
export const BROADCAST_RECIPIENTS = [
  ['BSM_VXDS', 0x1],
  ['BSM_NETDRIVER', 0x2],
  ['BSM_INSTALLABLEDRIVERS', 0x4],
  ['BSM_APPLICATIONS', 0x8],
  ['BSM_ALLDESKTOPS', 0x10],
];

/** "WM_SETTINGCHANGE (0x001A)", or the registered name, or just the hex id. */
export function messageName(id, registeredName) {
  const hex = hex4(id);
  if (registeredName) return `${registeredName} (${hex})`;
  if (id >= 0xc000 && id <= 0xffff) return `registered ${hex}`;
  const name = MESSAGE_NAMES.get(id);
  return name ? `${name} (${hex})` : hex;
}

/** The id a name or number stands for: "WM_COPYDATA", "0x004A", "74". NaN if none. */
export function parseMessageId(text) {
  const t = String(text).trim();
  for (const [id, name] of MESSAGE_NAMES) if (name.toLowerCase() === t.toLowerCase()) return id;
  return parseNumber(t);
}

/** A decimal or 0x-hex unsigned number; NaN when it is neither. */
export function parseNumber(text) {
  const t = String(text).trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d+$/.test(t)) return parseInt(t, 10);
  return NaN;
}

export function hex4(n) {
  return '0x' + Number(n).toString(16).toUpperCase().padStart(4, '0');
}

/** Names of the bits set in a flags value, from one of the tables above. */
export function flagNames(value, table) {
  return table.filter(([, bit]) => (value & bit) !== 0).map(([name]) => name);
}
