// Cluster-wide producer ids. Kafka's controller hands out blocks of ids and records each
// block durably before any id from it is used; the sandbox does the same with one small
// file under the data dir (<dataDir>/producer-id-block, written atomically and fsync'd), so
// an id is never handed out twice, even across a crash: after a restart allocation resumes
// at the end of the last recorded block, skipping whatever of it was unused.
import fs from 'node:fs';
import path from 'node:path';

const BLOCK_SIZE = 1000;
const FILE = 'producer-id-block';

export class ProducerIdAllocator {
  private next: number;
  private blockEnd: number;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, FILE);
    let end = 0;
    try {
      const value = Number(fs.readFileSync(this.file, 'utf8').trim());
      if (Number.isSafeInteger(value) && value >= 0) end = value;
    } catch {
      // First start: ids begin at 0.
    }
    this.next = end;
    this.blockEnd = end;
  }

  allocate(): number {
    if (this.next >= this.blockEnd) this.reserveBlock();
    return this.next++;
  }

  private reserveBlock(): void {
    const end = this.next + BLOCK_SIZE;
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, `${end}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    this.blockEnd = end;
  }
}
