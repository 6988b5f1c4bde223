// smpps://: the same gateway over TLS, against the fake SMSC with a throwaway self-signed cert.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFakeSmsc } from '../../testing/smsc.js';
import { createSmppGateway } from './smpp-gateway.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let key: string;
let cert: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smpp-tls-'));
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
      .concat(['-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1'])
      .concat(['-addext', 'subjectAltName=IP:127.0.0.1']),
    { stdio: 'ignore' },
  );
  [key, cert] = [readFileSync(keyFile, 'utf8'), readFileSync(certFile, 'utf8')];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('binds and submits over smpps:// when the SMSC certificate is trusted', async () => {
  const smsc = await createFakeSmsc({ tls: { key, cert } });
  try {
    expect(smsc.url()).toMatch(/^smpps:\/\//);
    await using gateway = await createSmppGateway({
      url: smsc.url(),
      logger: silent,
      sourceAddr: 'SHAMBA',
      tls: { ca: cert },
    });
    const sent = await gateway.send({ messageId: 't1', to: '+254712345678', text: 'Salama' });
    expect(sent).toEqual({ gatewayMessageIds: ['smsc-1'], segments: 1 });
    expect(smsc.binds.map((bind) => bind.accepted)).toEqual([true]);
  } finally {
    await smsc.close();
  }
});

it('refuses an SMSC whose certificate is not trusted (retryable: the link, not the message)', async () => {
  const smsc = await createFakeSmsc({ tls: { key, cert } });
  try {
    const created = createSmppGateway({ url: smsc.url(), logger: silent, sourceAddr: 'SHAMBA' });
    await expect(created).rejects.toMatchObject({ retryable: true, message: /cannot reach SMSC/ });
    expect(smsc.binds).toEqual([]);
  } finally {
    await smsc.close();
  }
});
