// The cluster's view of the needs board (GET /api/overview/needs, administrators): needs by
// sector and status, the response rate, the time to a first response, outcomes, and the
// chain needs → research projects → products. Charts are inline SVG: no external asset.
import { useI18n } from '../i18n.jsx';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { isAdmin, useSession } from '../session.jsx';
import { Empty, ErrorMessage, Loading, PageHeader, useLoad } from '../components/ui.jsx';

const GREEN = '#2f7d4a';
const GREY = '#b9b2a3';
const AMBER = '#c98a1b';

function SectorChart({ sectors }) {
  const { t } = useI18n();
  const max = Math.max(1, ...sectors.map((s) => s.open + s.closed));
  const row = 28;
  const labelWidth = 190;
  const width = 560;
  const barWidth = width - labelWidth - 40;
  const height = sectors.length * row + 30;
  return (
    <svg className="chart" role="img" aria-labelledby="chart-sector-title" viewBox={`0 0 ${width} ${height}`} width="100%" data-chart="sectors">
      <title id="chart-sector-title">{t('clusterNeeds.bySector')}</title>
      {sectors.map((s, i) => {
        const y = i * row + 4;
        const open = (s.open / max) * barWidth;
        const closed = (s.closed / max) * barWidth;
        return (
          <g key={s.sector || 'none'} data-sector={s.sector || ''}>
            <text x={labelWidth - 8} y={y + 15} textAnchor="end" fontSize="12">{s.sector ? t('sector.' + s.sector) : t('sector.none')}</text>
            <rect x={labelWidth} y={y} width={open} height={20} fill={GREEN}><title>{`${t('needStatus.open')}: ${s.open}`}</title></rect>
            <rect x={labelWidth + open} y={y} width={closed} height={20} fill={GREY}><title>{`${t('needStatus.closed')}: ${s.closed}`}</title></rect>
            <text x={labelWidth + open + closed + 6} y={y + 15} fontSize="12">{s.open + s.closed}</text>
          </g>
        );
      })}
      <g transform={`translate(${labelWidth}, ${height - 12})`} fontSize="11">
        <rect width="10" height="10" y="-9" fill={GREEN} /><text x="14">{t('needStatus.open')}</text>
        <rect x="80" width="10" height="10" y="-9" fill={GREY} /><text x="94">{t('needStatus.closed')}</text>
      </g>
    </svg>
  );
}

const BINS = [[0, 1], [1, 3], [3, 7], [7, 14], [14, 30], [30, Infinity]];

function ResponseTimeChart({ days }) {
  const { t } = useI18n();
  const counts = BINS.map(([lo, hi]) => days.filter((d) => d >= lo && d < hi).length);
  const max = Math.max(1, ...counts);
  const width = 420;
  const height = 180;
  const barW = (width - 40) / BINS.length;
  return (
    <svg className="chart" role="img" aria-labelledby="chart-time-title" viewBox={`0 0 ${width} ${height}`} width="100%" data-chart="response-time">
      <title id="chart-time-title">{t('clusterNeeds.timeToResponse')}</title>
      {counts.map((c, i) => {
        const h = (c / max) * (height - 50);
        const x = 20 + i * barW;
        const [lo, hi] = BINS[i];
        return (
          <g key={i} data-bin={i} data-count={c}>
            <rect x={x + 4} y={height - 30 - h} width={barW - 8} height={h} fill={AMBER} />
            <text x={x + barW / 2} y={height - 34 - h} textAnchor="middle" fontSize="12">{c}</text>
            <text x={x + barW / 2} y={height - 14} textAnchor="middle" fontSize="11">{hi === Infinity ? `> ${lo}` : `${lo}–${hi}`}</text>
          </g>
        );
      })}
      <text x={width / 2} y={height - 1} textAnchor="middle" fontSize="11">{t('clusterNeeds.days')}</text>
    </svg>
  );
}

// Needs on the left, their projects in the middle, the products those link on the right.
function FlowChart({ flow }) {
  const { t } = useI18n();
  const needs = flow.slice(0, 20);
  const projects = needs.flatMap((n, i) => n.projects.map((p) => ({ ...p, needIndex: i })));
  const productMap = new Map();
  for (const p of projects) for (const pr of p.products) if (!productMap.has(pr.id)) productMap.set(pr.id, pr);
  const products = [...productMap.values()];
  const rows = Math.max(needs.length, projects.length, products.length, 1);
  const rowH = 26;
  const height = rows * rowH + 40;
  const width = 760;
  const col = [10, 280, 530];
  const y = (i) => 34 + i * rowH;
  const curve = (x1, y1, x2, y2) => `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`;
  const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  return (
    <svg className="chart flow" role="img" aria-labelledby="chart-flow-title" viewBox={`0 0 ${width} ${height}`} width="100%" data-chart="flow">
      <title id="chart-flow-title">{t('clusterNeeds.flow')}</title>
      <g fontSize="12" fontWeight="700">
        <text x={col[0]} y="14">{t('clusterNeeds.need')} ({flow.length})</text>
        <text x={col[1]} y="14">{t('clusterNeeds.projectsCol')} ({projects.length})</text>
        <text x={col[2]} y="14">{t('clusterNeeds.productsCol')} ({products.length})</text>
      </g>
      {projects.map((p, j) => (
        <path key={'np' + p.project} d={curve(col[1] - 12, y(p.needIndex), col[1], y(j))} stroke={GREEN} fill="none" strokeOpacity="0.5" strokeWidth="2" />
      ))}
      {projects.flatMap((p, j) => p.products.map((pr) => {
        const k = products.findIndex((x) => x.id === pr.id);
        return <path key={'pp' + p.project + pr.id} d={curve(col[2] - 12, y(j), col[2], y(k))} stroke={AMBER} fill="none" strokeOpacity="0.6" strokeWidth="2" />;
      }))}
      {needs.map((n, i) => (
        <g key={n.need} data-node={n.need}>
          <circle cx={col[0] + 4} cy={y(i) - 4} r="4" fill={n.status === 'open' ? GREEN : GREY} />
          <text x={col[0] + 12} y={y(i)} fontSize="12">{short(`${n.need} ${n.title}`, 34)}</text>
        </g>
      ))}
      {projects.map((p, j) => (
        <g key={p.project} data-node={p.project}>
          <circle cx={col[1] + 4} cy={y(j) - 4} r="4" fill={GREEN} />
          <text x={col[1] + 12} y={y(j)} fontSize="12">{short(`${p.start_up.name} · ${t('projectStage.' + p.stage)} · TRL ${p.trl}`, 34)}</text>
        </g>
      ))}
      {products.map((pr, k) => (
        <g key={pr.id} data-node={pr.id}>
          <circle cx={col[2] + 4} cy={y(k) - 4} r="4" fill={AMBER} />
          <text x={col[2] + 12} y={y(k)} fontSize="12">{short(`${pr.id} ${pr.name}`, 30)}</text>
        </g>
      ))}
    </svg>
  );
}

export function ClusterNeedsPage() {
  const { t, formatNumber } = useI18n();
  const { user, loading } = useSession();
  const data = useLoad((signal) => (isAdmin(user) ? api.get('/api/overview/needs', undefined, { signal }) : Promise.resolve(null)), [user && user.id]);
  if (loading) return <Loading />;
  if (!isAdmin(user)) {
    return (
      <>
        <PageHeader title={t('clusterNeeds.title')} />
        <p>{user ? t('clusterNeeds.adminOnly') : <Link to="/login?next=/cluster/needs">{t('common.signInFirst')}</Link>}</p>
      </>
    );
  }
  if (data.loading && !data.data) return <Loading />;
  if (data.error) return <ErrorMessage error={data.error} />;
  const o = data.data;
  const ttfr = o.time_to_first_response;
  return (
    <>
      <PageHeader title={t('clusterNeeds.title')} subtitle={t('clusterNeeds.subtitle')} />
      {o.needs === 0 ? <Empty>{t('clusterNeeds.noData')}</Empty> : (
        <>
          <div className="summary-row">
            <div className="figure" data-figure="needs"><span className="figure-value">{o.needs}</span><span className="figure-label">{t('clusterNeeds.needs')}</span></div>
            <div className="figure" data-figure="open"><span className="figure-value">{o.open}</span><span className="figure-label">{t('clusterNeeds.open')}</span></div>
            <div className="figure" data-figure="response-rate"><span className="figure-value">{formatNumber(100 * (o.response_rate || 0), 0)} %</span><span className="figure-label">{t('clusterNeeds.responseRate')}</span></div>
            <div className="figure" data-figure="median"><span className="figure-value">{ttfr.median_days === null ? '—' : formatNumber(ttfr.median_days, 1)}</span><span className="figure-label">{t('clusterNeeds.median')}</span></div>
            <div className="figure" data-figure="projects"><span className="figure-value">{o.with_projects}</span><span className="figure-label">{t('clusterNeeds.withProjects')}</span></div>
            <div className="figure" data-figure="products"><span className="figure-value">{o.with_products}</span><span className="figure-label">{t('clusterNeeds.withProducts')}</span></div>
          </div>
          <div className="two-columns">
            <section className="panel" aria-labelledby="cn-sector">
              <h2 id="cn-sector">{t('clusterNeeds.bySector')}</h2>
              <SectorChart sectors={o.by_sector} />
            </section>
            <section className="panel" aria-labelledby="cn-time">
              <h2 id="cn-time">{t('clusterNeeds.timeToResponse')}</h2>
              <ResponseTimeChart days={ttfr.values_days} />
              {Object.keys(o.outcomes).length > 0 && (
                <>
                  <h3 className="small-heading">{t('clusterNeeds.outcomes')}</h3>
                  <ul className="badges">
                    {Object.entries(o.outcomes).map(([k, v]) => <li key={k} className="badge">{t('outcome.' + k)} : {v}</li>)}
                  </ul>
                </>
              )}
            </section>
          </div>
          <section className="panel" aria-labelledby="cn-flow">
            <h2 id="cn-flow">{t('clusterNeeds.flow')}</h2>
            <FlowChart flow={o.flow} />
            <h3 className="small-heading">{t('clusterNeeds.flowTable')}</h3>
            <div className="table-wrap">
              <table className="flow-table">
                <thead>
                  <tr>
                    <th scope="col">{t('clusterNeeds.need')}</th>
                    <th scope="col">{t('clusterNeeds.responses')}</th>
                    <th scope="col">{t('clusterNeeds.projectsCol')}</th>
                    <th scope="col">{t('clusterNeeds.productsCol')}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.flow.map((n) => (
                    <tr key={n.need} data-need={n.need}>
                      <th scope="row"><Link to={`/needs/${n.need}`}>{n.need}</Link> {n.title} <span className="muted">· {t('needStatus.' + n.status)}</span></th>
                      <td className="num">{n.responses}</td>
                      <td>{n.projects.map((p) => `${p.start_up.name} (${t('projectStage.' + p.stage)}, TRL ${p.trl})`).join(' ; ') || '—'}</td>
                      <td>{n.projects.flatMap((p) => p.products).map((pr) => pr.name).join(' ; ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
