// Saved clusters and their secrets on disk. Secrets live in a separate file, each value
// encrypted by the shell's cipher: Electron's safeStorage (OS keychain) on the desktop; in web
// mode there is no keychain, so values are stored as-is in a file only the user can read.
import fs from 'node:fs';
import path from 'node:path';

export interface SecretCipher {
  kind: 'os-keychain' | 'user-file';
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

/** Web mode: protection is the file's 0600 mode only, which the UI warns about. */
export const userFileCipher: SecretCipher = { kind: 'user-file', encrypt: (s) => s, decrypt: (s) => s };

/** Electron's safeStorage, passed in so this module never imports electron. */
export function safeStorageCipher(safeStorage: {
  encryptString(s: string): Buffer;
  decryptString(b: Buffer): string;
}): SecretCipher {
  return {
    kind: 'os-keychain',
    encrypt: (s) => safeStorage.encryptString(s).toString('base64'),
    decrypt: (s) => safeStorage.decryptString(Buffer.from(s, 'base64')),
  };
}

export interface StoredCluster {
  id: string;
  name: string;
  bootstrapServers: string[];
  tls?: { enabled: boolean; ca?: string; cert?: string; skipVerify: boolean };
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string };
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface ClusterSecrets {
  password?: string;
  tlsKey?: string;
}

function writePrivate(file: string, data: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
  // rename keeps the tmp file's mode, but an older file created with looser bits is fixed too.
  fs.chmodSync(file, 0o600);
}

function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

export class SettingsStore {
  private readonly clustersFile: string;
  private readonly secretsFile: string;

  constructor(
    readonly dir: string,
    readonly cipher: SecretCipher,
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.clustersFile = path.join(dir, 'clusters.json');
    this.secretsFile = path.join(dir, 'secrets.json');
  }

  get secretsPath(): string {
    return this.secretsFile;
  }

  loadClusters(): StoredCluster[] {
    return readJson<{ clusters: StoredCluster[] }>(this.clustersFile, { clusters: [] }).clusters;
  }

  saveClusters(clusters: StoredCluster[]): void {
    writePrivate(this.clustersFile, { version: 1, clusters });
  }

  loadSecrets(id: string): ClusterSecrets {
    const all = readJson<Record<string, Record<string, string>>>(this.secretsFile, {});
    const enc = all[id] ?? {};
    const out: ClusterSecrets = {};
    if (enc.password !== undefined) out.password = this.cipher.decrypt(enc.password);
    if (enc.tlsKey !== undefined) out.tlsKey = this.cipher.decrypt(enc.tlsKey);
    return out;
  }

  saveSecrets(id: string, secrets: ClusterSecrets | null): void {
    const all = readJson<Record<string, Record<string, string>>>(this.secretsFile, {});
    if (secrets === null) delete all[id];
    else {
      const enc: Record<string, string> = {};
      if (secrets.password !== undefined) enc.password = this.cipher.encrypt(secrets.password);
      if (secrets.tlsKey !== undefined) enc.tlsKey = this.cipher.encrypt(secrets.tlsKey);
      all[id] = enc;
    }
    writePrivate(this.secretsFile, all);
  }
}
