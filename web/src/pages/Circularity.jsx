// The cluster circularity dashboard (GET /api/circularity): totals, tonnes collected per
// stream and month (a stacked bar chart), flows between start-ups (a Sankey-style picture of
// the accepted transfers), figures per start-up, transport CO2e with the factors' source, and
// the waste-derived share of each visible route and product. Everything is drawn as SVG here.
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { isStaff, useSession } from '../session.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useLoad } from '../components/ui.jsx';
import { streamColour, useStreamName, useVehicleName, useWasteVocabulary } from './wasteCommon.jsx';

function niceMax(value) {
  if (value <= 0) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

function StackedBars({ data, vocab }) {
  const { t, formatNumber } = useI18n();
  const streamName = useStreamName(vocab);
  const months = data.months;
  const streams = data.streams.filter((s) => data.per_stream_month.some((c) => c.stream === s && c.collected_t > 0));
  const value = (m, s) => {
    const c = data.per_stream_month.find((x) => x.month === m && x.stream === s);
    return c ? c.collected_t : 0;
  };
  const totals = months.map((m) => streams.reduce((sum, s) => sum + value(m, s), 0));
  const max = niceMax(Math.max(0, ...totals));
  const W = 760;
  const H = 300;
  const left = 56;
  const bottom = 40;
  const top = 14;
  const plotH = H - top - bottom;
  const step = (W - left - 10) / Math.max(1, months.length);
  const barW = Math.min(56, step * 0.7);
  const y = (v) => top + plotH - (v / max) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  if (streams.length === 0) return <Empty>{t('circ.empty')}</Empty>;
  return (
    <>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('circ.chartLabel')} data-testid="tonnes-chart">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={left} x2={W - 6} y1={y(v)} y2={y(v)} stroke="#e3e6e1" />
            <text x={left - 6} y={y(v) + 4} fontSize="11" textAnchor="end">{formatNumber(v, 1)} t</text>
          </g>
        ))}
        {months.map((m, i) => {
          let acc = 0;
          const x = left + i * step + (step - barW) / 2;
          return (
            <g key={m} data-month={m} data-total={totals[i]}>
              {streams.map((s) => {
                const v = value(m, s);
                if (v <= 0) return null;
                const y0 = y(acc + v);
                const h = y(acc) - y0;
                acc += v;
                return (
                  <rect key={s} x={x} y={y0} width={barW} height={Math.max(0.5, h)} fill={streamColour(vocab, s)} data-stream={s} data-tonnes={v}>
                    <title>{`${m} — ${streamName(s)} : ${formatNumber(v, 3)} t`}</title>
                  </rect>
                );
              })}
              <text x={x + barW / 2} y={H - bottom + 16} fontSize="11" textAnchor="middle">{m}</text>
            </g>
          );
        })}
        <line x1={left} x2={left} y1={top} y2={top + plotH} stroke="#8a948d" />
      </svg>
      <ul className="chart-legend">
        {streams.map((s) => <li key={s}><span className="swatch" style={{ background: streamColour(vocab, s) }} />{streamName(s)}</li>)}
      </ul>
    </>
  );
}

// Senders on the left, receivers on the right, one ribbon per (sender, receiver, stream),
// widths proportional to tonnes.
function Sankey({ data, vocab }) {
  const { t, formatNumber } = useI18n();
  const streamName = useStreamName(vocab);
  const names = useMemo(() => new Map(data.per_start_up.map((s) => [s.start_up, s.name])), [data]);
  const flows = data.flows.filter((f) => f.t > 0);
  // Names clipped to fit beside the ribbons (the full name is in the ribbon's title).
  const short = (name) => {
    const n = name || '';
    return n.length > 30 ? n.slice(0, 29) + '…' : n;
  };
  if (flows.length === 0) return <Empty>{t('circ.flowsEmpty')}</Empty>;
  const total = (key, id) => flows.filter((f) => f[key] === id).reduce((s, f) => s + f.t, 0);
  const senders = [...new Set(flows.map((f) => f.from))].sort((a, b) => total('from', b) - total('from', a));
  const receivers = [...new Set(flows.map((f) => f.to))].sort((a, b) => total('to', b) - total('to', a));
  const W = 760;
  const gap = 16;
  const minH = 340;
  const H = Math.max(minH, 30 + Math.max(senders.length, receivers.length) * 46);
  const grand = flows.reduce((s, f) => s + f.t, 0);
  const usable = H - 30 - gap * (Math.max(senders.length, receivers.length) - 1);
  const scale = usable / grand;
  const nodeW = 14;
  const xL = 235;
  const xR = W - 235;
  const place = (ids, key) => {
    const out = new Map();
    let yy = 15;
    for (const id of ids) {
      const h = total(key, id) * scale;
      out.set(id, { y: yy, h, used: 0 });
      yy += h + gap;
    }
    return out;
  };
  const left = place(senders, 'from');
  const right = place(receivers, 'to');
  const ordered = [...flows].sort((a, b) => senders.indexOf(a.from) - senders.indexOf(b.from) || receivers.indexOf(a.to) - receivers.indexOf(b.to));
  return (
    <svg className="sankey" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('circ.sankeyLabel')} data-testid="flows-sankey">
      {ordered.map((f, i) => {
        const a = left.get(f.from);
        const b = right.get(f.to);
        const h = f.t * scale;
        const y0 = a.y + a.used;
        const y1 = b.y + b.used;
        a.used += h;
        b.used += h;
        const x0 = xL + nodeW;
        const x1 = xR;
        const xm = (x0 + x1) / 2;
        const d = `M ${x0} ${y0} C ${xm} ${y0}, ${xm} ${y1}, ${x1} ${y1} L ${x1} ${y1 + h} C ${xm} ${y1 + h}, ${xm} ${y0 + h}, ${x0} ${y0 + h} Z`;
        return (
          <path key={i} d={d} fill={streamColour(vocab, f.stream)} fillOpacity="0.55" stroke={streamColour(vocab, f.stream)} strokeOpacity="0.8"
            data-from={f.from} data-to={f.to} data-stream={f.stream} data-tonnes={f.t}>
            <title>{`${names.get(f.from)} → ${names.get(f.to)} — ${streamName(f.stream)} : ${formatNumber(f.t, 3)} t (${f.transfers})`}</title>
          </path>
        );
      })}
      {senders.map((id) => {
        const n = left.get(id);
        return (
          <g key={'l' + id}>
            <rect x={xL} y={n.y} width={nodeW} height={Math.max(1, n.h)} fill="#3d4a6b" />
            <text x={xL - 6} y={n.y + n.h / 2 + 4} fontSize="11" textAnchor="end">{short(names.get(id))} · {formatNumber(total('from', id), 1)} t</text>
          </g>
        );
      })}
      {receivers.map((id) => {
        const n = right.get(id);
        return (
          <g key={'r' + id}>
            <rect x={xR} y={n.y} width={nodeW} height={Math.max(1, n.h)} fill="#2f5d3a" />
            <text x={xR + nodeW + 6} y={n.y + n.h / 2 + 4} fontSize="11">{short(names.get(id))} · {formatNumber(total('to', id), 1)} t</text>
          </g>
        );
      })}
    </svg>
  );
}

function ShareTable({ items, kind }) {
  const { t, formatNumber } = useI18n();
  if (items.length === 0) return <Empty>—</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <thead><tr><th scope="col">{t(kind === 'routes' ? 'circ.routes' : 'circ.products')}</th><th scope="col">{t('circ.share')}</th></tr></thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <td>{kind === 'routes' ? <Link to={`/routes/${s.id}`}>{s.name}</Link> : <Link to={`/products/${s.id}`}>{s.name}</Link>}</td>
              <td>{s.waste_derived_percent === null ? <span className="muted small" title={s.missing || ''}>{t('circ.missing')}</span> : `${formatNumber(s.waste_derived_percent, 1)} %`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CircularityPage() {
  const { t, formatNumber } = useI18n();
  const { user, loading } = useSession();
  const vocab = useWasteVocabulary();
  const streamName = useStreamName(vocab.data);
  const vehicleName = useVehicleName(vocab.data);
  const [filter, setFilter] = useState({ from: '', to: '', stream: '' });
  const report = useLoad((signal) => (user && isStaff(user) ? api.get('/api/circularity', filter, { signal }) : Promise.resolve(null)),
    [user && user.id, filter.from, filter.to, filter.stream]);
  if (loading) return <Loading />;
  if (!isStaff(user)) {
    return (
      <>
        <PageHeader title={t('circ.title')} />
        <p><Link to="/login">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  const d = report.data;
  const tkm = d ? d.transport.vehicles.reduce((s, v) => s + v.tonne_km, 0) : 0;
  return (
    <div className="waste-page">
      <PageHeader title={t('circ.title')} subtitle={t('circ.subtitle')} />
      <form className="form-row" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('circ.from')} type="month" value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.target.value })}
          error={report.error && report.error.field === 'from' ? report.error : null} />
        <Field label={t('circ.to')} type="month" value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.target.value })}
          error={report.error && report.error.field === 'to' ? report.error : null} />
        <Field label={t('waste.stream')} as="select" value={filter.stream} onChange={(e) => setFilter({ ...filter, stream: e.target.value })}>
          <option value="">{t('circ.allStreams')}</option>
          {vocab.data && vocab.data.streams.map((s) => <option key={s.key} value={s.key}>{streamName(s.key)}</option>)}
        </Field>
      </form>
      {report.loading && !d && <Loading />}
      {report.error && !['from', 'to'].includes(report.error.field) && <ErrorMessage error={report.error} />}
      {d && vocab.data && (
        <>
          <p className="muted" data-testid="counted">{t(d.counted === 'all' ? 'circ.countedAll' : 'circ.countedVisible')}</p>
          <div className="figures-row" data-testid="totals">
            {[['collected', d.totals.collected_t], ['transformed', d.totals.transformed_t], ['transferred', d.totals.transferred_t], ['valorised', d.totals.valorised_t]].map(([k, v]) => (
              <div className="figure" key={k} data-figure={k} data-tonnes={v}>
                <span className="figure-label">{t('circ.' + k)}</span>
                <strong>{t('circ.tonnes', { t: formatNumber(v, 2) })}</strong>
              </div>
            ))}
            <div className="figure" data-figure="co2e">
              <span className="figure-label">{t('circ.transport')}</span>
              <strong>{formatNumber(d.transport.co2e_kg, 0)} kg</strong>
            </div>
          </div>
          <section className="panel" aria-labelledby="circ-months">
            <h2 id="circ-months">{t('circ.perMonth')}</h2>
            <StackedBars data={d} vocab={vocab.data} />
          </section>
          <section className="panel" aria-labelledby="circ-flows">
            <h2 id="circ-flows">{t('circ.flows')}</h2>
            <Sankey data={d} vocab={vocab.data} />
          </section>
          <section className="panel" aria-labelledby="circ-start-ups">
            <h2 id="circ-start-ups">{t('circ.perStartUp')}</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('waste.startUp')}</th><th scope="col">{t('circ.collected')}</th><th scope="col">{t('circ.transformed')}</th>
                    <th scope="col">{t('circ.transferred')} →</th><th scope="col">→ {t('circ.transferred')}</th><th scope="col">{t('circ.valorised')}</th>
                    <th scope="col">{t('circ.transport')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.per_start_up.map((s) => (
                    <tr key={s.start_up}>
                      <th scope="row">{s.name}</th>
                      <td>{formatNumber(s.collected_t, 3)} t</td><td>{formatNumber(s.transformed_t, 3)} t</td>
                      <td>{formatNumber(s.transferred_out_t, 3)} t</td><td>{formatNumber(s.transferred_in_t, 3)} t</td>
                      <td>{formatNumber(s.valorised_t, 3)} t</td><td>{formatNumber(s.transport_co2e_kg, 1)} kg</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="panel" aria-labelledby="circ-transport">
            <h2 id="circ-transport">{t('circ.transport')}</h2>
            <p>{t('circ.transportTotal', { kg: formatNumber(d.transport.co2e_kg, 1), tkm: formatNumber(tkm, 0) })}</p>
            <ul>
              {d.transport.vehicles.map((v) => (
                <li key={v.vehicle}>{vehicleName(v.vehicle)} : {formatNumber(v.tonne_km, 0)} t.km × {formatNumber(v.factor_kg_co2e_per_tonne_km, 5)} = {formatNumber(v.co2e_kg, 1)} kg CO₂e</li>
              ))}
            </ul>
            <p className="muted small">{d.transport.method}. {t('circ.factorSource', { source: d.transport.source, year: d.transport.year })}</p>
          </section>
          <section className="panel" aria-labelledby="circ-shares">
            <h2 id="circ-shares">{t('circ.shares')}</h2>
            <ShareTable items={d.routes} kind="routes" />
            <ShareTable items={d.products} kind="products" />
          </section>
        </>
      )}
    </div>
  );
}
