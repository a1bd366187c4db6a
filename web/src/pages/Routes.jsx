// Synthesis routes and their green metrics.
//   /routes               the routes the caller may see; pick two or more to compare
//   /routes/new, /routes/{id}/edit   the route editor (RouteEditor.jsx)
//   /routes/{id}          one route: route metrics per kg of final product, traffic lights,
//                         the twelve principles; every step's scheme, components with their
//                         amounts, conditions and work-up (GET /api/routes/{id},
//                         GET /api/routes/{id}/metrics); validate, publish, edit (a draft) or
//                         start a new version (POST /api/routes/{id}/versions), retire
//   /routes/compare?ids=  routes side by side (GET /api/routes/compare)
// Metrics are described by the API itself (name, unit, definition): nothing is computed here.
import { useState } from 'react';
import { api, isMissingEndpoint } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { messages } from '../messages.js';
import { Link, useQuery, useRouter } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ConfirmButton, Empty, ErrorMessage, humanize, Loading, PageHeader, SortHeader, TableFoot, useLoad, useTable, VisibilityBadge } from '../components/ui.jsx';
import { ExportLinks } from '../components/Exports.jsx';
import { solventLabel, useSolvents } from '../solvents.js';
import { History } from '../components/History.jsx';
import { VisibilityControl } from '../components/Visibility.jsx';

// The headline metrics shown on cards and in the editor, in this order, when present.
const HEADLINE = ['atom_economy', 'yield', 'reaction_mass_efficiency', 'pmi', 'e_factor_complete', 'overall_yield', 'renewable_input_share'];

export function TrafficLight({ flag, label }) {
  const { t } = useI18n();
  return (
    <span className={'light light-' + flag} title={label ? `${label}: ${t('flag.light.' + flag)}` : t('flag.light.' + flag)}>
      <span className="dot" aria-hidden="true" />
      {label && <span className="light-label">{label}</span>}
      <span className="visually-hidden"> {t('flag.light.' + flag)}</span>
    </span>
  );
}

// A CHEM21 criterion's name in the interface language (the server's key otherwise).
export function criterionName(t, criterion) {
  return messages['light.' + criterion] ? t('light.' + criterion) : criterion;
}

export function TrafficLights({ lights }) {
  const { t } = useI18n();
  if (!lights || !lights.length) return null;
  return (
    <ul className="lights">
      {lights.map((l, i) => (
        <li key={l.criterion + i} title={l.rule || l.basis || ''} data-criterion={l.criterion}>
          <TrafficLight flag={l.flag} label={criterionName(t, l.criterion)} />
        </li>
      ))}
    </ul>
  );
}

// A metric's name in the interface language; the server's own name for a metric the
// interface does not know yet.
export function metricName(t, key, serverName) {
  return messages['metric.' + key] ? t('metric.' + key) : serverName;
}

// The metrics object of an analysis: {key: {name, value, unit, definition, missing?}}.
export function MetricsTable({ metrics, only }) {
  const { formatNumber, t } = useI18n();
  if (!metrics) return null;
  const keys = only ? only.filter((k) => metrics[k]) : Object.keys(metrics);
  return (
    <table className="metrics">
      <tbody>
        {keys.map((k) => {
          const m = metrics[k];
          return (
            <tr key={k} data-metric={k}>
              <th scope="row" title={m.definition}>{metricName(t, k, m.name)}</th>
              <td className="num">
                {m.value === null || m.value === undefined ? <span className="muted" title={m.missing || ''}>{/^does not apply/.test(m.missing || '') ? t('metrics.notApplicable') : t('metrics.missing')}</span> : formatNumber(m.value, 2)}
                {m.value !== null && m.value !== undefined && m.unit ? ' ' + m.unit : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// What the owning start-up (or an administrator) may do to a route.
function canChange(user, route) {
  return !!user && (user.role === 'admin' || (canRegister(user) && user.start_up === route.start_up));
}

// Validating a draft route (PATCH {status: "validated"}): the server checks that the route is
// complete and makes its target; its refusal is shown in the dialog.
function RouteActions({ route, onChanged }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { navigate } = useRouter();
  const [error, setError] = useState(null);
  if (!canChange(user, route) || route.status === 'retired') return null;
  return (
    <div className="route-actions-buttons">
      {route.status === 'draft' && (
        <>
          <Link to={`/routes/${route.id}/edit`} className="button secondary">{t('route.edit')}</Link>
          <ConfirmButton title={t('route.validateTitle')} message={t('route.validateWhat')} confirmLabel={t('route.validate')}
            onConfirm={async () => {
              await api.patch(`/api/routes/${route.id}`, { status: 'validated' });
              onChanged();
            }}>
            {t('route.validate')}
          </ConfirmButton>
        </>
      )}
      {route.status === 'validated' && (
        <button type="button" className="secondary" onClick={async () => {
          setError(null);
          try {
            const next = await api.post(`/api/routes/${route.id}/versions`, {});
            navigate(`/routes/${next.id}/edit`);
          } catch (e) {
            setError(e);
          }
        }}>
          {t('route.newVersion')}
        </button>
      )}
      <ConfirmButton className="secondary" danger title={t('route.retireTitle')} message={t('route.retireWhat')} reason
        confirmLabel={t('common.retire')} onConfirm={async (reason) => {
          await api.post(`/api/routes/${route.id}/retire`, { reason });
          onChanged();
        }}>
        {t('common.retire')}
      </ConfirmButton>
      <ErrorMessage error={error} />
    </div>
  );
}

// A saved step's reaction scheme, drawn by the server (GET /api/routes/{id}/steps/{n}/
// depiction.svg, for anyone who may see the route); the species by formula if it cannot be.
export function ReactionScheme({ routeId, step }) {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  const label = t('route.schemeOf', { reaction: step.reaction_smiles || step.canonical_reaction_smiles });
  if (!failed) {
    return (
      <div className="scheme">
        <img className="depiction scheme-depiction" alt={label} width={720} height={200} loading="lazy"
          src={`/api/routes/${encodeURIComponent(routeId)}/steps/${step.number}/depiction.svg?width=720&height=200`}
          onError={() => setFailed(true)} />
      </div>
    );
  }
  const side = (name) => (step.components || []).filter((c) => c.side === name).map((c) => c.formula || c.smiles).join(' + ');
  const agents = (step.components || []).filter((c) => c.side === 'agent');
  return (
    <div className="scheme" role="img" aria-label={label}>
      <div className="scheme-side mono">{side('reactant')}</div>
      <div className="scheme-arrow">
        <span className="small">{agents.map((c) => c.name || c.formula || c.smiles).join(', ')}</span>
        <span aria-hidden="true">⟶</span>
      </div>
      <div className="scheme-side mono">{side('product')}</div>
    </div>
  );
}

function StepDetails({ routeId, step, analysis }) {
  const { t, formatNumber, lang } = useI18n();
  useSolvents();
  const c = step.conditions || {};
  const conditions = [
    c.temperature_c !== undefined && c.temperature_c !== null && `${formatNumber(c.temperature_c, 1)} °C`,
    c.time_h !== undefined && c.time_h !== null && `${formatNumber(c.time_h, 2)} h`,
    c.pressure_bar !== undefined && c.pressure_bar !== null && `${formatNumber(c.pressure_bar, 2)} bar`,
    c.atmosphere,
    c.mode && t('route.mode.' + c.mode),
  ].filter(Boolean);
  const byPosition = new Map((analysis ? analysis.components : []).map((x) => [x.smiles + '|' + x.side, x]));
  return (
    <>
      <ReactionScheme routeId={routeId} step={step} />
      <div className="table-wrap">
        <table className="components">
          <caption className="visually-hidden">{t('route.components')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('route.species')}</th>
              <th scope="col">{t('route.role')}</th>
              <th scope="col" className="num">{t('route.molarMass')}</th>
              <th scope="col" className="num">{t('batch.amount')}</th>
              <th scope="col" className="num">mmol</th>
              <th scope="col" className="num">{t('route.equivalents')}</th>
              <th scope="col">{t('route.origin')}</th>
            </tr>
          </thead>
          <tbody>
            {(step.components || []).map((comp, i) => {
              const a = byPosition.get(comp.smiles + '|' + comp.side) || {};
              const solvent = a.solvent ? solventLabel(lang, a.solvent.name) : null;
              return (
                <tr key={i} data-role={comp.role}>
                  <th scope="row">
                    {comp.name || solvent || comp.formula || comp.smiles}
                    {comp.from_step && <span className="muted small"> · {t('route.fromStepN', { n: comp.from_step })}</span>}
                    {comp.compound && <> · <Link to={`/compounds/${comp.compound}`}>{comp.compound}</Link></>}
                  </th>
                  <td>{t('role.component.' + comp.role)}</td>
                  <td className="num">{comp.molar_mass ? formatNumber(comp.molar_mass, 2) : '—'}</td>
                  <td className="num">{comp.amount ? `${formatNumber(comp.amount.value, 4)} ${comp.amount.unit.replace('u', 'µ')}` : '—'}</td>
                  <td className="num">{a.mmol !== undefined && a.mmol !== null ? formatNumber(a.mmol, 1) : '—'}</td>
                  <td className="num">{a.equivalents !== undefined && a.equivalents !== null ? formatNumber(a.equivalents, 2) : '—'}</td>
                  <td>{comp.origin ? t('origin.' + comp.origin) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <dl className="definitions compact step-facts">
        <dt>{t('route.yield')}</dt>
        <dd>{step.isolated_yield !== null && step.isolated_yield !== undefined ? `${formatNumber(step.isolated_yield, 1)} %` : '—'}</dd>
        <dt>{t('route.conditions')}</dt>
        <dd>{conditions.length ? conditions.join(' · ') : '—'}</dd>
        <dt>{t('route.workup')}</dt>
        <dd>{(step.workup || []).filter(Boolean).length ? step.workup.filter(Boolean).map((w) => (messages['workup.' + w] ? t('workup.' + w) : w)).join(', ') : '—'}</dd>
        {step.notes && (
          <>
            <dt>{t('route.notes')}</dt>
            <dd>{step.notes}</dd>
          </>
        )}
      </dl>
    </>
  );
}

export function RoutePage({ id }) {
  const { t, formatDate } = useI18n();
  const startUps = useStartUps();
  const [version, setVersion] = useState(0);
  const route = useLoad((signal) => api.get(`/api/routes/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);
  const metrics = useLoad((signal) => api.get(`/api/routes/${encodeURIComponent(id)}/metrics`, undefined, { signal }), [id, version]);
  if (route.loading && !route.data) return <Loading />;
  if (route.error) {
    return (
      <>
        <PageHeader title={t('route.title')} />
        <ErrorMessage error={route.error} />
      </>
    );
  }
  const r = route.data;
  const m = metrics.data;
  const analysisOf = (number) => (m ? (m.steps.find((s) => s.number === number) || {}).analysis : null);
  const changed = () => setVersion((v) => v + 1);
  return (
    <>
      <PageHeader
        title={r.name}
        subtitle={`${t('route.version', { n: r.version })} · ${t('routeStatus.' + r.status)} · ${startUps.name(r.start_up)} · ${formatDate(r.created_at)}`}
        actions={<VisibilityBadge visibility={r.visibility} />}
      />
      <p>
        {t('route.target')} : <Link to={`/compounds/${r.target_compound.id}`}>{r.target_compound.id}</Link>
        {r.target_compound.formula && <> · {r.target_compound.formula}</>}
      </p>
      {r.description && <p className="lead-text">{r.description}</p>}
      <div className="route-actions">
        <RouteActions route={r} onChanged={changed} />
        <VisibilityControl key={r.visibility} record={r} path={`/api/routes/${r.id}`} onChanged={changed} />
      </div>
      <section className="panel" aria-labelledby="route-metrics">
        <h2 id="route-metrics">{t('route.metrics')}</h2>
        {metrics.loading && !m && <Loading />}
        <ErrorMessage error={metrics.error} />
        {m && (
          <>
            <p className="muted small">{t('route.basis')}</p>
            {!m.complete && m.problems.length > 0 && (
              <ul className="warnings">
                {m.problems.map((p) => <li key={p}>{humanize(p)}</li>)}
              </ul>
            )}
            <div className="metrics-grid">
              <MetricsTable metrics={m.metrics} />
              <div>
                <h3 className="small-heading">{t('route.chem21')}</h3>
                <TrafficLights lights={m.traffic_lights} />
                <h3 className="small-heading">{t('route.principles')}</h3>
                <ul className="principles">
                  {m.principles.map((p) => (
                    <li key={p.number} title={p.evidence}>
                      <TrafficLight flag={p.flag} /> {p.number}. {messages['principle.' + p.number] ? t('principle.' + p.number) : p.name}
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="route-steps">
        <h2 id="route-steps">{t('route.steps')}</h2>
        {(r.steps || []).map((s) => {
          const summary = m ? m.steps.find((x) => x.number === s.number) : null;
          return (
            <div key={s.number} className="step-summary" data-step={s.number}>
              <h3>
                {t('route.step', { n: s.number })}
                {s.name && <> — {s.name}</>}
              </h3>
              <StepDetails routeId={r.id} step={s} analysis={analysisOf(s.number)} />
              {summary && summary.ok && (
                <div className="metrics-grid">
                  <MetricsTable metrics={summary.analysis.metrics} only={HEADLINE} />
                  <TrafficLights lights={summary.analysis.traffic_lights} />
                </div>
              )}
              {summary && !summary.ok && <p className="error">{summary.error}</p>}
            </div>
          );
        })}
      </section>
      <section className="panel" aria-labelledby="route-history">
        <h2 id="route-history">{t('compound.history')}</h2>
        <History path={`/api/routes/${r.id}/history`} version={version} />
      </section>
    </>
  );
}

export function RoutesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { navigate } = useRouter();
  const startUps = useStartUps();
  const [chosen, setChosen] = useState([]);
  const routes = useLoad((signal) => api.get('/api/routes', { page_size: 500 }, { signal }), []);
  const table = useTable(routes.data ? routes.data.items : [], {
    name: (r) => r.name,
    target: (r) => r.target_compound.id,
    version: (r) => r.version,
    status: (r) => t('routeStatus.' + r.status),
    startUp: (r) => startUps.name(r.start_up),
  });
  return (
    <>
      <PageHeader
        title={t('route.list')}
        subtitle={t('route.listSubtitle')}
        actions={canRegister(user) && <Link to="/routes/new" className="button">{t('route.new')}</Link>}
      />
      <ExportLinks kind="routes" startUp={user && user.start_up} />
      {routes.loading && !routes.data && <Loading />}
      <ErrorMessage error={routes.error} />
      {routes.data && routes.data.items.length === 0 && <Empty>{t('route.none')}</Empty>}
      {routes.data && routes.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col"><span className="visually-hidden">{t('route.compareChoose')}</span></th>
                  <SortHeader table={table} column="name">{t('route.name')}</SortHeader>
                  <SortHeader table={table} column="target">{t('route.target')}</SortHeader>
                  <SortHeader table={table} column="version">{t('route.versionShort')}</SortHeader>
                  <SortHeader table={table} column="status">{t('startUp.status')}</SortHeader>
                  <SortHeader table={table} column="startUp">{t('user.startUp')}</SortHeader>
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <input type="checkbox" aria-label={t('route.compareOne', { name: r.name })} checked={chosen.includes(r.id)}
                        onChange={(e) => setChosen(e.target.checked ? [...chosen, r.id] : chosen.filter((x) => x !== r.id))} />
                    </td>
                    <th scope="row"><Link to={`/routes/${r.id}`}>{r.name}</Link></th>
                    <td><Link to={`/compounds/${r.target_compound.id}`}>{r.target_compound.id}</Link></td>
                    <td>{r.version}</td>
                    <td>{t('routeStatus.' + r.status)}</td>
                    <td>{startUps.name(r.start_up)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <TableFoot table={table} />
          <button type="button" disabled={chosen.length < 2} onClick={() => navigate('/routes/compare?ids=' + chosen.join(','))}>
            {t('route.compare', { n: chosen.length })}
          </button>
        </>
      )}
    </>
  );
}

export function RouteComparePage() {
  const { t, formatNumber } = useI18n();
  const query = useQuery();
  const ids = query.get('ids') || '';
  const data = useLoad((signal) => api.get('/api/routes/compare', { ids }, { signal }), [ids]);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) {
    return (
      <>
        <PageHeader title={t('route.compareTitle')} />
        <ErrorMessage error={data.error} />
      </>
    );
  }
  const d = data.data;
  return (
    <>
      <PageHeader title={t('route.compareTitle')} subtitle={d.basis} />
      <div className="table-wrap">
        <table className="compare">
          <thead>
            <tr>
              <th scope="col">{t('route.metric')}</th>
              {d.routes.map((r) => (
                <th key={r.id} scope="col">
                  <Link to={`/routes/${r.id}`}>{r.name}</Link>
                  <div className="muted small">{t('route.version', { n: r.version })} · {t('route.stepCount', { n: r.step_count })}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.metrics.map((m) => (
              <tr key={m.key} data-metric={m.key}>
                <th scope="row" title={m.definition}>
                  {metricName(t, m.key, m.name)} <span className="muted small">({t(m.better === 'higher' ? 'route.higherBetter' : 'route.lowerBetter')})</span>
                </th>
                {m.values.map((v, i) => {
                  const best = m.best.includes(d.routes[i].id) && d.routes.length > 1;
                  return (
                    <td key={i} className={'num' + (best ? ' best' : '')}>
                      {v === null ? '—' : `${formatNumber(v, 2)}${m.unit ? ' ' + m.unit : ''}`}
                      {best && <span className="visually-hidden"> ({t('route.best')})</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
            {d.traffic_lights.map((l) => (
              <tr key={'l-' + l.criterion} data-criterion={l.criterion}>
                <th scope="row">{criterionName(t, l.criterion)}</th>
                {l.flags.map((f, i) => (
                  <td key={i}><TrafficLight flag={f} /></td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

// Routes that make a compound (GET /api/compounds/{id}/routes), for the compound page.
export function CompoundRoutes({ compound }) {
  const { t } = useI18n();
  const { user } = useSession();
  const routes = useLoad((signal) => api.get(`/api/compounds/${compound}/routes`, undefined, { signal }), [compound]);
  if (isMissingEndpoint(routes.error)) return null;
  return (
    <section className="panel" aria-labelledby="compound-routes">
      <h2 id="compound-routes">{t('compound.routes')}</h2>
      {routes.loading && !routes.data && <Loading />}
      <ErrorMessage error={routes.error} />
      {routes.data && routes.data.items.length === 0 && <Empty>{t('route.noneForCompound')}</Empty>}
      {routes.data && routes.data.items.length > 0 && (
        <ul>
          {routes.data.items.map((r) => (
            <li key={r.id}>
              <Link to={`/routes/${r.id}`}>{r.name}</Link> <span className="muted small">{t('route.version', { n: r.version })} · {t('routeStatus.' + r.status)}</span>
            </li>
          ))}
        </ul>
      )}
      {canRegister(user) && <Link to={`/routes/new?target=${compound}`} className="button small secondary">{t('route.newFor')}</Link>}
    </section>
  );
}
