// The needs board.
//   /needs        the needs the visitor may see (GET /api/needs): a partner's own first, a
//                 start-up's with "only those our records match" (matching=true)
//   /needs/{id}   one need (GET /api/needs/{id}) with its matches for the caller
//                 (GET /api/needs/{id}/matches): the partner sees public records, a start-up
//                 its own (private included), never another start-up's; the partner's
//                 responses, projects and closing; the start-up's response form and projects.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useRouter } from '../router.jsx';
import { isAdmin, useSession } from '../session.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad } from '../components/ui.jsx';
import {
  companyOf, DISCLOSURES, FUNCTIONS, MatchList, NeedBadges, OUTCOMES, PROJECT_STAGES, PropertiesTable, SECTORS,
  SHARE_KINDS,
} from './needsCommon.jsx';

function NeedCard({ need }) {
  const { t, formatDate } = useI18n();
  return (
    <li className="need-card" data-need={need.id}>
      <h2 className="need-card-title">
        <Link to={`/needs/${need.id}`}>{need.title}</Link>
      </h2>
      <p className="small muted">
        {need.id} · {companyOf(t, need)}
        {need.deadline && <> · {t('needs.deadline', { date: formatDate(need.deadline) })}</>}
        {need.past_deadline && <> · <span className="warning">{t('needs.pastDeadline')}</span></>}
      </p>
      <NeedBadges need={need} />
      {need.matches && <p className="match-count">{t('needs.matchCount', { n: need.matches.count })}</p>}
    </li>
  );
}

export function NeedsPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const partner = user && user.role === 'partner';
  const startUp = user && (user.role === 'member' || user.role === 'lead');
  const [mine, setMine] = useState(true);
  const [matching, setMatching] = useState(false);
  const [sector, setSector] = useState('');
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const query = {
    sector,
    status,
    q,
    mine: partner && mine ? 'true' : undefined,
    matching: startUp && matching ? 'true' : undefined,
    page_size: 100,
  };
  const list = useLoad((signal) => (loading ? Promise.resolve(null) : api.get('/api/needs', query, { signal })),
    [loading, user && user.id, mine, matching, sector, status, q]);
  const subtitle = partner ? 'needs.subtitle.partner' : startUp ? 'needs.subtitle.startUp' : 'needs.subtitle.visitor';
  return (
    <>
      <PageHeader
        title={t('needs.title')}
        subtitle={t(subtitle)}
        actions={
          <>
            {(partner || isAdmin(user)) && <Link to="/needs/new" className="button">{t('needs.post')}</Link>}
            {isAdmin(user) && <Link to="/cluster/needs" className="button secondary">{t('needs.clusterView')}</Link>}
          </>
        }
      />
      <div className="filters form-row">
        {partner && (
          <div className="mode-tabs" role="group" aria-label={t('needs.title')}>
            <button type="button" aria-pressed={mine} onClick={() => setMine(true)}>{t('needs.mine')}</button>
            <button type="button" aria-pressed={!mine} onClick={() => setMine(false)}>{t('needs.all')}</button>
          </div>
        )}
        {startUp && (
          <label className="checkbox">
            <input type="checkbox" checked={matching} onChange={(e) => setMatching(e.target.checked)} /> {t('needs.matching')}
          </label>
        )}
        <Field label={t('needs.filterSector')} as="select" value={sector} onChange={(e) => setSector(e.target.value)}>
          <option value="">{t('needs.anySector')}</option>
          {SECTORS.map((s) => <option key={s} value={s}>{t('sector.' + s)}</option>)}
        </Field>
        {!matching && (
          <Field label={t('needs.filterStatus')} as="select" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('needs.anyStatus')}</option>
            <option value="open">{t('needStatus.open')}</option>
            <option value="closed">{t('needStatus.closed')}</option>
          </Field>
        )}
        <Field label={t('needs.search')} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {list.loading && !list.data && <Loading />}
      <ErrorMessage error={list.error} />
      {list.data && (list.data.items.length ? (
        <ul className="need-list">{list.data.items.map((n) => <NeedCard key={n.id} need={n} />)}</ul>
      ) : <Empty>{t('needs.none')}</Empty>)}
    </>
  );
}

// ---- one need ----

function StructureCriterion({ structure }) {
  const { t, formatNumber } = useI18n();
  if (!structure) return <p className="muted">{t('structureType.none')}</p>;
  return (
    <div className="structure-criterion" data-structure={structure.type}>
      <p><strong>{t('structureType.' + structure.type)}</strong>
        {structure.threshold !== null && <> · {t('need.threshold', { v: formatNumber(structure.threshold, 2) })}</>}
      </p>
      <ul className="molecules">
        {structure.molecules.map((m, i) => (
          <li key={i} className="mono">{m.smiles || (m.format === 'molfile' ? t('needForm.drawnMolecule') : m.input)}</li>
        ))}
      </ul>
    </div>
  );
}

function Matches({ need }) {
  const { t } = useI18n();
  const matches = useLoad((signal) => api.get(`/api/needs/${need.id}/matches`, undefined, { signal }), [need.id, need.updated_at]);
  return (
    <section className="panel" aria-labelledby="need-matches">
      <h2 id="need-matches">{t('need.matches')}</h2>
      {matches.data && <p className="muted small">{t('need.matches.' + matches.data.scope)}</p>}
      {matches.loading && !matches.data && <Loading />}
      <ErrorMessage error={matches.error} />
      {matches.data && <MatchList matches={matches.data} />}
    </section>
  );
}

function ResponsesTable({ need }) {
  const { t, formatDate } = useI18n();
  if (!need.responses.length) return <Empty>{t('need.responses.none')}</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('response.startUp')}</th>
            <th scope="col">{t('response.status')}</th>
            <th scope="col">{t('response.shares')}</th>
            <th scope="col">{t('response.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {need.responses.map((r) => (
            <tr key={r.id} data-response={r.id}>
              <th scope="row"><Link to={`/responses/${r.id}`}>{r.start_up.name}</Link></th>
              <td>{t('responseStatus.' + r.status)}</td>
              <td>{t('need.responses.shared', { n: r.shares.length })}</td>
              <td>{formatDate(r.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProjectsList({ need }) {
  const { t } = useI18n();
  if (!need.projects.length) return <Empty>{t('need.projects.none')}</Empty>;
  return (
    <ul className="project-list">
      {need.projects.map((p) => (
        <li key={p.id} data-project={p.id}>
          {p.view === 'full' ? (
            <>
              <Link to={`/projects/${p.id}`}>{p.title}</Link> · {p.start_up.name} · {t('projectStage.' + p.stage)} · TRL {p.trl}
              {' · '}{t('projectStatus.' + p.status)}
            </>
          ) : (
            <>
              {p.start_up ? p.start_up.name : t('need.projects.aStartUp')}
              {p.stage ? <> · {t('project.stage')} : {t('projectStage.' + p.stage)}</> : <> · {t('project.exists')}</>}
              {p.trl !== null && <> · TRL {p.trl}</>}
              {' · '}{t('projectStatus.' + p.status)}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function CloseForm({ need, onDone }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState('solution_found');
  const [response, setResponse] = useState('');
  const [note, setNote] = useState('');
  const { setError, fieldError, generalError } = useFormError();
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { status: 'closed', outcome, outcome_note: note };
      if (outcome === 'solution_found' && response) body.response = response;
      await api.patch(`/api/needs/${need.id}`, body);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="form inline-form" onSubmit={submit}>
      <ErrorMessage error={generalError(['outcome', 'response', 'outcome_note'])} />
      <div className="form-row">
        <Field label={t('need.closeWith')} as="select" value={outcome} onChange={(e) => setOutcome(e.target.value)} error={fieldError('outcome')}>
          {OUTCOMES.map((o) => <option key={o} value={o}>{t('outcome.' + o)}</option>)}
        </Field>
        {outcome === 'solution_found' && (
          <Field label={t('need.chosen')} as="select" value={response} onChange={(e) => setResponse(e.target.value)} error={fieldError('response')}>
            <option value="">{t('need.noneChosen')}</option>
            {need.responses.filter((r) => r.status !== 'withdrawn').map((r) => (
              <option key={r.id} value={r.id}>{r.start_up.name} ({r.id})</option>
            ))}
          </Field>
        )}
      </div>
      <Field label={t('need.outcomeNote')} as="textarea" rows={2} value={note} onChange={(e) => setNote(e.target.value)} error={fieldError('outcome_note')} />
      <div className="form-actions"><button type="submit">{t('need.close')}</button></div>
    </form>
  );
}

function PartnerPanel({ need, reload }) {
  const { t } = useI18n();
  const [closing, setClosing] = useState(false);
  const [error, setError] = useState(null);
  const patch = async (body) => {
    setError(null);
    try {
      await api.patch(`/api/needs/${need.id}`, body);
      reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <section className="panel" aria-labelledby="need-responses">
        <h2 id="need-responses">{t('need.responses')}</h2>
        <ResponsesTable need={need} />
      </section>
      <section className="panel" aria-labelledby="need-projects">
        <h2 id="need-projects">{t('need.projects')}</h2>
        <ProjectsList need={need} />
      </section>
      <section className="panel need-actions" aria-label={t('common.actions')}>
        <ErrorMessage error={error} />
        <p className="small">{need.company_disclosed ? t('need.companyShown') : t('need.companyHidden')}</p>
        <div className="form-actions">
          <button type="button" className="secondary" onClick={() => patch({ company_disclosed: !need.company_disclosed })}>
            {need.company_disclosed ? t('need.hide') : t('need.disclose')}
          </button>
          {need.status === 'open' && <Link to={`/needs/${need.id}/edit`} className="button secondary">{t('need.edit')}</Link>}
          {need.status === 'open' && !closing && (
            <button type="button" className="secondary" onClick={() => setClosing(true)}>{t('need.close')}</button>
          )}
          {need.status === 'closed' && (
            <button type="button" className="secondary" onClick={() => patch({ status: 'open' })}>{t('need.reopen')}</button>
          )}
        </div>
        {closing && need.status === 'open' && <CloseForm need={need} onDone={() => { setClosing(false); reload(); }} />}
      </section>
    </>
  );
}

// The start-up's answer: a summary and records shared with this partner only.
function RespondForm({ need, onDone }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const matches = useLoad((signal) => api.get(`/api/needs/${need.id}/matches`, undefined, { signal }), [need.id]);
  const [summary, setSummary] = useState('');
  const [chosen, setChosen] = useState({});
  const [extra, setExtra] = useState([]);
  const [kind, setKind] = useState('compound');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const shares = [
        ...((matches.data && matches.data.items) || []).filter((m) => chosen[m.kind + m.id]).map((m) => ({ type: m.kind, id: m.id })),
        ...extra,
      ];
      const r = await api.post(`/api/needs/${need.id}/responses`, { summary, shares });
      onDone();
      navigate(`/responses/${r.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="respond-heading">
      <h3 id="respond-heading">{t('need.respond')}</h3>
      <ErrorMessage error={generalError(['summary'])} />
      <Field label={t('need.summary')} as="textarea" rows={4} value={summary} onChange={(e) => setSummary(e.target.value)}
        error={fieldError('summary')} hint={t('need.summaryHint')} />
      {matches.data && matches.data.items.length > 0 && (
        <fieldset className="share-choices">
          <legend>{t('need.shareMatches')}</legend>
          {matches.data.items.map((m) => (
            <label key={m.kind + m.id} className="checkbox">
              <input type="checkbox" checked={!!chosen[m.kind + m.id]}
                onChange={(e) => setChosen({ ...chosen, [m.kind + m.id]: e.target.checked })} />
              {' '}{t('recordKind.' + m.kind)} {m.id} · {m.label}
            </label>
          ))}
        </fieldset>
      )}
      <fieldset className="share-other">
        <legend>{t('need.shareOther')}</legend>
        <div className="form-row">
          <Field label={t('need.shareKind')} as="select" value={kind} onChange={(e) => setKind(e.target.value)}>
            {SHARE_KINDS.map((k) => <option key={k} value={k}>{t('recordKind.' + k)}</option>)}
          </Field>
          <Field label={t('need.shareCode')} value={code} onChange={(e) => setCode(e.target.value)} />
          <button type="button" className="secondary" disabled={!code.trim()} onClick={() => {
            setExtra([...extra, { type: kind, id: kind === 'route' ? Number(code.trim()) || code.trim() : code.trim() }]);
            setCode('');
          }}>{t('need.shareAdd')}</button>
        </div>
        {extra.length > 0 && (
          <ul className="small">{extra.map((s, i) => <li key={i}>{t('recordKind.' + s.type)} {String(s.id)}</li>)}</ul>
        )}
      </fieldset>
      <div className="form-actions"><button type="submit" disabled={busy}>{t('need.sendResponse')}</button></div>
    </form>
  );
}

function ProjectForm({ need, onDone }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ title: '', summary: '', stage: 'framing', trl: 1, disclosure: 'hidden', show_start_up: false });
  const { setError, fieldError, generalError } = useFormError();
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post(`/api/needs/${need.id}/projects`, { ...form, trl: Number(form.trl) });
      setForm({ ...form, title: '', summary: '' });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="form inline-form" onSubmit={submit} aria-labelledby="project-heading">
      <h3 id="project-heading">{t('need.openProject')}</h3>
      <ErrorMessage error={generalError(['title', 'summary', 'stage', 'trl', 'disclosure'])} />
      <Field label={t('need.projectTitle')} value={form.title} onChange={set('title')} error={fieldError('title')} />
      <Field label={t('need.projectSummary')} as="textarea" rows={2} value={form.summary} onChange={set('summary')} error={fieldError('summary')} />
      <div className="form-row">
        <Field label={t('project.stage')} as="select" value={form.stage} onChange={set('stage')} error={fieldError('stage')}>
          {PROJECT_STAGES.map((s) => <option key={s} value={s}>{t('projectStage.' + s)}</option>)}
        </Field>
        <Field label={t('project.trl')} type="number" min="1" max="9" value={form.trl} onChange={set('trl')} error={fieldError('trl')} />
        <Field label={t('need.disclosure')} as="select" value={form.disclosure} onChange={set('disclosure')} error={fieldError('disclosure')}>
          {DISCLOSURES.map((d) => <option key={d} value={d}>{t('projectDisclosure.' + d)}</option>)}
        </Field>
      </div>
      <label className="checkbox"><input type="checkbox" checked={form.show_start_up} onChange={set('show_start_up')} /> {t('need.showStartUp')}</label>
      <div className="form-actions"><button type="submit">{t('need.createProject')}</button></div>
    </form>
  );
}

function StartUpPanel({ need, reload }) {
  const { t } = useI18n();
  const mine = need.responses[0];
  return (
    <>
      <section className="panel" aria-labelledby="need-your-response">
        <h2 id="need-your-response">{t('need.yourResponse')}</h2>
        {mine ? (
          <p>
            <Link to={`/responses/${mine.id}`}>{mine.id}</Link> · {t('responseStatus.' + mine.status)} ·{' '}
            {t('need.responses.shared', { n: mine.shares.length })}
          </p>
        ) : need.status === 'open' ? <RespondForm need={need} onDone={reload} /> : <Empty>{t('need.responses.none')}</Empty>}
      </section>
      <section className="panel" aria-labelledby="need-your-projects">
        <h2 id="need-your-projects">{t('need.myProjects')}</h2>
        <ProjectsList need={need} />
        {need.status === 'open' && <ProjectForm need={need} onDone={reload} />}
      </section>
    </>
  );
}

export function NeedPage({ id }) {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const need = useLoad((signal) => api.get(`/api/needs/${encodeURIComponent(id)}`, undefined, { signal }), [id, version, user && user.id]);
  const reload = () => setVersion((v) => v + 1);
  if (need.loading && !need.data) return <Loading />;
  if (need.error) {
    return (
      <>
        <PageHeader title={id} />
        <ErrorMessage error={need.error} />
      </>
    );
  }
  const n = need.data;
  const startUp = user && (user.role === 'member' || user.role === 'lead');
  const mayMatch = user && (n.mine || isAdmin(user) || startUp);
  return (
    <>
      <PageHeader title={n.title} subtitle={`${n.id} · ${companyOf(t, n)}`} />
      <NeedBadges need={n} />
      {n.outcome && <p className="notice">{t('need.closedWith', { outcome: t('outcome.' + n.outcome.outcome) })}{n.outcome.note && <> — {n.outcome.note}</>}</p>}
      <div className="need-grid">
        <section className="panel" aria-labelledby="need-statement">
          <h2 id="need-statement">{t('need.statement')}</h2>
          <p className="statement">{n.statement}</p>
          <PropertiesTable properties={n.properties} />
          {n.regulatory.length > 0 && (
            <>
              <h3 className="small-heading">{t('need.regulatory')}</h3>
              <ul className="badges">{n.regulatory.map((r) => <li key={r} className="badge">{t('regulatory.' + r)}</li>)}</ul>
            </>
          )}
          {n.deadline && <p>{t('needs.deadline', { date: formatDate(n.deadline) })}{n.past_deadline && <> · <span className="warning">{t('needs.pastDeadline')}</span></>}</p>}
          <h3 className="small-heading">{t('need.structure')}</h3>
          <StructureCriterion structure={n.structure} />
          <p className="small muted">{t('need.visibility')} : {t('needVisibility.' + n.visibility)}
            {n.start_ups && <> ({n.start_ups.map((s) => s.name).join(', ')})</>}
          </p>
        </section>
        {mayMatch && <Matches need={n} />}
      </div>
      {(n.mine || isAdmin(user)) && <PartnerPanel need={n} reload={reload} />}
      {startUp && <StartUpPanel need={n} reload={reload} />}
    </>
  );
}
