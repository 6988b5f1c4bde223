// Parses the SMPP gateway URL: smpp://SYSTEM_ID:PASSWORD@HOST:PORT (smpps:// for TLS). Pure.

export interface SmppEndpoint {
  tls: boolean;
  host: string;
  port: number;
  systemId: string;
  /** Never logged: log `describeEndpoint(endpoint)` instead. */
  password: string;
}

/** The IANA-registered SMPP ports (2775 plain, 3550 over TLS), used when the URL has none. */
const DEFAULT_PORT = { smpp: 2775, smpps: 3550 } as const;
/** bind system_id is a C-Octet String of at most 16 octets, password at most 9 (SMPP v3.4 §4.1.1). */
const MAX_SYSTEM_ID_OCTETS = 15;
const MAX_PASSWORD_OCTETS = 8;

export class SmppUrlError extends Error {
  override readonly name = 'SmppUrlError';
}

export function parseSmppUrl(text: string): SmppEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Never echo the text: it holds the password.
    throw new SmppUrlError('SMPP URL is not a URL; expected smpp://SYSTEM_ID:PASSWORD@HOST:PORT');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'smpp' && scheme !== 'smpps') {
    throw new SmppUrlError(`SMPP URL scheme must be smpp: or smpps:, not ${scheme}:`);
  }
  const systemId = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (systemId === '') throw new SmppUrlError('SMPP URL has no system_id (smpp://SYSTEM_ID:...)');
  checkAscii('system_id', systemId, MAX_SYSTEM_ID_OCTETS);
  checkAscii('password', password, MAX_PASSWORD_OCTETS);
  if (url.hostname === '') throw new SmppUrlError('SMPP URL has no host');
  if (url.pathname !== '' && url.pathname !== '/') {
    throw new SmppUrlError('SMPP URL takes no path');
  }
  return {
    tls: scheme === 'smpps',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_PORT[scheme] : Number(url.port),
    systemId,
    password,
  };
}

/** What may be logged about an endpoint: everything but the password. */
export function describeEndpoint(endpoint: SmppEndpoint): Record<string, string | number> {
  const scheme = endpoint.tls ? 'smpps' : 'smpp';
  return { smsc: `${scheme}://${endpoint.host}:${endpoint.port}`, systemId: endpoint.systemId };
}

function checkAscii(field: string, value: string, maxOctets: number): void {
  // C-Octet Strings are ASCII (SMPP v3.4 §3.1); the error names the field, never the value.
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new SmppUrlError(`SMPP ${field} must be printable ASCII`);
  }
  if (value.length > maxOctets) {
    throw new SmppUrlError(`SMPP ${field} is longer than ${maxOctets} characters`);
  }
}
