import { request } from 'node:http';

/** An answer's JSON, or its text when it is not JSON (so a surprise shows in the diff). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * POSTs a body of `bytes` spaces (JSON only its size can refuse: `{` then spaces) in 64 KiB
 * chunks from one buffer, so this process holds no copy of it, with a content-length or
 * chunked, until the server answers; then hangs up.
 */
export function postLarge(
  url: URL,
  options: { token: string; bytes: number; chunked: boolean },
): Promise<{ status: number; body: unknown }> {
  const { token, bytes, chunked } = options;
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    chunk[0] = 0x7b; // '{'
    let answered = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': String(bytes) }),
        },
      },
      (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: parsed(body) });
        });
      },
    );
    req.on('error', (error) => (answered ? undefined : reject(error)));
    let sent = 0;
    const pump = () => {
      while (!answered && sent < bytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', pump);
        chunk[0] = 0x20;
      }
      if (!answered) req.end();
    };
    pump();
  });
}
