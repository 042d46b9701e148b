import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { EngineCounters } from "../services/engine-counters";

export interface MetricsSources {
  readonly counters: EngineCounters;
  /** Open GraphQL subscriptions on this process. */
  readonly activeSubscriptions: () => number;
  /** Events not yet consumed, per log partition this process's engine owns. */
  readonly consumerLag?: () => Promise<ReadonlyMap<number, number>>;
  /** Running backfills: events processed and planned, per alert. */
  readonly backfills?: () => ReadonlyMap<string, { processed: number; total: number }>;
  /** Deliveries owed (PENDING), when this process dispatches them. */
  readonly deliveryBacklog?: () => Promise<number>;
}

const MAX_OPERATION_NAMES = 200;

/** Prometheus metrics (GET /metrics): the engine's counters, GraphQL traffic, subscriptions, lag. */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"operation" | "status">;
  private readonly durations: Histogram<"operation">;
  private readonly operations = new Set<string>();
  private readonly deliveries: Counter<"kind" | "result">;
  private readonly deliveryLatency: Histogram<"kind">;

  constructor(sources: MetricsSources) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, prefix: "alerts_" });
    // prom-client's defaults name these gauges *_total, which Prometheus reserves for counters; the same
    // figures stay in alerts_nodejs_active_resources (by type).
    for (const total of ["active_resources_total", "active_handles_total", "active_requests_total"]) registry.removeSingleMetric(`alerts_nodejs_${total}`);
    const c = sources.counters;
    // Prometheus conventions (issue 13): a *_total is a counter, read here from the engine's tallies.
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
    counter("alerts_events_in_total", "Events read from the log by this process's engine.", () => c.eventsIn);
    counter("alerts_events_evaluated_total", "Event × alert evaluations after routing.", () => c.eventsEvaluated);
    counter("alerts_events_qualified_total", "Evaluations in which the event qualified.", () => c.eventsQualified);
    counter("alerts_dead_letters_total", "Malformed log records sent to the dead letters.", () => c.deadLetters);
    counter("alerts_late_events_total", "Events for windows that ended more than LATE_GRACE_SECONDS before.", () => c.lateEvents);
    new Counter({
      name: "alerts_crossings_total",
      help: "Threshold crossings detected, by direction.",
      labelNames: ["direction"],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ direction: "RAISED" }, c.crossingsRaised);
        this.inc({ direction: "CLEARED" }, c.crossingsCleared);
      },
    });
    const batchDurations = new Histogram({
      name: "alerts_batch_duration_seconds",
      help: "Engine batches by duration, from the first event read to the commit.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    c.onBatch((ms) => batchDurations.observe(ms / 1000));
    new Gauge({ name: "alerts_subscriptions_active", help: "Open GraphQL subscriptions.", registers: [registry], collect() { this.set(sources.activeSubscriptions()); } });
    if (sources.consumerLag) {
      const lag = sources.consumerLag;
      new Gauge({
        name: "alerts_consumer_lag_events",
        help: "Events in the log not yet consumed, per partition owned here.",
        labelNames: ["partition"],
        registers: [registry],
        async collect() {
          this.reset();
          for (const [partition, behind] of await lag().catch(() => new Map<number, number>())) this.set({ partition: String(partition) }, behind);
        },
      });
    }
    if (sources.backfills) {
      const backfills = sources.backfills;
      new Gauge({
        name: "alerts_backfill_events",
        help: "Running backfills: archived events processed and planned, per alert.",
        labelNames: ["alert", "kind"],
        registers: [registry],
        collect() {
          this.reset();
          for (const [alert, p] of backfills()) {
            this.set({ alert, kind: "processed" }, p.processed);
            this.set({ alert, kind: "total" }, p.total);
          }
        },
      });
    }
    if (sources.deliveryBacklog) {
      const backlog = sources.deliveryBacklog;
      new Gauge({
        name: "alerts_outbox_backlog",
        help: "Notification deliveries owed (PENDING: first attempts and retries).",
        registers: [registry],
        async collect() {
          const owed = await backlog().catch(() => undefined);
          if (owed !== undefined) this.set(owed);
        },
      });
    }
    this.deliveries = new Counter({
      name: "alerts_deliveries_total",
      help: "Notification delivery attempts by this process, by channel kind and result (delivered, retry, failed).",
      labelNames: ["kind", "result"],
      registers: [registry],
    });
    this.deliveryLatency = new Histogram({
      name: "alerts_delivery_latency_seconds",
      help: "Time a receiver took to answer a delivery attempt, by channel kind.",
      labelNames: ["kind"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.requests = new Counter({ name: "alerts_graphql_requests_total", help: "GraphQL requests over HTTP, by operation and status.", labelNames: ["operation", "status"], registers: [registry] });
    this.durations = new Histogram({
      name: "alerts_graphql_request_duration_seconds",
      help: "GraphQL request durations over HTTP, by operation.",
      labelNames: ["operation"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  observeDelivery(kind: string, result: string, latencyMs: number): void {
    this.deliveries.inc({ kind, result });
    if (latencyMs > 0) this.deliveryLatency.observe({ kind }, latencyMs / 1000);
  }

  /** Operation names come from clients: past a bound, new ones are counted as "other". */
  observeRequest(operation: string | undefined, status: number, seconds: number): void {
    let name = operation ?? "anonymous";
    if (!this.operations.has(name)) {
      if (this.operations.size >= MAX_OPERATION_NAMES) name = "other";
      else this.operations.add(name);
    }
    this.requests.inc({ operation: name, status: String(status) });
    this.durations.observe({ operation: name }, seconds);
  }
}
