// Owns the lag sampler, the history store and the Prometheus endpoint for one app instance,
// with their settings persisted in the user-data folder, and answers the history/metrics
// contract methods.
import fs from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../contract/errors.js';
import { metricsSettingsSchema, ok, type MethodOutput, type MethodParsedInput, type MetricsSettings } from '../../contract/index.js';
import type { KafkaAdapter } from '../kafka-adapter.js';
import { HistoryStore } from '../lag-history/history-store.js';
import { lagHistory, throughputHistory } from '../lag-history/history-queries.js';
import { LagSampler } from '../lag-history/lag-sampler.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

export const DEFAULT_METRICS_SETTINGS: MetricsSettings = {
  lagHistory: { enabled: true, intervalMs: 5_000, maxBytes: 512 * 1024 * 1024 },
  prometheus: { enabled: false, port: 9308 },
};

export interface MetricsServiceOptions {
  userDataDir: string;
  clusterIds(): string[];
  adapter(clusterId: string): KafkaAdapter;
  /** Web mode serves /metrics on its own server too; this is what the status reports. */
  webPath?: string | null;
  /** Overrides the stored settings (tests, the serve CLI's flags). */
  overrides?: { intervalMs?: number; prometheusPort?: number; prometheusEnabled?: boolean; samplerEnabled?: boolean };
  log?: (msg: string, err?: unknown) => void;
}

export class MetricsService {
  readonly store: HistoryStore;
  readonly sampler: LagSampler;
  readonly prometheus: PrometheusMetrics;
  private settings: MetricsSettings;
  private server: MetricsServer | null = null;
  private serverError: string | null = null;
  private readonly settingsFile: string;

  constructor(private readonly options: MetricsServiceOptions) {
    this.settingsFile = path.join(options.userDataDir, 'metrics-settings.json');
    this.settings = this.load();
    const o = options.overrides ?? {};
    if (o.intervalMs !== undefined) this.settings.lagHistory.intervalMs = o.intervalMs;
    if (o.samplerEnabled !== undefined) this.settings.lagHistory.enabled = o.samplerEnabled;
    if (o.prometheusPort !== undefined) this.settings.prometheus.port = o.prometheusPort;
    if (o.prometheusEnabled !== undefined) this.settings.prometheus.enabled = o.prometheusEnabled;
    this.store = new HistoryStore(path.join(options.userDataDir, 'lag-history'), this.settings.lagHistory.maxBytes);
    const source = { clusterIds: options.clusterIds, adapter: options.adapter };
    this.sampler = new LagSampler(source, this.store, this.settings.lagHistory.intervalMs, options.log);
    this.prometheus = new PrometheusMetrics(source);
  }

  async start(): Promise<void> {
    if (this.settings.lagHistory.enabled) this.sampler.start();
    await this.applyPrometheus();
  }

  private load(): MetricsSettings {
    try {
      const raw = JSON.parse(fs.readFileSync(this.settingsFile, 'utf8')) as Partial<MetricsSettings>;
      return metricsSettingsSchema.parse({
        lagHistory: { ...DEFAULT_METRICS_SETTINGS.lagHistory, ...raw.lagHistory },
        prometheus: { ...DEFAULT_METRICS_SETTINGS.prometheus, ...raw.prometheus },
      });
    } catch {
      return structuredClone(DEFAULT_METRICS_SETTINGS);
    }
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.settingsFile), { recursive: true });
    const tmp = `${this.settingsFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.settings, null, 2));
    fs.renameSync(tmp, this.settingsFile);
  }

  private async applyPrometheus(): Promise<void> {
    const want = this.settings.prometheus;
    if (this.server && (!want.enabled || (want.port !== 0 && want.port !== this.server.port))) {
      await this.server.close();
      this.server = null;
    }
    this.serverError = null;
    if (want.enabled && !this.server) {
      try {
        this.server = await startMetricsServer(() => this.scrape(), want.port);
      } catch (err) {
        this.serverError = `The Prometheus port ${want.port} could not be opened: ${(err as Error).message}`;
      }
    }
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.prometheus.contentType, body: await this.prometheus.render() };
  }

  status(): MethodOutput<'metrics.status'> {
    const known = new Set(this.options.clusterIds());
    return {
      settings: structuredClone(this.settings),
      sampler: { running: this.sampler.running, clusters: this.sampler.status().filter((s) => known.has(s.clusterId)) },
      store: { dir: this.store.root, bytes: this.store.bytes() },
      prometheus: { url: this.server?.url ?? null, webPath: this.options.webPath ?? null, error: this.serverError },
    };
  }

  async updateSettings(patch: MethodParsedInput<'metrics.updateSettings'>): Promise<MethodOutput<'metrics.status'>> {
    const next = metricsSettingsSchema.safeParse({
      lagHistory: { ...this.settings.lagHistory, ...patch.lagHistory },
      prometheus: { ...this.settings.prometheus, ...patch.prometheus },
    });
    if (!next.success) throw new ContractError('INVALID_INPUT', next.error.message);
    this.settings = next.data;
    this.save();
    this.store.maxBytes = this.settings.lagHistory.maxBytes;
    if (this.settings.lagHistory.intervalMs !== this.sampler.intervalMs) this.sampler.setInterval(this.settings.lagHistory.intervalMs);
    if (this.settings.lagHistory.enabled) this.sampler.start();
    else this.sampler.stop();
    await this.applyPrometheus();
    return this.status();
  }

  lagHistory(input: MethodParsedInput<'groups.lagHistory'>): MethodOutput<'groups.lagHistory'> {
    return lagHistory(this.store, input, this.sampler.intervalMs);
  }

  throughputHistory(input: MethodParsedInput<'topics.throughputHistory'>): MethodOutput<'topics.throughputHistory'> {
    return throughputHistory(this.store, input, this.sampler.intervalMs);
  }

  clearHistory(clusterId?: string): typeof ok {
    this.store.clear(clusterId);
    return ok;
  }

  async close(): Promise<void> {
    await this.sampler.close();
    await this.server?.close();
    this.server = null;
  }
}
