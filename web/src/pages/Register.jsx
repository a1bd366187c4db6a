// Compound registration. The structure comes from the Ketcher editor (the default), a pasted
// SMILES or an uploaded Molfile; every change asks POST /api/compounds/preview for the
// depiction and the verdict (new parent, new form, new batch of an existing one; tautomer /
// stereoisomer flags) before anything is saved. Only the "Register the compound" button saves
// (POST /api/compounds with the batch data): the editor sits outside the batch form, so none
// of its buttons can submit it.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useRouter } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { formLabel } from './formLabel.js';
import { ErrorMessage, Field, humanize, Loading, PageHeader, SvgImage, Tabs, useFormError } from '../components/ui.jsx';

const KetcherEditor = lazy(() => import('../components/KetcherEditor.jsx'));

const UNITS = ['mg', 'g', 'kg', 't', 'uL', 'mL', 'L', 'm3', 'umol', 'mmol', 'mol'];
const SOURCES = ['draw', 'smiles', 'molfile'];
const BATCH_FIELDS = ['amount', 'unit', 'purity', 'prepared_on', 'researcher', 'notebook_ref', 'storage', 'notes'];

function Verdict({ preview }) {
  const { t, formatNumber } = useI18n();
  const c = preview.compound;
  return (
    <div className={'verdict verdict-' + preview.outcome} data-testid="verdict">
      <p className="verdict-title">
        <strong>{t('register.outcome.' + preview.outcome)}</strong>
        {preview.existing_compound && (
          <>
            {' — '}
            <Link to={`/compounds/${preview.existing_compound.id}`}>{preview.existing_compound.id}</Link>
          </>
        )}
        {preview.existing_form && <> ({preview.existing_form.id}, {preview.existing_form.label})</>}
      </p>
      {preview.flags.length > 0 && (
        <ul className="flags">
          {preview.flags.map((f) => (
            <li key={f.relation + f.compound} className={'flag flag-' + f.relation}>
              {t('flag.' + f.relation)} <Link to={`/compounds/${f.compound}`}>{f.compound}</Link>
            </li>
          ))}
        </ul>
      )}
      <dl className="definitions compact">
        <dt>{t('compound.formula')}</dt>
        <dd>{c.formula}</dd>
        <dt>{t('property.average_mass')}</dt>
        <dd>{formatNumber(c.mw, 3)} g/mol</dd>
        <dt>InChIKey</dt>
        <dd className="mono">{c.inchikey}</dd>
        <dt>{t('compound.canonicalSmiles')}</dt>
        <dd className="mono">{c.canonical_smiles}</dd>
        <dt>{t('register.form')}</dt>
        <dd>{formLabel(t, preview.form.label)}</dd>
      </dl>
      {preview.warnings.length > 0 && (
        <ul className="warnings">
          {preview.warnings.map((w) => (
            <li key={w}>{humanize(w)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default function RegisterPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const startUps = useStartUps();
  const { navigate } = useRouter();
  const [source, setSource] = useState('draw');
  const [smiles, setSmiles] = useState('');
  const [molfile, setMolfile] = useState('');
  const [drawn, setDrawn] = useState('');
  const [fileName, setFileName] = useState('');
  const [startUp, setStartUp] = useState('');
  const [batch, setBatch] = useState({ unit: 'g' });
  const [preview, setPreview] = useState({ busy: false, data: null, error: null });
  const [saving, setSaving] = useState(false);
  const [editorError, setEditorError] = useState('');
  const { setError, fieldError, generalError } = useFormError();
  const previewSeq = useRef(0);

  const structure = source === 'smiles' ? smiles.trim() : source === 'draw' ? drawn : molfile;
  const format = source === 'smiles' ? 'smiles' : 'molfile';
  const owner = user && user.start_up ? user.start_up : startUp ? Number(startUp) : null;

  // A new structure makes the previous refusal and editor message obsolete.
  useEffect(() => {
    setError(null);
    setEditorError('');
  }, [structure, setError]);

  // Live preview, debounced; only the answer to the latest structure is shown.
  useEffect(() => {
    if (!structure || !owner) {
      setPreview({ busy: false, data: null, error: null });
      return undefined;
    }
    const seq = ++previewSeq.current;
    setPreview((p) => ({ ...p, busy: true }));
    const timer = setTimeout(async () => {
      try {
        const data = await api.post('/api/compounds/preview', { structure, format, start_up: owner });
        if (seq === previewSeq.current) setPreview({ busy: false, data, error: null });
      } catch (e) {
        if (seq === previewSeq.current) setPreview({ busy: false, data: null, error: e });
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [structure, format, owner]);

  if (loading) return <Loading />;
  if (!canRegister(user)) {
    return (
      <>
        <PageHeader title={t('register.title')} />
        <p>{user ? t('register.notAllowed') : <Link to="/login?next=/register">{t('common.signInFirst')}</Link>}</p>
      </>
    );
  }

  const setBatchField = (name) => (e) => setBatch({ ...batch, [name]: e.target.value });
  const structureError = fieldError('structure') || preview.error;

  const save = async (e) => {
    e.preventDefault();
    setError(null);
    if (!structure) {
      setError(Object.assign(new Error(t('register.needStructure')), {}));
      return;
    }
    const batchBody = {};
    for (const name of BATCH_FIELDS) {
      const value = batch[name];
      if (value === undefined || value === '') continue;
      batchBody[name] = name === 'amount' || name === 'purity' ? Number(value) : value;
    }
    if (batchBody.amount === undefined) delete batchBody.unit;
    setSaving(true);
    try {
      const body = { structure, format, batch: batchBody };
      if (owner) body.start_up = owner;
      const result = await api.post('/api/compounds', body);
      navigate(`/compounds/${result.compound.id}?registered=${encodeURIComponent(result.outcome)}&batch=${encodeURIComponent(result.batch.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <PageHeader title={t('register.title')} subtitle={t('register.subtitle')} />
      {!user.start_up && (
        <Field label={t('register.startUp')} as="select" value={startUp} onChange={(e) => setStartUp(e.target.value)}
          error={fieldError('start_up')} required className="narrow-field">
          <option value="">{t('register.chooseStartUp')}</option>
          {startUps.items.map((s) => (
            <option key={s.id} value={s.id}>{s.name}</option>
          ))}
        </Field>
      )}
      <div className={'register-grid source-' + source}>
        <section className="panel structure-input" aria-labelledby="structure-heading">
          <h2 id="structure-heading">{t('register.structure')}</h2>
          <Tabs idPrefix="source" label={t('register.source')} selected={source} onSelect={setSource}
            tabs={SOURCES.map((s) => [s, t('register.source.' + s)])} />
          <div role="tabpanel" id="source-panel" aria-labelledby={'source-tab-' + source}>
            {source === 'smiles' && (
              <Field label={t('register.smiles')} as="textarea" rows={3} value={smiles} spellCheck={false}
                onChange={(e) => setSmiles(e.target.value)} error={structureError} hint={t('register.smilesHint')}
                className="mono-input" name="smiles" />
            )}
            {structureError && structureError.details && structureError.details.reason === 'mixture' && (
              <p className="notice" data-testid="mixture-notice">
                {t('register.mixture')}{' '}
                <Link to={`/substances/new?components=${encodeURIComponent(structureError.details.components || '')}`}>{t('register.mixtureLink')}</Link>
              </p>
            )}
            {source === 'draw' && (
              <>
                <Suspense fallback={<Loading />}>
                  <KetcherEditor onChange={setDrawn} onError={setEditorError} initialStructure={smiles.trim() || undefined}
                    label={t('register.editor')} />
                </Suspense>
                {editorError && <p className="error" role="alert">{editorError}</p>}
                <ErrorMessage error={structureError} />
              </>
            )}
            {source === 'molfile' && (
              <>
                <Field label={t('register.molfile')} type="file" accept=".mol,.sdf,.mdl,chemical/x-mdl-molfile"
                  hint={fileName || t('register.molfileHint')} error={structureError}
                  onChange={async (e) => {
                    const file = e.target.files[0];
                    if (!file) return;
                    setFileName(file.name);
                    setMolfile(await file.text());
                  }} />
                {molfile && <pre className="molfile" aria-label={t('register.molfile')}>{molfile.split('\n').slice(0, 12).join('\n')}</pre>}
              </>
            )}
          </div>
        </section>
        <section className="panel preview" aria-labelledby="preview-heading" aria-live="polite">
          <h2 id="preview-heading">{t('register.preview')}</h2>
          {!owner && <p className="muted">{t('register.chooseStartUpFirst')}</p>}
          {owner && !structure && <p className="muted">{t(source === 'draw' ? 'register.previewEmptyDraw' : 'register.previewEmpty')}</p>}
          {preview.busy && <p className="muted" role="status">{t('register.checking')}</p>}
          {preview.data && (
            <>
              <SvgImage svg={preview.data.depiction_svg} alt={t('register.previewAlt')} width={300} height={200} />
              <Verdict preview={preview.data} />
            </>
          )}
        </section>
      </div>
      <form className="form register" onSubmit={save} noValidate>
        <ErrorMessage error={generalError(['structure', 'start_up', ...BATCH_FIELDS.map((f) => 'batch.' + f), 'batch'])} />
        <fieldset className="panel batch">
          <legend>{t('register.batch')}</legend>
          <div className="form-row">
            <Field label={t('batch.amount')} type="number" min="0" step="any" value={batch.amount || ''}
              onChange={setBatchField('amount')} error={fieldError('batch.amount')} name="amount" />
            <Field label={t('batch.unit')} as="select" value={batch.unit || ''} onChange={setBatchField('unit')} error={fieldError('batch.unit')}>
              {UNITS.map((u) => (
                <option key={u} value={u}>{u.replace('u', 'µ')}</option>
              ))}
            </Field>
            <Field label={t('batch.purity') + ' (%)'} type="number" min="0" max="100" step="any" value={batch.purity || ''}
              onChange={setBatchField('purity')} error={fieldError('batch.purity')} name="purity" />
            <Field label={t('batch.preparedOn')} type="date" value={batch.prepared_on || ''}
              onChange={setBatchField('prepared_on')} error={fieldError('batch.prepared_on')} />
          </div>
          <details className="more-fields">
            <summary>{t('register.moreBatchFields')}</summary>
            <div className="form-row">
              <Field label={t('batch.researcher')} value={batch.researcher || ''} onChange={setBatchField('researcher')}
                error={fieldError('batch.researcher')} name="researcher" />
              <Field label={t('batch.notebookRef')} value={batch.notebook_ref || ''} onChange={setBatchField('notebook_ref')}
                error={fieldError('batch.notebook_ref')} name="notebook_ref" />
              <Field label={t('batch.storage')} value={batch.storage || ''} onChange={setBatchField('storage')}
                error={fieldError('batch.storage')} />
            </div>
            <Field label={t('batch.notes')} as="textarea" rows={2} value={batch.notes || ''} onChange={setBatchField('notes')}
              error={fieldError('batch.notes')} />
          </details>
        </fieldset>
        <div className="form-actions">
          <button type="submit" disabled={saving || !structure || !owner}>
            {saving ? t('register.saving') : t('register.save')}
          </button>
          {!structure && <span className="muted small">{t('register.needStructure')}</span>}
        </div>
      </form>
    </>
  );
}
