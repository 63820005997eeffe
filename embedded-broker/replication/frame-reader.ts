/**
 * Splits a stream of size-prefixed response frames, telling the socket where the next bytes
 * should land (net.Socket's `onread` option). A large frame — a follower fetch response of up
 * to 16 MiB — is allocated once its size is known and the kernel reads the rest of it straight
 * into place: no 64 KiB chunk per read for the GC and no join of the chunks afterwards (the
 * join was one of the five copies a replicated byte went through). Small frames arrive in a
 * reused scratch buffer and are copied out, since their decoded fields may be kept.
 */

/** Frames up to this size are assembled in the scratch buffer and copied out. */
const SMALL_FRAME = 16 * 1024;
const SCRATCH_BYTES = 64 * 1024;

export class FrameReader {
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  /** Unconsumed bytes at the front of `scratch`. */
  private have = 0;
  /** The body of a large frame being filled in place. */
  private frame: Buffer | null = null;
  private filled = 0;
  private stopped = false;

  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Where the next read should land (never empty). */
  target(): Buffer {
    return this.frame ? this.frame.subarray(this.filled) : this.scratch.subarray(this.have);
  }

  /** `n` bytes were read into the buffer last returned by target(). */
  received(n: number): void {
    if (this.stopped) return;
    if (this.frame) {
      this.filled += n;
      if (this.filled < this.frame.length) return;
      const frame = this.frame;
      this.frame = null;
      this.filled = 0;
      this.onFrame(frame);
      return;
    }
    this.have += n;
    let pos = 0;
    while (!this.stopped && this.have - pos >= 4) {
      const size = this.scratch.readInt32BE(pos);
      if (size < 4) {
        this.stop(new Error(`invalid response frame size ${size}`));
        return;
      }
      const available = this.have - pos - 4;
      if (available >= size) {
        const frame = Buffer.allocUnsafeSlow(size);
        this.scratch.copy(frame, 0, pos + 4, pos + 4 + size);
        pos += 4 + size;
        this.onFrame(frame);
        continue;
      }
      if (size > SMALL_FRAME) {
        this.frame = Buffer.allocUnsafeSlow(size);
        this.filled = this.scratch.copy(this.frame, 0, pos + 4, this.have);
        pos = this.have;
      }
      break;
    }
    // Keep the unconsumed tail (at most a small partial frame) at the front.
    if (pos > 0) {
      this.scratch.copy(this.scratch, 0, pos, this.have);
      this.have -= pos;
    }
  }

  /** For streams that hand out their own chunks (TLS): copies them into place. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.stopped) {
      const target = this.target();
      const n = chunk.copy(target, 0, offset, Math.min(chunk.length, offset + target.length));
      offset += n;
      this.received(n);
    }
  }

  private stop(err: Error): void {
    this.stopped = true;
    this.onError(err);
  }
}
