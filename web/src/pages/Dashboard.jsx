// A start-up's dashboard: its figures, its products by stage with overdue milestones, its
// team's compounds and shortcuts. Administrators (who belong to no start-up) pick one.
// GET /api/start-ups, GET /api/compounds?start_up=, GET /api/overview/start-ups/{id}.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, Pager, useLoad } from '../components/ui.jsx';
import { CompoundCard } from './Catalogue.jsx';
import { stageName } from './Products.jsx';
import { ExportLinks } from '../components/Exports.jsx';

const PAGE_SIZE = 8;

// Products by stage and overdue milestones (GET /api/overview/start-ups/{id}).
function PipelineSummary({ startUpId }) {
  const { t, formatDate } = useI18n();
  const overview = useLoad((signal) => api.get(`/api/overview/start-ups/${startUpId}`, undefined, { signal }), [startUpId]);
  if (overview.loading && !overview.data) return <Loading />;
  if (overview.error) return <ErrorMessage error={overview.error} />;
  const o = overview.data;
  return (
    <section className="panel" aria-labelledby="dash-pipeline">
      <h2 id="dash-pipeline">{t('dashboard.pipeline')}</h2>
      {o.products === 0 && <Empty>{t('pipeline.empty')}</Empty>}
      {o.products > 0 && (
        <ol className="stage-counts">
          {o.by_stage.map((g) => (
            <li key={g.key} data-stage={g.key}>
              <strong>{g.count}</strong> {stageName(t, g.key, g.name)}
              {g.products.length > 0 && (
                <span className="small"> — {g.products.map((p, i) => (
                  <span key={p.id}>{i > 0 && ', '}<Link to={`/products/${p.id}`}>{p.name}</Link></span>
                ))}</span>
              )}
            </li>
          ))}
        </ol>
      )}
      {o.overdue.length > 0 && (
        <>
          <h3 className="small-heading">{t('dashboard.overdue')}</h3>
          <ul className="warnings">
            {o.overdue.map((m, i) => (
              <li key={i}>
                <Link to={`/products/${m.product.id}`}>{m.product.name}</Link> — {stageName(t, m.stage, m.stage_name)} :{' '}
                {t('dashboard.overdueLine', { date: formatDate(m.planned_date), n: m.days_overdue })}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="small">
        <Link to="/products">{t('overview.toPipeline')}</Link> · <Link to="/routes">{t('nav.routes')}</Link> ·{' '}
        <Link to="/inquiries">{t('inquiry.list')}</Link> · <Link to="/import">{t('nav.import')}</Link>
      </p>
    </section>
  );
}

export function DashboardPage() {
  const { t, formatDate } = useI18n();
  const { user, loading } = useSession();
  const startUps = useStartUps();
  const [chosen, setChosen] = useState('');
  const [page, setPage] = useState(0);
  const startUpId = user && user.start_up ? user.start_up : chosen ? Number(chosen) : null;
  const startUp = startUps.items.find((s) => s.id === startUpId);
  const compounds = useLoad(
    (signal) =>
      startUpId
        ? api.get('/api/compounds', { start_up: startUpId, page, page_size: PAGE_SIZE }, { signal })
        : Promise.resolve(null),
    [startUpId, page],
  );

  if (loading) return <Loading />;
  if (!user) {
    return (
      <>
        <PageHeader title={t('dashboard.title')} />
        <p>
          <Link to="/login?next=/dashboard">{t('common.signInFirst')}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={startUp ? startUp.name : t('dashboard.title')}
        subtitle={startUp ? `${t('sector.' + startUp.sector)} · ${t('startUpStatus.' + startUp.status)}` : t('dashboard.subtitle')}
        actions={
          canRegister(user) && (
            <Link to="/register" className="button">
              {t('dashboard.registerCompound')}
            </Link>
          )
        }
      />
      {!user.start_up && (
        <Field label={t('dashboard.chooseStartUp')} as="select" value={chosen} onChange={(e) => { setChosen(e.target.value); setPage(0); }}>
          <option value="">—</option>
          {startUps.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Field>
      )}
      {startUp && (
        <section className="summary-row" aria-label={t('dashboard.figures')}>
          <div className="figure">
            <span className="figure-value">{compounds.data ? compounds.data.total : '…'}</span>
            <span className="figure-label">{t('dashboard.compounds')}</span>
          </div>
          <div className="figure">
            <span className="figure-value">{startUp.member_count}</span>
            <span className="figure-label">{t('dashboard.members')}</span>
          </div>
          <div className="figure">
            <span className="figure-value small">{formatDate(startUp.created_at)}</span>
            <span className="figure-label">{t('dashboard.since')}</span>
          </div>
        </section>
      )}
      {startUp && startUp.description && <p className="lead-text">{startUp.description}</p>}
      {startUpId && <PipelineSummary startUpId={startUpId} />}
      {startUpId && (
        <section aria-labelledby="dash-compounds">
          <div className="section-head">
            <h2 id="dash-compounds">{t('dashboard.latestCompounds')}</h2>
            <ExportLinks kind="compounds" startUp={startUpId} />
          </div>
          {compounds.loading && <Loading />}
          <ErrorMessage error={compounds.error} />
          {compounds.data && compounds.data.items.length === 0 && <Empty>{t('dashboard.noCompounds')}</Empty>}
          {compounds.data && (
            <>
              <div className="card-grid">
                {compounds.data.items.map((c) => (
                  <CompoundCard key={c.id} compound={c} />
                ))}
              </div>
              <Pager page={page} pageSize={PAGE_SIZE} total={compounds.data.total} onPage={setPage} />
            </>
          )}
        </section>
      )}
    </>
  );
}
