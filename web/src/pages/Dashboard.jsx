// A start-up's dashboard: its team's latest compounds and shortcuts. Administrators (who
// belong to no start-up) pick one. GET /api/start-ups, GET /api/compounds?start_up=.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, Pager, useLoad } from '../components/ui.jsx';
import { CompoundCard } from './Catalogue.jsx';

const PAGE_SIZE = 8;

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
      {startUpId && (
        <section aria-labelledby="dash-compounds">
          <h2 id="dash-compounds">{t('dashboard.latestCompounds')}</h2>
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
