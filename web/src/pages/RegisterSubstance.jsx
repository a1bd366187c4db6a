// Registering a substance: name, kind, owner, source, composition and properties (and the
// polymer data for a polymer). Each constituent is a compound picked from the registry, a
// structure drawn in Ketcher (or typed as SMILES), or a name alone. Saving is
// POST /api/substances: a new substance, or a new batch of the same substance; near
// duplicates are shown on the substance page.
import { lazy, Suspense, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useQuery, useRouter } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad } from '../components/ui.jsx';
import { KINDS } from './Substances.jsx';

const KetcherEditor = lazy(() => import('../components/KetcherEditor.jsx'));

const COMPOSITION_UNITS = ['w/w', 'v/v', 'mol/mol'];
const ROLES = ['constituent', 'impurity', 'additive'];
const HOW = ['registry', 'draw', 'name'];

function emptyConstituent(how = 'registry') {
  return { how, compound: '', structure: '', format: 'smiles', name: '', role: 'constituent', typical: '', min: '', max: '', method: '' };
}

function number(text) {
  return text === '' || text === undefined || text === null ? undefined : Number(text);
}

export default function RegisterSubstancePage() {
  const { t, formatNumber } = useI18n();
  const { user, loading } = useSession();
  const startUps = useStartUps();
  const { navigate } = useRouter();
  // ?components=A.B: the components of a mixture the compound registration refused, each a
  // constituent typed as SMILES.
  const mixture = (useQuery().get('components') || '').split('.').filter(Boolean);
  const [startUp, setStartUp] = useState('');
  const [fields, setFields] = useState({ name: '', kind: mixture.length ? 'multi_constituent' : 'uvcb', synonyms: '', cas_number: '', description: '' });
  const [source, setSource] = useState({ species: '', part: '', waste_stream: '', process: '' });
  const [unit, setUnit] = useState('w/w');
  const [constituents, setConstituents] = useState(() => (mixture.length
    ? mixture.map((smiles) => ({ ...emptyConstituent('draw'), structure: smiles }))
    : [emptyConstituent()]));
  const [properties, setProperties] = useState([]);
  const [polymer, setPolymer] = useState({ repeat_unit: '', mn: '', mw: '', monomers: [] });
  const [drawing, setDrawing] = useState(null); // index of the constituent being drawn
  const [drawn, setDrawn] = useState('');
  const [saving, setSaving] = useState(false);
  const { error, setError, fieldError, generalError } = useFormError();
  const owner = user && user.start_up ? user.start_up : startUp ? Number(startUp) : null;
  const compounds = useLoad(
    (signal) => (user ? api.get('/api/compounds', { page_size: 500 }, { signal }) : Promise.resolve({ items: [] })),
    [user && user.id],
  );
  const vocabulary = useLoad((signal) => api.get('/api/substance-properties', undefined, { signal }), []);

  if (loading) return <Loading />;
  if (!canRegister(user)) {
    return (
      <>
        <PageHeader title={t('registerSubstance.title')} />
        <p>{user ? t('register.notAllowed') : <Link to="/login?next=/substances/new">{t('common.signInFirst')}</Link>}</p>
      </>
    );
  }

  const setField = (name) => (e) => setFields({ ...fields, [name]: e.target.value });
  const setSourceField = (name) => (e) => setSource({ ...source, [name]: e.target.value });
  const setConstituent = (i, patch) => setConstituents(constituents.map((k, j) => (j === i ? { ...k, ...patch } : k)));
  const setProperty = (i, patch) => setProperties(properties.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const sum = constituents.reduce((acc, k) => acc + (Number(k.typical) || 0), 0);
  // The error of a field inside row `prefix` ("constituents[1]"), whatever the sub-field.
  const rowError = (prefix) => (error && error.field && (error.field === prefix || error.field.startsWith(prefix + '.')) ? error : null);

  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { name: fields.name, kind: fields.kind };
    if (owner) body.start_up = owner;
    const synonyms = fields.synonyms.split(',').map((s) => s.trim()).filter(Boolean);
    if (synonyms.length) body.synonyms = synonyms;
    if (fields.cas_number.trim()) body.cas_number = fields.cas_number.trim();
    if (fields.description.trim()) body.description = fields.description;
    const src = {};
    for (const [k, v] of Object.entries(source)) if (v.trim()) src[k] = v.trim();
    if (Object.keys(src).length) body.source = src;
    const rows = constituents.filter((k) => k.typical !== '' || k.compound || k.structure || k.name);
    if (rows.length) {
      body.constituents = rows.map((k) => {
        const c = { typical: number(k.typical), unit, role: k.role };
        if (k.how === 'registry' && k.compound) c.compound_id = k.compound;
        if (k.how === 'draw' && k.structure) {
          c.structure = k.structure;
          c.format = k.format;
        }
        if (k.name.trim()) c.name = k.name.trim();
        if (k.min !== '') c.min = number(k.min);
        if (k.max !== '') c.max = number(k.max);
        if (k.method.trim()) c.method = k.method.trim();
        return c;
      });
    }
    const props = properties.filter((p) => p.key);
    if (props.length) {
      body.properties = props.map((p) => {
        const out = { key: p.key };
        for (const name of ['typical', 'min', 'max']) if (p[name] !== '') out[name] = number(p[name]);
        if (p.method) out.method = p.method;
        return out;
      });
    }
    if (fields.kind === 'polymer') {
      const monomers = polymer.monomers.filter((m) => m.compound);
      if (monomers.length) body.monomers = monomers.map((m) => ({ compound_id: m.compound, ratio: number(m.ratio) }));
      if (polymer.repeat_unit.trim()) body.repeat_unit = polymer.repeat_unit.trim();
      if (polymer.mn !== '') body.mn = number(polymer.mn);
      if (polymer.mw !== '') body.mw = number(polymer.mw);
    }
    setSaving(true);
    try {
      const result = await api.post('/api/substances', body);
      navigate(`/substances/${result.id}?registered=${encodeURIComponent(result.outcome)}`);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  const compoundItems = (compounds.data && compounds.data.items) || [];
  const terms = (vocabulary.data && vocabulary.data.items) || [];

  return (
    <>
      <PageHeader title={t('registerSubstance.title')} subtitle={t('registerSubstance.subtitle')} />
      <form className="form register-substance" onSubmit={save} noValidate>
        <ErrorMessage error={error && !(error.field && /^(constituents|properties|monomers)/.test(error.field))
          ? generalError(['name', 'kind', 'start_up', 'cas_number', 'source', 'repeat_unit', 'mn', 'mw']) : null} />
        {!user.start_up && (
          <Field label={t('register.startUp')} as="select" value={startUp} onChange={(e) => setStartUp(e.target.value)} error={fieldError('start_up')}>
            <option value="">{t('register.chooseStartUp')}</option>
            {startUps.items.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </Field>
        )}
        <div className="form-row">
          <Field label={t('registerSubstance.name')} value={fields.name} onChange={setField('name')} error={fieldError('name')} required />
          <Field label={t('registerSubstance.kind')} as="select" value={fields.kind} onChange={setField('kind')} error={fieldError('kind')}>
            {KINDS.map((k) => <option key={k} value={k}>{t('kind.' + k)}</option>)}
          </Field>
          <Field label={t('substance.cas')} value={fields.cas_number} onChange={setField('cas_number')} error={fieldError('cas_number')} />
        </div>
        <Field label={t('registerSubstance.synonyms')} value={fields.synonyms} onChange={setField('synonyms')} />
        <Field label={t('substance.description')} as="textarea" rows={2} value={fields.description} onChange={setField('description')} />

        <fieldset className="panel">
          <legend>{t('substance.source')}</legend>
          <ErrorMessage error={fieldError('source')} />
          <div className="form-row">
            <Field label={t('substance.species')} value={source.species} onChange={setSourceField('species')} />
            <Field label={t('substance.part')} value={source.part} onChange={setSourceField('part')} />
            <Field label={t('substance.wasteStream')} value={source.waste_stream} onChange={setSourceField('waste_stream')} />
          </div>
          <Field label={t('substance.process')} value={source.process} onChange={setSourceField('process')} />
        </fieldset>

        <fieldset className="panel constituents-editor">
          <legend>{t('registerSubstance.constituents')}</legend>
          <p className="small muted">{t('registerSubstance.sumHint')}</p>
          <Field label={t('substance.unit')} as="select" value={unit} onChange={(e) => setUnit(e.target.value)}>
            {COMPOSITION_UNITS.map((u) => <option key={u} value={u}>{u}</option>)}
          </Field>
          <ErrorMessage error={fieldError('constituents')} />
          {constituents.map((k, i) => (
            <div key={i} className="constituent-row" data-testid="constituent-row">
              <div className="form-row">
                <Field label={`${t('registerSubstance.how')} (${i + 1})`} as="select" value={k.how}
                  onChange={(e) => setConstituent(i, { how: e.target.value })}>
                  {HOW.map((h) => <option key={h} value={h}>{t('registerSubstance.how.' + h)}</option>)}
                </Field>
                {k.how === 'registry' && (
                  <Field label={`${t('registerSubstance.compound')} (${i + 1})`} as="select" value={k.compound}
                    onChange={(e) => setConstituent(i, { compound: e.target.value })}>
                    <option value="">{t('registerSubstance.chooseCompound')}</option>
                    {compoundItems.map((c) => (
                      <option key={c.id} value={c.id}>{`${c.id} · ${c.formula} · ${c.canonical_smiles}`}</option>
                    ))}
                  </Field>
                )}
                {k.how === 'draw' && (
                  <>
                    <Field label={`${t('registerSubstance.smiles')} (${i + 1})`} className="mono-input" value={k.format === 'smiles' ? k.structure : ''}
                      placeholder={k.format === 'molfile' && k.structure ? t('registerSubstance.drawn') : ''}
                      onChange={(e) => setConstituent(i, { structure: e.target.value, format: 'smiles' })} />
                    <button type="button" className="secondary" onClick={() => { setDrawing(i); setDrawn(''); }}>
                      {t('registerSubstance.draw')}
                    </button>
                  </>
                )}
                <Field label={`${t('registerSubstance.constituentName')} (${i + 1})`} value={k.name}
                  onChange={(e) => setConstituent(i, { name: e.target.value })} />
              </div>
              <div className="form-row">
                <Field label={`${t('substance.role')} (${i + 1})`} as="select" value={k.role} onChange={(e) => setConstituent(i, { role: e.target.value })}>
                  {ROLES.map((r) => <option key={r} value={r}>{t('role.' + r)}</option>)}
                </Field>
                <Field label={`${t('substance.typical')} % (${i + 1})`} type="number" step="any" min="0" max="100" value={k.typical}
                  onChange={(e) => setConstituent(i, { typical: e.target.value })} />
                <Field label={`${t('substance.min')} % (${i + 1})`} type="number" step="any" min="0" max="100" value={k.min}
                  onChange={(e) => setConstituent(i, { min: e.target.value })} />
                <Field label={`${t('substance.max')} % (${i + 1})`} type="number" step="any" min="0" max="100" value={k.max}
                  onChange={(e) => setConstituent(i, { max: e.target.value })} />
                <Field label={`${t('substance.method')} (${i + 1})`} value={k.method} onChange={(e) => setConstituent(i, { method: e.target.value })} />
                <button type="button" className="secondary small" onClick={() => setConstituents(constituents.filter((_, j) => j !== i))}>
                  {t('registerSubstance.remove')}
                </button>
              </div>
              <ErrorMessage error={rowError(`constituents[${i}]`)} />
              {drawing === i && (
                <div className="panel draw-panel">
                  <Suspense fallback={<Loading />}>
                    <KetcherEditor onChange={setDrawn} onError={() => {}} initialStructure={k.format === 'smiles' && k.structure ? k.structure : undefined} />
                  </Suspense>
                  <div className="form-actions">
                    <button type="button" disabled={!drawn} onClick={() => { setConstituent(i, { structure: drawn, format: 'molfile' }); setDrawing(null); }}>
                      {t('registerSubstance.drawDone')}
                    </button>
                    <button type="button" className="secondary" onClick={() => setDrawing(null)}>{t('common.cancel')}</button>
                  </div>
                </div>
              )}
            </div>
          ))}
          <p className="small" aria-live="polite">{t('registerSubstance.currentSum', { sum: formatNumber(sum, 2) })}</p>
          <button type="button" className="secondary" onClick={() => setConstituents([...constituents, emptyConstituent('name')])}>
            {t('registerSubstance.addConstituent')}
          </button>
        </fieldset>

        <fieldset className="panel">
          <legend>{t('substance.properties')}</legend>
          {properties.map((p, i) => {
            const term = terms.find((x) => x.key === p.key);
            return (
              <div key={i} className="form-row">
                <Field label={`${t('substance.property')} (${i + 1})`} as="select" value={p.key} onChange={(e) => setProperty(i, { key: e.target.value })}>
                  <option value="">{t('registerSubstance.chooseProperty')}</option>
                  {terms.map((x) => <option key={x.key} value={x.key}>{`${x.name} (${x.unit})`}</option>)}
                </Field>
                {['typical', 'min', 'max'].map((name) => (
                  <Field key={name} label={`${t('substance.' + name)}${term ? ' (' + term.unit + ')' : ''} (${i + 1})`} type="number" step="any"
                    value={p[name]} onChange={(e) => setProperty(i, { [name]: e.target.value })} />
                ))}
                <button type="button" className="secondary small" onClick={() => setProperties(properties.filter((_, j) => j !== i))}>
                  {t('registerSubstance.remove')}
                </button>
                <ErrorMessage error={rowError(`properties[${i}]`)} />
              </div>
            );
          })}
          <button type="button" className="secondary" onClick={() => setProperties([...properties, { key: '', typical: '', min: '', max: '', method: '' }])}>
            {t('registerSubstance.addProperty')}
          </button>
        </fieldset>

        {fields.kind === 'polymer' && (
          <fieldset className="panel">
            <legend>{t('substance.polymer')}</legend>
            {polymer.monomers.map((m, i) => (
              <div key={i} className="form-row">
                <Field label={`${t('registerSubstance.monomerCompound')} (${i + 1})`} as="select" value={m.compound}
                  onChange={(e) => setPolymer({ ...polymer, monomers: polymer.monomers.map((x, j) => (j === i ? { ...x, compound: e.target.value } : x)) })}>
                  <option value="">{t('registerSubstance.chooseCompound')}</option>
                  {compoundItems.map((c) => <option key={c.id} value={c.id}>{`${c.id} · ${c.formula}`}</option>)}
                </Field>
                <Field label={`${t('registerSubstance.ratio')} (${i + 1})`} type="number" step="any" value={m.ratio}
                  onChange={(e) => setPolymer({ ...polymer, monomers: polymer.monomers.map((x, j) => (j === i ? { ...x, ratio: e.target.value } : x)) })} />
              </div>
            ))}
            <button type="button" className="secondary" onClick={() => setPolymer({ ...polymer, monomers: [...polymer.monomers, { compound: '', ratio: '' }] })}>
              {t('registerSubstance.addMonomer')}
            </button>
            <ErrorMessage error={rowError('monomers')} />
            <Field label={t('substance.repeatUnit')} className="mono-input" value={polymer.repeat_unit} hint={t('registerSubstance.repeatUnitHint')}
              onChange={(e) => setPolymer({ ...polymer, repeat_unit: e.target.value })} error={fieldError('repeat_unit')} />
            <div className="form-row">
              <Field label={t('substance.mn')} type="number" step="any" value={polymer.mn} onChange={(e) => setPolymer({ ...polymer, mn: e.target.value })} error={fieldError('mn')} />
              <Field label={t('substance.mw')} type="number" step="any" value={polymer.mw} onChange={(e) => setPolymer({ ...polymer, mw: e.target.value })} error={fieldError('mw')} />
            </div>
          </fieldset>
        )}

        <div className="form-actions">
          <button type="submit" disabled={saving || !owner}>{saving ? t('registerSubstance.saving') : t('registerSubstance.save')}</button>
        </div>
      </form>
    </>
  );
}
