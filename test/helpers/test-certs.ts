// Test certificates made at test time with openssl into a temp dir: a CA, a server
// certificate for 127.0.0.1/localhost (usable for clientAuth too, so brokers can present
// it to each other under requireClientCert), a second one like it, and a client certificate. Private keys live
// only in the temp dir, which `cleanup()` removes; nothing is committed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './embedded-cluster.js';
import type { PeerCheck } from './peers.js';

export const OPENSSL = '/usr/bin/openssl';

export interface TestCerts {
  dir: string;
  caFile: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** Another certificate the CA issued for the same names: a server any CA-trusting client would accept. */
  otherServerCert: string;
  otherServerKey: string;
  clientCert: string;
  clientKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  cleanup(): void;
}

export function opensslCheck(): PeerCheck {
  if (!fs.existsSync(OPENSSL)) return { ok: false, reason: `${OPENSSL} does not exist` };
  return { ok: true };
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync(OPENSSL, args, { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function issue(dir: string, name: string, subject: string, extensions: string): void {
  openssl(dir, ['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

export function makeTestCerts(): TestCerts {
  const dir = tempDir('keel-certs-');
  try {
    openssl(dir, [
      'req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-sha256', '-subj', '/CN=Keel Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const serverExtensions = [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n');
    issue(dir, 'server', '/CN=localhost', serverExtensions);
    issue(dir, 'other-server', '/CN=localhost', serverExtensions);
    issue(dir, 'client', '/CN=keel-test-client', ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth', ''].join('\n'));
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    otherServerCert: read('other-server.crt'),
    otherServerKey: read('other-server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    clientCertFile: path.join(dir, 'client.crt'),
    clientKeyFile: path.join(dir, 'client.key'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
