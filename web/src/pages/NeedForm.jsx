// Posting a need, in five steps: the need, its requirements, an optional structure criterion
// (drawn in the Ketcher editor or typed as SMILES), who sees it, then a review. Nothing is
// sent before "Publish" (POST /api/needs); an error names its field and brings back its step.
// The same steps change an open need (/needs/{id}/edit, PATCH /api/needs/{id}): they start
// from what the need says today, its drawn structure back in the editor; its matches follow.
// The editor is kept out of any <form>: its toolbar buttons must never submit anything.
import { lazy, Suspense, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useRouter } from '../router.jsx';
import { isAdmin, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad } from '../components/ui.jsx';
import { FUNCTIONS, PROPERTY_UNITS, PropertiesTable, REGULATORY, SECTORS } from './needsCommon.jsx';

const KetcherEditor = lazy(() => import('../components/KetcherEditor.jsx'));

const STEPS = ['step1', 'step2', 'step3', 'step4', 'step5'];
const STRUCTURE_TYPES = ['none', 'substructure', 'similarity', 'replace'];

// The step an API error field belongs to.
function stepOf(field) {
  if (!field) return null;
  if (/^(title|statement|sector|function)/.test(field)) return 0;
  if (/^(properties|regulatory|deadline)/.test(field)) return 1;
  if (/^structure/.test(field)) return 2;
  if (/^(visibility|start_ups|company|partner)/.test(field)) return 3;
  return null;
}

function atomCount(molfile) {
  const counts = molfile.split('\n')[3] || '';
  return Number(counts.slice(0, 3)) || 0;
}

// The wizard's state for an existing need (GET /api/needs/{id}).
function stateOf(n) {
  const molecules = n.structure ? n.structure.molecules.map((m) => ({ query: m.input, format: m.format || '' })) : [];
  const single = n.structure && n.structure.type !== 'replace' ? molecules[0] : null;
  return {
    need: { title: n.title, statement: n.statement, sector: n.sector || '', function: n.function || '' },
    properties: n.properties.map((p) => ({
      key: p.key, label: p.label || '', min: p.min ?? '', max: p.max ?? '', unit: p.unit || '', required: p.required,
    })),
    regulatory: n.regulatory,
    deadline: n.deadline || '',
    structureType: n.structure ? n.structure.type : 'none',
    source: single && single.format !== 'molfile' ? 'smiles' : 'draw',
    drawn: single && single.format === 'molfile' ? single.query : '',
    smiles: single && single.format !== 'molfile' ? single.query : '',
    threshold: n.structure && n.structure.threshold != null ? String(n.structure.threshold) : '',
    molecules: n.structure && n.structure.type === 'replace' ? molecules : [],
    visibility: n.visibility,
    named: (n.start_ups || []).map((s) => s.id),
    company: n.company || '',
    disclosed: n.company_disclosed,
  };
}

const EMPTY = {
  need: { title: '', statement: '', sector: '', function: '' },
  properties: [], regulatory: [], deadline: '', structureType: 'none', source: 'draw', drawn: '', smiles: '',
  threshold: '', molecules: [], visibility: 'public', named: [], company: '', disclosed: false,
};

export default function NeedFormPage({ id }) {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const existing = useLoad((signal) => (id ? api.get(`/api/needs/${encodeURIComponent(id)}`, undefined, { signal }) : Promise.resolve(null)), [id, user && user.id]);
  const title = id ? t('needForm.editTitle', { id }) : t('needForm.title');
  if (loading || (id && existing.loading && !existing.data)) return <Loading />;
  if (!user || (user.role !== 'partner' && !isAdmin(user))) {
    return (
      <>
        <PageHeader title={title} />
        <p>{user ? t('needForm.notAllowed') : <Link to={`/login?next=${id ? `/needs/${id}/edit` : '/needs/new'}`}>{t('common.signInFirst')}</Link>}</p>
      </>
    );
  }
  if (id && existing.error) {
    return (
      <>
        <PageHeader title={title} />
        <ErrorMessage error={existing.error} />
      </>
    );
  }
  if (id && existing.data && !(existing.data.mine || isAdmin(user))) {
    return (
      <>
        <PageHeader title={title} />
        <p>{t('needForm.notYours')}</p>
      </>
    );
  }
  if (id && existing.data && existing.data.status !== 'open') {
    return (
      <>
        <PageHeader title={title} />
        <p>{t('needForm.closed')} <Link to={`/needs/${id}`}>{t('needForm.backToNeed')}</Link></p>
      </>
    );
  }
  return <NeedWizard key={id || 'new'} id={id} initial={id ? stateOf(existing.data) : EMPTY} title={title} />;
}

function NeedWizard({ id, initial, title }) {
  const { t } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const { navigate } = useRouter();
  const editing = Boolean(id);
  const [step, setStep] = useState(0);
  const [need, setNeed] = useState(initial.need);
  const [properties, setProperties] = useState(initial.properties);
  const [regulatory, setRegulatory] = useState(initial.regulatory);
  const [deadline, setDeadline] = useState(initial.deadline);
  const [structureType, setStructureType] = useState(initial.structureType);
  const [source, setSource] = useState(initial.source);
  const [drawn, setDrawn] = useState(initial.drawn);
  const [smiles, setSmiles] = useState(initial.smiles);
  const [threshold, setThreshold] = useState(initial.threshold);
  const [molecules, setMolecules] = useState(initial.molecules);
  const [editorError, setEditorError] = useState('');
  const [visibility, setVisibility] = useState(initial.visibility);
  const [named, setNamed] = useState(initial.named);
  const [company, setCompany] = useState(initial.company);
  const [disclosed, setDisclosed] = useState(initial.disclosed);
  const [partner, setPartner] = useState('');
  const [busy, setBusy] = useState(false);
  const { error, setError, fieldError, generalError } = useFormError();

  const current = source === 'draw'
    ? (drawn ? { query: drawn, format: 'molfile' } : null)
    : (smiles.trim() ? { query: smiles.trim(), format: '' } : null);
  const structureBody = () => {
    if (structureType === 'none') return undefined;
    const s = { type: structureType };
    if (structureType === 'replace') {
      const list = [...molecules];
      if (current && !list.some((m) => m.query === current.query)) list.push(current);
      s.query = list.map((m) => m.query);
      if (list.some((m) => m.format === 'molfile') && list.every((m) => m.format === 'molfile')) s.format = 'molfile';
    } else if (current) {
      s.query = current.query;
      if (current.format) s.format = current.format;
    }
    if (threshold !== '' && structureType !== 'substructure') s.threshold = Number(threshold);
    return s;
  };
  const setField = (name) => (e) => setNeed({ ...need, [name]: e.target.value });
  const setProperty = (i, name, value) => setProperties(properties.map((p, j) => (j === i ? { ...p, [name]: value } : p)));

  const publish = async () => {
    setError(null);
    setBusy(true);
    const body = { ...need, visibility };
    // A new need leaves out what is not chosen; a change sends '' to clear it.
    if (!body.sector && !editing) delete body.sector;
    if (!body.function && !editing) delete body.function;
    body.properties = properties.map((p) => {
      const out = { key: p.key, required: p.required };
      if (p.key === 'custom') out.label = p.label;
      if (p.min !== '') out.min = Number(p.min);
      if (p.max !== '') out.max = Number(p.max);
      if (p.unit) out.unit = p.unit;
      return out;
    });
    body.regulatory = regulatory;
    if (deadline) body.deadline = deadline;
    else if (editing && initial.deadline) body.deadline = null;
    const structure = structureBody();
    if (structure) body.structure = structure;
    else if (editing && initial.structureType !== 'none') body.structure = null;
    if (visibility === 'named') body.start_ups = named;
    if (company.trim() || (editing && initial.company)) body.company = company.trim();
    body.company_disclosed = disclosed;
    if (isAdmin(user) && !editing) body.partner = partner.trim();
    try {
      const saved = editing ? await api.patch(`/api/needs/${encodeURIComponent(id)}`, body) : await api.post('/api/needs', body);
      navigate(`/needs/${saved.id}`);
    } catch (err) {
      setError(err);
      const s = stepOf(err.field);
      if (s !== null) setStep(s);
    } finally {
      setBusy(false);
    }
  };

  const review = structureBody();
  return (
    <>
      <PageHeader title={title} subtitle={editing ? t('needForm.editSubtitle') : t('needForm.subtitle')} />
      <ol className="wizard-steps" aria-label={t('needForm.steps')}>
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? 'step' : undefined}>
            <button type="button" className="link-button" onClick={() => setStep(i)}>{t('needForm.' + s)}</button>
          </li>
        ))}
      </ol>
      <ErrorMessage error={stepOf(error && error.field) === null ? generalError([]) : null} />

      {step === 0 && (
        <section className="panel wizard-panel" aria-labelledby="step-title">
          <h2 id="step-title">{t('needForm.step1')}</h2>
          <Field label={t('needForm.titleField')} value={need.title} onChange={setField('title')} error={fieldError('title')} />
          <Field label={t('needForm.statementField')} as="textarea" rows={5} value={need.statement} onChange={setField('statement')}
            error={fieldError('statement')} hint={t('needForm.statementHint')} />
          <div className="form-row">
            <Field label={t('needForm.sector')} as="select" value={need.sector} onChange={setField('sector')} error={fieldError('sector')}>
              <option value="">{t('needForm.choose')}</option>
              {SECTORS.map((s) => <option key={s} value={s}>{t('sector.' + s)}</option>)}
            </Field>
            <Field label={t('needForm.function')} as="select" value={need.function} onChange={setField('function')} error={fieldError('function')}>
              <option value="">{t('needForm.choose')}</option>
              {FUNCTIONS.map((f) => <option key={f} value={f}>{t('function.' + f)}</option>)}
            </Field>
          </div>
        </section>
      )}

      {step === 1 && (
        <section className="panel wizard-panel" aria-labelledby="step-requirements">
          <h2 id="step-requirements">{t('needForm.step2')}</h2>
          {properties.map((p, i) => (
            <div key={i} className="form-row property-row" data-property-row={i}>
              <Field label={t('need.property')} as="select" value={p.key}
                onChange={(e) => setProperties(properties.map((q, j) => (j === i ? { ...q, key: e.target.value, unit: PROPERTY_UNITS[e.target.value] } : q)))}
                error={fieldError(`properties[${i}].key`)}>
                {Object.keys(PROPERTY_UNITS).map((k) => <option key={k} value={k}>{t('property.' + k)}</option>)}
              </Field>
              {p.key === 'custom' && (
                <Field label={t('needForm.label')} value={p.label} onChange={(e) => setProperty(i, 'label', e.target.value)}
                  error={fieldError(`properties[${i}].label`)} />
              )}
              <Field label={t('needForm.min')} type="number" step="any" value={p.min} onChange={(e) => setProperty(i, 'min', e.target.value)}
                error={fieldError(`properties[${i}].min`)} />
              <Field label={t('needForm.max')} type="number" step="any" value={p.max} onChange={(e) => setProperty(i, 'max', e.target.value)}
                error={fieldError(`properties[${i}].max`)} />
              <Field label={t('needForm.unit')} value={p.unit} onChange={(e) => setProperty(i, 'unit', e.target.value)} />
              <label className="checkbox">
                <input type="checkbox" checked={p.required} onChange={(e) => setProperty(i, 'required', e.target.checked)} /> {t('needForm.required')}
              </label>
              <button type="button" className="small secondary" onClick={() => setProperties(properties.filter((_, j) => j !== i))}>
                {t('needForm.removeProperty')}
              </button>
            </div>
          ))}
          <div>
            <button type="button" className="secondary" onClick={() => setProperties([...properties, { key: 'purity', label: '', min: '', max: '', unit: '%', required: true }])}>
              {t('needForm.addProperty')}
            </button>
          </div>
          <fieldset className="checkbox-group">
            <legend>{t('need.regulatory')}</legend>
            {REGULATORY.map((r) => (
              <label key={r} className="checkbox">
                <input type="checkbox" checked={regulatory.includes(r)}
                  onChange={(e) => setRegulatory(e.target.checked ? [...regulatory, r] : regulatory.filter((x) => x !== r))} />
                {' '}{t('regulatory.' + r)}
              </label>
            ))}
          </fieldset>
          <Field label={t('needForm.deadline')} type="date" value={deadline} onChange={(e) => setDeadline(e.target.value)} error={fieldError('deadline')} />
        </section>
      )}

      {step === 2 && (
        <section className="panel wizard-panel" aria-labelledby="step-structure">
          <h2 id="step-structure">{t('needForm.step3')}</h2>
          <p className="muted">{t('needForm.structureIntro')}</p>
          <fieldset className="mode-tabs" aria-label={t('needForm.structureType')}>
            <legend className="visually-hidden">{t('needForm.structureType')}</legend>
            {STRUCTURE_TYPES.map((s) => (
              <label key={s} className="radio">
                <input type="radio" name="structure-type" value={s} checked={structureType === s} onChange={() => setStructureType(s)} />
                {' '}{t('structureType.' + s)}
              </label>
            ))}
          </fieldset>
          {structureType !== 'none' && (
            <>
              <div className="tabs" role="tablist" aria-label={t('needForm.structureType')}>
                {['draw', 'smiles'].map((s) => (
                  <button key={s} type="button" role="tab" aria-selected={source === s} onClick={() => setSource(s)}>
                    {t('needForm.' + s)}
                  </button>
                ))}
              </div>
              {source === 'draw' ? (
                <>
                  <Suspense fallback={<Loading />}>
                    <KetcherEditor onChange={setDrawn} onError={setEditorError} initialStructure={drawn || undefined} />
                  </Suspense>
                  {editorError && <p className="error" role="alert">{editorError}</p>}
                  <p className="muted" role="status">{drawn ? t('needForm.drawn', { atoms: atomCount(drawn) }) : t('needForm.drawnNone')}</p>
                </>
              ) : (
                <Field label={t('needForm.smilesField')} value={smiles} onChange={(e) => setSmiles(e.target.value)}
                  className="mono-input" spellCheck={false} />
              )}
              <ErrorMessage error={fieldError('structure.query') || fieldError('structure.type') || fieldError('structure.format')} />
              {error && error.field && error.field.startsWith('structure.query[') && <ErrorMessage error={error} />}
              {structureType === 'replace' && (
                <>
                  <button type="button" className="secondary" disabled={!current} onClick={() => {
                    setMolecules([...molecules, current]);
                    setSmiles('');
                  }}>{t('needForm.addMolecule')}</button>
                  {molecules.length > 0 && (
                    <>
                      <h3 className="small-heading">{t('needForm.molecules')}</h3>
                      <ul className="molecules">
                        {molecules.map((m, i) => (
                          <li key={i} className="mono">
                            {m.format === 'molfile' ? t('needForm.drawnMolecule') : m.query}{' '}
                            <button type="button" className="small secondary" onClick={() => setMolecules(molecules.filter((_, j) => j !== i))}>
                              {t('needForm.removeMolecule')}
                            </button>
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </>
              )}
              {structureType !== 'substructure' && (
                <Field label={t('needForm.threshold')} type="number" min="0.05" max="1" step="0.05" value={threshold}
                  onChange={(e) => setThreshold(e.target.value)} error={fieldError('structure.threshold')} />
              )}
            </>
          )}
        </section>
      )}

      {step === 3 && (
        <section className="panel wizard-panel" aria-labelledby="step-visibility">
          <h2 id="step-visibility">{t('needForm.step4')}</h2>
          <fieldset>
            <legend>{t('needForm.visibility')}</legend>
            {['public', 'cluster', 'named'].map((v) => (
              <label key={v} className="radio">
                <input type="radio" name="visibility" value={v} checked={visibility === v} onChange={() => setVisibility(v)} />
                {' '}{t('needVisibility.' + v)}
              </label>
            ))}
          </fieldset>
          {visibility === 'named' && (
            <fieldset className="checkbox-group">
              <legend>{t('needForm.startUps')}</legend>
              {startUps.items.map((s) => (
                <label key={s.id} className="checkbox">
                  <input type="checkbox" checked={named.includes(s.id)}
                    onChange={(e) => setNamed(e.target.checked ? [...named, s.id] : named.filter((x) => x !== s.id))} />
                  {' '}{s.name}
                </label>
              ))}
              <ErrorMessage error={fieldError('start_ups')} />
            </fieldset>
          )}
          <Field label={t('needForm.company')} value={company} onChange={(e) => setCompany(e.target.value)} error={fieldError('company')} />
          <label className="checkbox">
            <input type="checkbox" checked={disclosed} onChange={(e) => setDisclosed(e.target.checked)} /> {t('needForm.disclose')}
          </label>
          <p className="hint">{t('needForm.discloseHint')}</p>
          {isAdmin(user) && !editing && (
            <Field label={t('needForm.partner')} type="email" value={partner} onChange={(e) => setPartner(e.target.value)} error={fieldError('partner')} />
          )}
        </section>
      )}

      {step === 4 && (
        <section className="panel wizard-panel" aria-labelledby="step-review">
          <h2 id="step-review">{t('needForm.step5')}</h2>
          <p className="muted">{editing ? t('needForm.reviewChange') : t('needForm.review')}</p>
          <dl className="definitions">
            <dt>{t('needForm.titleField')}</dt><dd>{need.title || '—'}</dd>
            <dt>{t('needForm.statementField')}</dt><dd className="statement">{need.statement || '—'}</dd>
            <dt>{t('needForm.sector')}</dt><dd>{need.sector ? t('sector.' + need.sector) : '—'}</dd>
            <dt>{t('needForm.function')}</dt><dd>{need.function ? t('function.' + need.function) : '—'}</dd>
            <dt>{t('need.regulatory')}</dt><dd>{regulatory.map((r) => t('regulatory.' + r)).join(', ') || '—'}</dd>
            <dt>{t('needForm.deadline')}</dt><dd>{deadline || '—'}</dd>
            <dt>{t('need.structure')}</dt>
            <dd data-testid="review-structure">{review ? `${t('structureType.' + review.type)} (${Array.isArray(review.query) ? review.query.length : review.query ? 1 : 0})` : t('structureType.none')}</dd>
            <dt>{t('need.visibility')}</dt><dd>{t('needVisibility.' + visibility)}</dd>
          </dl>
          <PropertiesTable properties={properties.filter((p) => p.min !== '' || p.max !== '').map((p) => ({
            ...p, min: p.min === '' ? null : Number(p.min), max: p.max === '' ? null : Number(p.max),
          }))} />
          <div className="form-actions">
            <button type="button" onClick={publish} disabled={busy}>
              {busy ? t('needForm.publishing') : editing ? t('needForm.save') : t('needForm.publish')}
            </button>
            {editing && <Link to={`/needs/${id}`} className="button secondary">{t('needForm.cancel')}</Link>}
          </div>
        </section>
      )}

      <div className="form-actions wizard-nav">
        {step > 0 && <button type="button" className="secondary" onClick={() => setStep(step - 1)}>{t('needForm.previous')}</button>}
        {step < STEPS.length - 1 && <button type="button" onClick={() => setStep(step + 1)}>{t('needForm.next')}</button>}
      </div>
    </>
  );
}
