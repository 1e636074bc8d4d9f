/**
 * Spans of a recorded run, exported with the official OpenTelemetry SDK over OTLP/HTTP (JSON).
 * Loaded only when tracing is on and a run ended (src-main/telemetry/index.ts); the SDK packages are
 * imported here, on demand, so that a bundler keeps them out of every other command's start-up.
 */
import type { Span } from '@opentelemetry/api';
import type { HookExecution } from '../../src-shared/domain/hooks';
import { ms, type Interval, type RecordedRun } from './index';

export async function exportRun(rec: RecordedRun, o: { serviceName: string; serviceVersion: string; connectionLabel: string }): Promise<void> {
  const { runHooks, migrations, firstSeen, lastSeen } = rec;
  const [{ context, SpanKind, SpanStatusCode, trace }, { OTLPTraceExporter }, { resourceFromAttributes }, { BasicTracerProvider, BatchSpanProcessor }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const exporter = new OTLPTraceExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName, 'service.version': o.serviceVersion }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, maxQueueSize: 8192 })],
  });
  try {
    const tracer = provider.getTracer('confiture', o.serviceVersion);
    const hookSpan = (parent: Span, e: HookExecution) => {
      const s = tracer.startSpan(`hook ${e.hookId} (${e.phase})`, { kind: SpanKind.INTERNAL, startTime: ms(e.startedAt), attributes: { 'confiture.hook.id': e.hookId, 'confiture.hook.kind': e.kind, 'confiture.hook.phase': e.phase, 'confiture.hook.attempt': e.attempt, 'confiture.hook.final': e.final, 'confiture.outcome': e.outcome } }, trace.setSpan(context.active(), parent));
      if (e.outcome !== 'success' && e.outcome !== 'skipped') s.setStatus({ code: SpanStatusCode.ERROR, message: e.error ?? e.outcome });
      s.end(ms(e.finishedAt));
    };
    const widenTo = (i: Interval, start: number, end: number) => {
      i.start = Math.min(i.start, start);
      i.end = Math.max(i.end, end);
    };
    const widen = (i: Interval, hooks: HookExecution[]) => hooks.forEach((h) => widenTo(i, ms(h.startedAt), ms(h.finishedAt)));
    const r = rec.run;
    const runSpan = tracer.startSpan(
      `confiture run (${r.kind})`,
      { kind: SpanKind.INTERNAL, startTime: Math.min(r.start, firstSeen), attributes: { 'confiture.run.id': r.id, 'confiture.run.kind': r.kind, 'confiture.project': r.project, 'db.system.name': 'postgresql', 'server.address': o.connectionLabel, ...r.attributes } },
    );
    const runCtx = trace.setSpan(context.active(), runSpan);
    for (const h of runHooks) hookSpan(runSpan, h);
    for (const m of migrations) {
      widen(m, m.hooks);
      for (const st of m.statements) {
        widen(st, st.hooks);
        widenTo(m, st.start, st.end);
      }
      const mSpan = tracer.startSpan(`migration ${m.version}_${m.name}`, { kind: SpanKind.INTERNAL, startTime: m.start, attributes: m.attributes }, runCtx);
      for (const h of m.hooks) hookSpan(mSpan, h);
      for (const st of m.statements) {
        const sSpan = tracer.startSpan(`statement ${st.index + 1} ${st.kind}`, { kind: SpanKind.CLIENT, startTime: st.start, attributes: { 'db.system.name': 'postgresql', ...st.attributes } }, trace.setSpan(context.active(), mSpan));
        for (const h of st.hooks) hookSpan(sSpan, h);
        if (st.failed) sSpan.setStatus({ code: SpanStatusCode.ERROR, message: st.failed });
        sSpan.end(st.end);
      }
      if (m.failed) mSpan.setStatus({ code: SpanStatusCode.ERROR, message: m.failed });
      mSpan.end(m.end);
    }
    if (r.failed) runSpan.setStatus({ code: SpanStatusCode.ERROR, message: r.failed });
    runSpan.end(Math.max(r.end, lastSeen));
    await provider.forceFlush();
  } finally {
    await provider.shutdown().catch(() => undefined);
  }
}
