// @bokuweb/zstd-wasm must be initialised once per process: a second init() re-instantiates
// the module under code that still holds the first instance's memory, and from then on
// every compress/decompress fails (ZSTD error 10, unknown frame prefix). The broker's batch
// decoder and the console's kafkajs codecs both use it, so the one init is shared through a
// process-wide symbol (module instances may be duplicated by bundlers or test runners).
const INIT_KEY = Symbol.for('keel.zstd-wasm.init');

export function initZstdWasmOnce(pkg: { init(): Promise<void> }): Promise<void> {
  const holder = globalThis as unknown as Record<symbol, Promise<void> | undefined>;
  holder[INIT_KEY] ??= pkg.init();
  return holder[INIT_KEY]!;
}
