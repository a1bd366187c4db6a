// The cluster overview: the products funnel (GET /api/overview/funnel) and the
// cross-start-up similarity heat-map (GET /api/compare/start-ups): for each pair of
// start-ups, a similarity of their portfolios computed within the confidentiality rules
// (over the compounds the caller may see: unshared ones of other start-ups never show, not
// even as a count; the administrators review those overlaps).
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { isStaff, useSession } from '../session.jsx';
import { stageName } from './Products.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useLoad } from '../components/ui.jsx';

// White → green scale for a similarity in [0, 1].
function heat(value) {
  if (value === null || value === undefined) return '#f2f2f2';
  const v = Math.max(0, Math.min(1, value));
  const mix = (a, b) => Math.round(a + (b - a) * v);
  return `rgb(${mix(247, 31)}, ${mix(250, 93)}, ${mix(245, 58)})`;
}

function HeatMap({ data }) {
  const { t, formatNumber } = useI18n();
  const names = data.start_ups;
  if (names.length < 2) return <Empty>{t('overview.heatmapEmpty')}</Empty>;
  return (
    <div className="table-wrap">
      <table className="heatmap">
        <caption className="visually-hidden">{t('overview.heatmap')}</caption>
        <thead>
          <tr>
            <td />
            {names.map((s) => (
              <th key={s.id} scope="col" className="rotate"><span>{s.name}</span></th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((row, i) => (
            <tr key={row.id}>
              <th scope="row">
                {row.name} <span className="muted small">({row.compounds})</span>
              </th>
              {names.map((col, j) => {
                const v = data.similarity_matrix[i] ? data.similarity_matrix[i][j] : null;
                return (
                  <td key={col.id} className="cell" style={{ background: heat(v), color: v > 0.55 ? '#fff' : 'inherit' }}
                    title={`${row.name} × ${col.name}`}>
                    {v === null || v === undefined ? '—' : formatNumber(v, 2)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Funnel({ data }) {
  const { t } = useI18n();
  const max = Math.max(1, ...data.stages.map((s) => s.products));
  return (
    <ol className="funnel">
      {data.stages.map((s) => (
        <li key={s.key}>
          <span className="funnel-label">{stageName(t, s.key, s.name)}</span>
          <span className="funnel-bar" style={{ width: `${(100 * s.products) / max}%` }} aria-hidden="true" />
          <span className="funnel-value">
            {t('overview.products', { n: s.products })}
            {s.on_hold > 0 && <> · {t('overview.onHold', { n: s.on_hold })}</>}
            {s.stopped > 0 && <> · {t('overview.stopped', { n: s.stopped })}</>}
          </span>
        </li>
      ))}
    </ol>
  );
}

// The heat-map needs a start-up member or an administrator (GET /api/compare/start-ups).
function SimilaritySection() {
  const { t } = useI18n();
  const [threshold, setThreshold] = useState('0.85');
  const compare = useLoad((signal) => api.get('/api/compare/start-ups', { threshold }, { signal }), [threshold]);
  return (
    <section className="panel" aria-labelledby="heatmap">
      <h2 id="heatmap">{t('overview.heatmap')}</h2>
      <p className="muted small">{t('overview.heatmapHint')}</p>
      <Field className="narrow-field" label={t('overview.threshold')} type="number" min="0" max="1" step="0.05" value={threshold}
        onChange={(e) => setThreshold(e.target.value)} error={compare.error && compare.error.field === 'threshold' ? compare.error : null} />
      {compare.loading && !compare.data && <Loading />}
      {compare.error && compare.error.field !== 'threshold' && <ErrorMessage error={compare.error} />}
      {compare.data && (
        <>
          <HeatMap data={compare.data} />
          <p className="small">
            {t('overview.identical', { n: compare.data.identical.length })} ·{' '}
            {t('overview.nearDuplicates', { n: compare.data.near_duplicate_count })}
          </p>
          <p className="muted small">{t('overview.overlapNotice')}</p>
          {compare.data.substances && (
            <p className="small" data-testid="substance-overlaps">
              {t('overview.substanceOverlaps', { n: compare.data.substances.overlap_count })}
              {compare.data.substances.overlaps.map((g, i) => (
                <span key={i}>
                  {' · '}
                  {g.substances.map((id, j) => (
                    <span key={id}>{j > 0 && ' = '}<Link to={`/substances/${id}`}>{id}</Link></span>
                  ))}
                </span>
              ))}
            </p>
          )}
        </>
      )}
    </section>
  );
}

export function OverviewPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const funnel = useLoad((signal) => api.get('/api/overview/funnel', undefined, { signal }), []);
  return (
    <>
      <PageHeader title={t('overview.title')} subtitle={t('overview.subtitle')} />
      <section className="panel" aria-labelledby="funnel">
        <h2 id="funnel">{t('overview.funnel')}</h2>
        {funnel.loading && !funnel.data && <Loading />}
        <ErrorMessage error={funnel.error} />
        {funnel.data && <Funnel data={funnel.data} />}
        <p className="small"><Link to="/products">{t('overview.toPipeline')}</Link></p>
      </section>
      {isStaff(user) && <SimilaritySection />}
    </>
  );
}
