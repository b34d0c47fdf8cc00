/**
 * Charts of automations, drawn from their run history: the one `/automation show` attaches, and
 * the one an alert carries (for capabilities whose chart reader says so, e.g. page_watch's price).
 * Alerts are drawn when they are delivered, from the runs up to the alert's own run, so the outbox
 * row stays small and a retry (or an edit of the alert later) draws the same picture again.
 */
import type { Automation } from '../automations/types.js';
import type { ContentWorkers } from '../capabilities/content/pool.js';
import type { Logger } from '../logger.js';
import type { Notification } from '../notifications/outbox.js';
import type { NotificationFile } from '../notifications/service.js';
import type { Store } from '../store.js';
import { canonicalTimeZone } from '../util/timezone.js';
import { CHART_RUNS, chartPlan, type ChartPlan, type ChartReader } from './series.js';
import { CHART_FILE_SUFFIX, type ChartSpec } from './spec.js';

/** A drawn chart: the PNG, its file name (what `attachment://` names) and size, and words for screen readers. */
export interface ChartImage {
  filename: string;
  png: Uint8Array;
  width: number;
  height: number;
  description: string;
}

export interface AutomationChartsDeps {
  store: Store;
  /** The chart reader of a capability (undefined: it has no number to chart). */
  readers: (capability: string) => ChartReader | undefined;
  workers: ContentWorkers;
  logger: Logger;
  /** How long drawing may take before it is given up (default 10 s). */
  timeoutMs?: number;
}

/** `price-chart.png` for a series called "Price": the name an embed's `attachment://` refers to. */
export function chartFilename(spec: Pick<ChartSpec, 'seriesLabel'>): string {
  const slug = spec.seriesLabel.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug || 'runs'}${CHART_FILE_SUFFIX}`;
}

export class AutomationCharts {
  constructor(private readonly deps: AutomationChartsDeps) {}

  /**
   * What the chart of `automation` shows over its last runs (up to run `upToRunId`), or why there
   * is none, with times in the time zone of `readerId` (`/settings timezone`; by default the
   * owner), else the automation's. Reads SQLite only.
   */
  plan(automation: Automation, upToRunId: number | null = null, readerId: string = automation.userId): ChartPlan {
    const runs = this.deps.store.runs.recentUpTo(automation.id, upToRunId, CHART_RUNS).map((r) => ({ at: r.finishedAt ?? r.startedAt, status: r.status, output: r.output }));
    const personal = this.deps.store.settings.userTimezone(readerId);
    const zone = (personal && canonicalTimeZone(personal)) ?? canonicalTimeZone(automation.timezone) ?? 'UTC';
    return chartPlan(this.deps.readers(automation.capability), runs, { name: automation.name, condition: automation.alertConditions }, zone);
  }

  /** Draws `spec` in a content worker. Rejects when the worker fails or takes longer than the time limit. */
  async draw(spec: ChartSpec): Promise<ChartImage> {
    const png = await this.deps.workers.run('chart', spec, AbortSignal.timeout(this.deps.timeoutMs ?? 10_000));
    return { filename: chartFilename(spec), png, width: spec.width, height: spec.height, description: spec.title };
  }

  /**
   * The files a notification carries: the chart of an alert (or of an edit of one) whose
   * capability's chart goes with alerts, drawn from the runs up to the alert's run. Never throws:
   * a chart that cannot be drawn is logged and the notification goes without it.
   */
  async filesFor(n: Notification): Promise<NotificationFile[]> {
    if ((n.type !== 'alert' && n.type !== 'edit') || n.embed === null || n.plainText || n.automationId === null) return [];
    try {
      const automation = this.deps.store.automations.get(n.automationId);
      if (!automation || !this.deps.readers(automation.capability)?.withAlerts) return [];
      const plan = this.plan(automation, n.embed.runId ?? n.runId);
      if (plan.spec === null) return [];
      const image = await this.draw(plan.spec);
      return [{ name: image.filename, data: image.png, description: image.description }];
    } catch (error) {
      this.deps.logger.warn({ event: 'chart_failed', notificationId: n.id, automationId: n.automationId, err: error }, 'the alert chart could not be drawn; sending the alert without it');
      return [];
    }
  }
}
