// Traceability: the genealogy of a product batch (GET /api/batches/{id}/genealogy) or of a
// waste lot (GET /api/lots/{id}/genealogy) drawn as an SVG graph: one column per generation,
// the material flowing left to right from the sources and collectors through waste lots,
// transformations and transfers to the route step and the product batch. The same links are
// listed in a table below, and downloadable as JSON or CSV.
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { useQuery, useRouter } from '../router.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useLoad } from '../components/ui.jsx';
import { useStreamName, useWasteVocabulary } from './wasteCommon.jsx';

const KIND_COLOURS = {
  source: '#7a5212',
  start_up: '#3d4a6b',
  lot: '#2f5d3a',
  transformation: '#2c7a7b',
  route_step: '#5b4a8a',
  batch: '#a4262c',
};
const NODE_W = 200;
const NODE_H = 50;
const COL_GAP = 64;
const ROW_GAP = 14;
const PAD = 16;

// Columns by longest path from the nodes nothing flows into; rows ordered by the mean row of
// the nodes feeding them (one barycentre pass keeps most edges from crossing).
export function layoutGraph(nodes, edges) {
  const incoming = new Map(nodes.map((n) => [n.id, []]));
  const outgoing = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!incoming.has(e.to) || !outgoing.has(e.from)) continue;
    incoming.get(e.to).push(e.from);
    outgoing.get(e.from).push(e.to);
  }
  const level = new Map();
  const pending = new Map(nodes.map((n) => [n.id, incoming.get(n.id).length]));
  const queue = nodes.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) level.set(id, 0);
  while (queue.length) {
    const id = queue.shift();
    for (const next of outgoing.get(id)) {
      level.set(next, Math.max(level.get(next) || 0, level.get(id) + 1));
      pending.set(next, pending.get(next) - 1);
      if (pending.get(next) === 0) queue.push(next);
    }
  }
  const columns = [];
  for (const n of nodes) {
    const l = level.has(n.id) ? level.get(n.id) : 0;
    (columns[l] = columns[l] || []).push(n.id);
  }
  const row = new Map();
  columns.forEach((col, c) => {
    if (c > 0) {
      const score = (id) => {
        const preds = incoming.get(id).filter((p) => row.has(p));
        return preds.length ? preds.reduce((s, p) => s + row.get(p), 0) / preds.length : 0;
      };
      col.sort((a, b) => score(a) - score(b));
    }
    col.forEach((id, r) => row.set(id, r));
  });
  const tallest = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * ROW_GAP;
  const positions = new Map();
  columns.forEach((col, c) => {
    if (!col) return;
    const colHeight = col.length * NODE_H + (col.length - 1) * ROW_GAP;
    const top = (height - colHeight) / 2;
    col.forEach((id, r) => positions.set(id, { x: PAD + c * (NODE_W + COL_GAP), y: top + r * (NODE_H + ROW_GAP) }));
  });
  const width = PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * COL_GAP;
  return { positions, width, height };
}

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

function nodeHref(n) {
  if (n.kind === 'lot') return `/lots/${n.id}`;
  if (n.kind === 'batch') return `/trace?id=${n.id}`;
  if (n.kind === 'route_step') return `/routes/${n.id.split('/')[0].split(':')[1]}`;
  return null;
}

function GenealogyGraph({ graph, vocab }) {
  const { t, formatNumber } = useI18n();
  const streamName = useStreamName(vocab);
  const { positions, width, height } = useMemo(() => layoutGraph(graph.nodes, graph.edges), [graph]);
  const second = (n) => {
    if (n.kind === 'lot') return `${clip(streamName(n.stream), 18)} · ${formatNumber(n.kg, 1)} kg`;
    if (n.kind === 'source') return `${t('sourceKind.' + n.detail)} · ${n.region ? t('region.' + n.region) : ''}`;
    if (n.kind === 'transformation') return `${t('transformKind.' + n.detail)} · ${n.date || ''}`;
    if (n.kind === 'start_up') return t('trace.kind.start_up');
    if (n.kind === 'route_step') return clip(n.detail || '', 28);
    if (n.kind === 'batch') return n.detail || t('trace.kind.batch');
    return '';
  };
  return (
    <div className="trace-wrap">
      <svg className="trace-graph" viewBox={`0 0 ${width} ${height}`} width={width} height={height}
        role="img" aria-labelledby="trace-graph-title" data-testid="genealogy-graph">
        <title id="trace-graph-title">{t('trace.graph', { id: graph.root })}</title>
        <defs>
          <marker id="trace-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#8a948d" />
          </marker>
        </defs>
        {graph.edges.map((e, i) => {
          const a = positions.get(e.from);
          const b = positions.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + NODE_W;
          const y1 = a.y + NODE_H / 2;
          const x2 = b.x;
          const y2 = b.y + NODE_H / 2;
          const mid = (x1 + x2) / 2;
          return (
            <g key={i} className="trace-edge" data-relation={e.relation}>
              <path d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 2} ${y2}`} fill="none" stroke="#8a948d" strokeWidth="1.5" markerEnd="url(#trace-arrow)" />
              {e.kg !== null && e.kg !== undefined && (
                <text x={mid} y={(y1 + y2) / 2 - 4} fontSize="10" textAnchor="middle">{formatNumber(e.kg, e.kg < 1 ? 4 : 1)} kg</text>
              )}
            </g>
          );
        })}
        {graph.nodes.map((n) => {
          const p = positions.get(n.id);
          if (!p) return null;
          const href = nodeHref(n);
          const box = (
            <g className="trace-node" data-kind={n.kind} data-id={n.id} transform={`translate(${p.x} ${p.y})`}>
              <rect width={NODE_W} height={NODE_H} rx="6" fill="#fff" stroke={KIND_COLOURS[n.kind] || '#555'} strokeWidth={n.id === graph.root ? 3 : 1.5} />
              <rect width="6" height={NODE_H} rx="3" fill={KIND_COLOURS[n.kind] || '#555'} />
              <text x="14" y="20" fontSize={n.label.length > 24 ? 10.5 : 12} fontWeight="700">{clip(n.label, 28)}</text>
              <text x="14" y="38" fontSize="10.5" fill="#5b645e">{clip(second(n), 30)}</text>
              <title>{`${t('trace.kind.' + n.kind)} — ${n.label}${n.start_up ? ' — ' + n.start_up.name : ''}`}</title>
            </g>
          );
          return href ? <a key={n.id} href={href}>{box}</a> : <g key={n.id}>{box}</g>;
        })}
      </svg>
      <ul className="trace-legend">
        {Object.entries(KIND_COLOURS).map(([k, c]) => (
          <li key={k}><span className="swatch" style={{ background: c }} />{t('trace.kind.' + k)}</li>
        ))}
      </ul>
    </div>
  );
}

function EdgeTable({ graph }) {
  const { t, formatNumber } = useI18n();
  const label = (id) => {
    const n = graph.nodes.find((x) => x.id === id);
    return n ? n.label : id;
  };
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('trace.edges')}</caption>
        <thead><tr><th scope="col">{t('trace.from')}</th><th scope="col">{t('trace.relation')}</th><th scope="col">{t('trace.to')}</th><th scope="col">kg</th><th scope="col">{t('waste.performedOn')}</th></tr></thead>
        <tbody>
          {graph.edges.map((e, i) => (
            <tr key={i}>
              <td>{label(e.from)}</td>
              <td>{t('trace.relation.' + e.relation)}{e.reference ? ` (${e.reference})` : ''}</td>
              <td>{label(e.to)}</td>
              <td>{e.kg === null ? '—' : formatNumber(e.kg, 4)}</td>
              <td>{e.date || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TraceabilityPage() {
  const { t } = useI18n();
  const query = useQuery();
  const { navigate } = useRouter();
  const id = (query.get('id') || '').trim();
  const [text, setText] = useState(id);
  const vocab = useWasteVocabulary();
  const isLot = /^LOT-/i.test(id);
  const path = id ? (isLot ? `/api/lots/${encodeURIComponent(id)}/genealogy` : `/api/batches/${encodeURIComponent(id)}/genealogy`) : null;
  const graph = useLoad((signal) => (path ? api.get(path, undefined, { signal }) : Promise.resolve(null)), [path]);
  const lots = graph.data ? graph.data.nodes.filter((n) => n.kind === 'lot').length : 0;
  return (
    <div className="waste-page">
      <PageHeader title={t('trace.title')} subtitle={t('trace.subtitle')} />
      <form className="trace-form" onSubmit={(e) => { e.preventDefault(); navigate(`/trace?id=${encodeURIComponent(text.trim())}`); }}>
        <Field label={t('trace.batch')} value={text} onChange={(e) => setText(e.target.value)} className="mono-input" />
        <button type="submit">{t('trace.show')}</button>
      </form>
      {graph.loading && path && !graph.data && <Loading />}
      <ErrorMessage error={graph.error} />
      {graph.data && (
        <section className="panel" aria-labelledby="trace-title">
          <h2 id="trace-title">{t('trace.graph', { id: graph.data.root })}</h2>
          {graph.data.truncated && <p className="warning">{t('trace.truncated')}</p>}
          {lots === 0 && <Empty>{t('trace.empty')}</Empty>}
          {vocab.data && <GenealogyGraph graph={graph.data} vocab={vocab.data} />}
          <p className="small">
            <a href={path} download={`genealogy-${graph.data.root}.json`}>{t('trace.downloadJson')}</a> ·{' '}
            <a href={`${path}?format=csv`}>{t('trace.downloadCsv')}</a>
          </p>
          <EdgeTable graph={graph.data} />
        </section>
      )}
    </div>
  );
}
