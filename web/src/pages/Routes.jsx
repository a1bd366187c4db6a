// Synthesis routes and their green metrics.
//   /routes               the routes the caller may see; pick two or more to compare
//   /routes/new           the route editor: target compound, steps with their components;
//                         each step's metrics and CHEM21 traffic lights are computed live
//                         (POST /api/reactions/metrics) while typing; saving is POST /api/routes
//   /routes/{id}          one route: route metrics per kg of final product, traffic lights,
//                         the twelve principles, each step's analysis (GET /api/routes/{id},
//                         GET /api/routes/{id}/metrics)
//   /routes/compare?ids=  routes side by side (GET /api/routes/compare)
// Metrics are described by the API itself (name, unit, definition): nothing is computed here.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, isMissingEndpoint } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { messages } from '../messages.js';
import { Link, useQuery, useRouter } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad, VisibilityBadge } from '../components/ui.jsx';
import { VisibilityControl } from '../components/Visibility.jsx';

const ROLES = ['reactant', 'reagent', 'catalyst', 'solvent', 'product', 'by-product'];
const ORIGINS = ['', 'fossil', 'bio-based', 'waste-derived'];
const UNITS = ['mg', 'g', 'kg', 't', 'uL', 'mL', 'L', 'm3', 'umol', 'mmol', 'mol'];
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
                {m.value === null || m.value === undefined ? <span className="muted" title={m.missing || ''}>{t('metrics.missing')}</span> : formatNumber(m.value, 2)}
                {m.value !== null && m.value !== undefined && m.unit ? ' ' + m.unit : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const emptyComponent = () => ({ role: 'reactant', smiles: '', name: '', amount: '', unit: 'g', density: '', origin: '', from_step: '' });
const emptyStep = () => ({ name: '', reaction_smiles: '', isolated_yield: '', temperature_c: '', time_h: '', components: [] });

function num(v) {
  return v === '' || v === undefined || v === null ? undefined : Number(v);
}

// The step as the API reads it (readStep): empty fields are left out.
function stepBody(step) {
  const body = { reaction_smiles: step.reaction_smiles.trim() };
  if (step.name.trim()) body.name = step.name.trim();
  if (num(step.isolated_yield) !== undefined) body.isolated_yield = num(step.isolated_yield);
  const conditions = {};
  if (num(step.temperature_c) !== undefined) conditions.temperature_c = num(step.temperature_c);
  if (num(step.time_h) !== undefined) conditions.time_h = num(step.time_h);
  if (Object.keys(conditions).length) body.conditions = conditions;
  if (step.components.length) {
    body.components = step.components.map((c) => {
      const o = { role: c.role };
      if (c.smiles.trim()) o.smiles = c.smiles.trim();
      if (c.name.trim()) o.name = c.name.trim();
      if (num(c.amount) !== undefined) {
        o.amount = num(c.amount);
        o.unit = c.unit;
      }
      if (num(c.density) !== undefined) o.density = num(c.density);
      if (c.origin) o.origin = c.origin;
      if (c.from_step) o.from_step = Number(c.from_step);
      return o;
    });
  }
  return body;
}

// The error of a field of step i: from the live preview ("components[0].amount") or from
// saving ("steps[1].components[0].amount").
function stepFieldError(preview, saveError, i, field) {
  if (preview instanceof ApiError && preview.field === field) return preview;
  if (saveError instanceof ApiError && saveError.field === `steps[${i}].${field}`) return saveError;
  return null;
}

function StepEditor({ index, step, onChange, onRemove, saveError }) {
  const { t } = useI18n();
  const [analysis, setAnalysis] = useState({ busy: false, data: null, error: null });
  const seq = useRef(0);
  const body = JSON.stringify(stepBody(step));

  useEffect(() => {
    if (!step.reaction_smiles.trim()) {
      setAnalysis({ busy: false, data: null, error: null });
      return undefined;
    }
    const mine = ++seq.current;
    setAnalysis((a) => ({ ...a, busy: true }));
    const timer = setTimeout(async () => {
      try {
        const data = await api.post('/api/reactions/metrics', JSON.parse(body));
        if (mine === seq.current) setAnalysis({ busy: false, data, error: null });
      } catch (e) {
        if (mine === seq.current) setAnalysis({ busy: false, data: null, error: e });
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [body]);

  const set = (name) => (e) => onChange({ ...step, [name]: e.target.value });
  const setComponent = (j, name) => (e) => {
    const components = step.components.map((c, k) => (k === j ? { ...c, [name]: e.target.value } : c));
    onChange({ ...step, components });
  };
  const err = (field) => stepFieldError(analysis.error, saveError, index, field);
  const known = (e) => e instanceof ApiError && (e.field === 'reaction_smiles' || /^components\[/.test(e.field || ''));

  return (
    <fieldset className="panel step" data-step={index + 1}>
      <legend>{t('route.step', { n: index + 1 })}</legend>
      <div className="step-grid">
        <div>
          <div className="form-row">
            <Field className="grow" label={t('route.stepName')} value={step.name} onChange={set('name')} error={err('name')} />
            <Field label={t('route.yield')} type="number" min="0" max="100" step="any" value={step.isolated_yield}
              onChange={set('isolated_yield')} error={err('isolated_yield')} />
          </div>
          <Field label={t('route.reactionSmiles', { n: index + 1 })} className="mono-input" value={step.reaction_smiles}
            onChange={set('reaction_smiles')} error={err('reaction_smiles')} hint={t('route.reactionHint')} spellCheck={false} />
          <div className="form-row">
            <Field label={t('route.temperature')} type="number" step="any" value={step.temperature_c} onChange={set('temperature_c')}
              error={err('conditions.temperature_c')} />
            <Field label={t('route.time')} type="number" min="0" step="any" value={step.time_h} onChange={set('time_h')}
              error={err('conditions.time_h')} />
          </div>
          <h3 className="small-heading">{t('route.components')}</h3>
          {step.components.length === 0 && <p className="muted small">{t('route.noComponents')}</p>}
          {step.components.map((c, j) => {
            const f = (name) => err(`components[${j}].${name}`);
            return (
              <div key={j} className="component-row" data-component={j}>
                <Field label={t('route.role')} as="select" value={c.role} onChange={setComponent(j, 'role')} error={f('role')}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>{t('role.component.' + r)}</option>
                  ))}
                </Field>
                <Field label={t('route.componentSmiles')} className="mono-input" value={c.smiles} onChange={setComponent(j, 'smiles')}
                  error={f('smiles')} spellCheck={false} />
                <Field label={t('route.componentName')} value={c.name} onChange={setComponent(j, 'name')} error={f('name')} />
                <Field label={t('batch.amount')} type="number" min="0" step="any" value={c.amount} onChange={setComponent(j, 'amount')}
                  error={f('amount')} />
                <Field label={t('batch.unit')} as="select" value={c.unit} onChange={setComponent(j, 'unit')} error={f('unit')}>
                  {UNITS.map((u) => (
                    <option key={u} value={u}>{u.replace('u', 'µ')}</option>
                  ))}
                </Field>
                {/^(mL|uL|L|m3)$/.test(c.unit) && (
                  <Field label={t('route.density')} type="number" min="0" step="any" value={c.density} onChange={setComponent(j, 'density')}
                    error={f('density')} />
                )}
                <Field label={t('route.origin')} as="select" value={c.origin} onChange={setComponent(j, 'origin')} error={f('origin')}>
                  {ORIGINS.map((o) => (
                    <option key={o} value={o}>{t('origin.' + (o || 'unknown'))}</option>
                  ))}
                </Field>
                {index > 0 && (
                  <Field label={t('route.fromStep')} as="select" value={c.from_step} onChange={setComponent(j, 'from_step')} error={f('from_step')}>
                    <option value="">—</option>
                    {Array.from({ length: index }, (_, k) => (
                      <option key={k + 1} value={String(k + 1)}>{t('route.step', { n: k + 1 })}</option>
                    ))}
                  </Field>
                )}
                <button type="button" className="small secondary remove" aria-label={t('route.removeComponent', { n: j + 1 })}
                  onClick={() => onChange({ ...step, components: step.components.filter((_, k) => k !== j) })}>
                  ×
                </button>
              </div>
            );
          })}
          <div className="form-actions">
            <button type="button" className="small secondary" onClick={() => onChange({ ...step, components: [...step.components, emptyComponent()] })}>
              + {t('route.addComponent')}
            </button>
            {onRemove && (
              <button type="button" className="small secondary" onClick={onRemove}>
                {t('route.removeStep')}
              </button>
            )}
          </div>
        </div>
        <aside className="live-metrics" aria-live="polite" aria-label={t('route.liveMetrics', { n: index + 1 })} data-testid={'metrics-' + (index + 1)}>
          <h3 className="small-heading">{t('route.liveMetrics', { n: index + 1 })}</h3>
          {!step.reaction_smiles.trim() && <p className="muted small">{t('route.metricsPrompt')}</p>}
          {analysis.busy && <p className="muted small" role="status">{t('register.checking')}</p>}
          {analysis.error && !known(analysis.error) && <ErrorMessage error={analysis.error} />}
          {analysis.data && (
            <>
              <MetricsTable metrics={analysis.data.metrics} only={HEADLINE} />
              <TrafficLights lights={analysis.data.traffic_lights} />
              {analysis.data.balance && !analysis.data.balance.balanced && (
                <p className="warning small">{analysis.data.balance.summary}</p>
              )}
              {analysis.data.warnings.length > 0 && (
                <ul className="warnings">
                  {analysis.data.warnings.map((w) => <li key={w}>{w}</li>)}
                </ul>
              )}
            </>
          )}
        </aside>
      </div>
    </fieldset>
  );
}

export function RouteEditorPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const query = useQuery();
  const { navigate } = useRouter();
  const [target, setTarget] = useState(query.get('target') || '');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [steps, setSteps] = useState([emptyStep()]);
  const [busy, setBusy] = useState(false);
  const { error, setError, fieldError } = useFormError();

  if (loading) return <Loading />;
  if (!canRegister(user)) {
    return (
      <>
        <PageHeader title={t('route.new')} />
        <p><Link to="/login?next=/routes/new">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  const stepError = error instanceof ApiError && /^steps(\[|$)/.test(error.field || '') ? error : null;
  const topError = error && !(error instanceof ApiError && ['target_compound', 'name', 'description'].includes(error.field)) ? error : null;

  return (
    <>
      <PageHeader title={t('route.new')} subtitle={t('route.newSubtitle')} />
      <form
        className="form route-editor"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const body = { target_compound: target.trim().toUpperCase(), name: name.trim(), steps: steps.map(stepBody) };
            if (description.trim()) body.description = description.trim();
            const route = await api.post('/api/routes', body);
            navigate(`/routes/${route.id}`);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="form-row">
          <Field label={t('route.target')} value={target} onChange={(e) => setTarget(e.target.value)} error={fieldError('target_compound')}
            hint={t('route.targetHint')} required />
          <Field className="grow" label={t('route.name')} value={name} onChange={(e) => setName(e.target.value)} error={fieldError('name')} required />
        </div>
        <Field label={t('route.description')} as="textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)}
          error={fieldError('description')} />
        {steps.map((s, i) => (
          <StepEditor
            key={i}
            index={i}
            step={s}
            saveError={stepError}
            onChange={(next) => setSteps(steps.map((x, k) => (k === i ? next : x)))}
            onRemove={steps.length > 1 ? () => setSteps(steps.filter((_, k) => k !== i)) : null}
          />
        ))}
        <div className="form-actions">
          <button type="button" className="secondary" onClick={() => setSteps([...steps, emptyStep()])}>
            + {t('route.addStep')}
          </button>
          <button type="submit" disabled={busy}>{busy ? t('register.saving') : t('route.save')}</button>
        </div>
        <ErrorMessage error={topError} />
      </form>
    </>
  );
}

// Validating a draft route (PATCH {status: "validated"}): the server checks that the route is
// complete and makes its target; its refusal is shown as is.
function ValidateButton({ route, onChanged }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (route.status !== 'draft' || !user || !(user.role === 'admin' || (canRegister(user) && user.start_up === route.start_up))) return null;
  return (
    <div className="route-validate">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await api.patch(`/api/routes/${route.id}`, { status: 'validated' });
            onChanged();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('route.validate')}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}

export function RoutePage({ id }) {
  const { t, formatDate } = useI18n();
  const startUps = useStartUps();
  const [version, setVersion] = useState(0);
  const route = useLoad((signal) => api.get(`/api/routes/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);
  const metrics = useLoad((signal) => api.get(`/api/routes/${encodeURIComponent(id)}/metrics`, undefined, { signal }), [id]);
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
        <ValidateButton route={r} onChanged={() => setVersion((v) => v + 1)} />
        <VisibilityControl key={r.visibility} record={r} path={`/api/routes/${r.id}`} onChanged={() => setVersion((v) => v + 1)} />
      </div>
      <section className="panel" aria-labelledby="route-metrics">
        <h2 id="route-metrics">{t('route.metrics')}</h2>
        {metrics.loading && !m && <Loading />}
        <ErrorMessage error={metrics.error} />
        {m && (
          <>
            <p className="muted small">{m.basis}</p>
            {!m.complete && m.problems.length > 0 && (
              <ul className="warnings">
                {m.problems.map((p) => <li key={p}>{p}</li>)}
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
        {(m ? m.steps : []).map((s) => (
          <div key={s.number} className="step-summary" data-step={s.number}>
            <h3>
              {t('route.step', { n: s.number })}
              {s.name && <> — {s.name}</>}
            </h3>
            {s.ok ? (
              <>
                <p className="mono small">{s.analysis.reaction_smiles}</p>
                <div className="metrics-grid">
                  <MetricsTable metrics={s.analysis.metrics} only={HEADLINE} />
                  <TrafficLights lights={s.analysis.traffic_lights} />
                </div>
              </>
            ) : (
              <p className="error">{s.error}</p>
            )}
          </div>
        ))}
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
  const routes = useLoad((signal) => api.get('/api/routes', { page_size: 100 }, { signal }), []);
  return (
    <>
      <PageHeader
        title={t('route.list')}
        subtitle={t('route.listSubtitle')}
        actions={canRegister(user) && <Link to="/routes/new" className="button">{t('route.new')}</Link>}
      />
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
                  <th scope="col">{t('route.name')}</th>
                  <th scope="col">{t('route.target')}</th>
                  <th scope="col">{t('route.versionShort')}</th>
                  <th scope="col">{t('startUp.status')}</th>
                  <th scope="col">{t('user.startUp')}</th>
                </tr>
              </thead>
              <tbody>
                {routes.data.items.map((r) => (
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
