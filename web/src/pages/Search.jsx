// Search: by identity and properties (GET /api/compounds filters) and by structure
// (POST /api/search: exact, substructure with matched atoms highlighted, similarity with
// scores). The search lives in the URL (?mode=&q=&...) so results can be linked and the
// back button works.
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useQuery, useRouter } from '../router.jsx';
import { useStartUps } from '../startUps.jsx';
import { Depiction, Empty, ErrorMessage, Field, Loading, PageHeader, Pager, useFormError, VisibilityBadge } from '../components/ui.jsx';

const MODES = ['substructure', 'similarity', 'exact', 'properties'];
const PAGE_SIZE = 12;
const INCHIKEY = /^[A-Z]{14}-[A-Z]{10}-[A-Z]$/;
const FORMULA = /^([A-Z][a-z]?\d*)+$/;
// A name ("methyl oleate", "glycerol") or a CAS number: searched by text, not as a structure.
const NAME_LIKE = /\s|^\d{2,7}-\d\d-\d$|^[A-Za-z][a-z]{3,}/;

function paramsFromUrl(query) {
  const q = query.get('q') || '';
  let mode = query.get('mode');
  if (!MODES.includes(mode)) {
    // A bare catalogue query: names, CAS numbers, identifiers and formulas are text
    // searches, anything else is taken as a structure.
    mode =
      !q || INCHIKEY.test(q) || FORMULA.test(q) || NAME_LIKE.test(q) || /^CMP-\d+$/i.test(q)
        ? 'properties'
        : 'substructure';
  }
  return {
    mode,
    q,
    threshold: query.get('threshold') || '0.6',
    startUp: query.get('start_up') || '',
    mwMin: query.get('mw_min') || '',
    mwMax: query.get('mw_max') || '',
    page: Number(query.get('page') || 0),
  };
}

function toUrl(p) {
  const s = new URLSearchParams();
  s.set('mode', p.mode);
  if (p.q) s.set('q', p.q);
  if (p.mode === 'similarity') s.set('threshold', p.threshold);
  if (p.startUp) s.set('start_up', p.startUp);
  if (p.mwMin) s.set('mw_min', p.mwMin);
  if (p.mwMax) s.set('mw_max', p.mwMax);
  if (p.page) s.set('page', String(p.page));
  return '/search?' + s.toString();
}

async function runSearch(p, signal) {
  if (p.mode === 'properties') {
    const query = { page: p.page, page_size: PAGE_SIZE, start_up: p.startUp, mw_min: p.mwMin, mw_max: p.mwMax };
    const text = p.q.trim();
    if (/^CMP-\d+$/i.test(text)) {
      const compound = await api.get(`/api/compounds/${encodeURIComponent(text.toUpperCase())}`, undefined, { signal });
      return { hits: [{ compound }], total: 1, complete: true };
    }
    // Names, synonyms, CAS numbers, formulas, InChIKeys and codes (GET /api/compounds?q=).
    if (text) query.q = text;
    const body = await api.get('/api/compounds', query, { signal });
    return { hits: body.items.map((compound) => ({ compound })), total: body.total, complete: true };
  }
  const filters = {};
  if (p.startUp) filters.start_up = Number(p.startUp);
  if (p.mwMin) filters.mw_min = Number(p.mwMin);
  if (p.mwMax) filters.mw_max = Number(p.mwMax);
  const body = { type: p.mode, query: p.q, page: p.page, page_size: PAGE_SIZE };
  if (p.mode === 'similarity') body.threshold = Number(p.threshold);
  if (Object.keys(filters).length) body.filters = filters;
  return api.post('/api/search', body, { signal });
}

function Hit({ hit, mode }) {
  const { t, formatNumber } = useI18n();
  const startUps = useStartUps();
  const c = hit.compound;
  const highlight = mode === 'substructure' ? hit.matched_atoms : undefined;
  return (
    <article className="card compound-card">
      <Link to={`/compounds/${c.id}`} className="card-link" aria-label={t('compound.open', { id: c.id })}>
        <Depiction compound={c} width={240} height={160} highlight={highlight} />
      </Link>
      <div className="card-body">
        <h3>
          <Link to={`/compounds/${c.id}`}>{c.id}</Link>
        </h3>
        {c.name && <p className="compound-name">{c.name}</p>}
        <p className="formula">
          {c.formula} · {formatNumber(c.mw, 2)} g/mol
        </p>
        <p className="muted">{startUps.name(c.start_up)}</p>
        {typeof hit.score === 'number' && mode === 'similarity' && (
          <p className="score">
            {t('search.score')} <strong>{formatNumber(hit.score, 3)}</strong>
            <meter min="0" max="1" value={hit.score} aria-hidden="true" />
          </p>
        )}
        {highlight && highlight.length > 0 && <p className="muted small">{t('search.matchedAtoms', { n: highlight.length })}</p>}
        <VisibilityBadge visibility={c.visibility} />
      </div>
    </article>
  );
}

export function SearchPage() {
  const { t } = useI18n();
  const query = useQuery();
  const { navigate } = useRouter();
  const startUps = useStartUps();
  const params = paramsFromUrl(query);
  const [draft, setDraft] = useState(params);
  const [result, setResult] = useState({ loading: false, data: null });
  const { error, setError, fieldError, generalError } = useFormError();
  const key = toUrl(params);

  useEffect(() => setDraft(paramsFromUrl(query)), [query]);
  useEffect(() => {
    const p = paramsFromUrl(query);
    if (p.mode !== 'properties' && !p.q) {
      setResult({ loading: false, data: null });
      return undefined;
    }
    const controller = new AbortController();
    setResult({ loading: true, data: null });
    setError(null);
    runSearch(p, controller.signal)
      .then((data) => setResult({ loading: false, data }))
      .catch((e) => {
        if (controller.signal.aborted) return;
        setError(e);
        setResult({ loading: false, data: null });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const submit = (e) => {
    e.preventDefault();
    navigate(toUrl({ ...draft, page: 0 }));
  };
  const set = (name) => (e) => setDraft({ ...draft, [name]: e.target.value });
  const structureMode = draft.mode !== 'properties';

  return (
    <>
      <PageHeader title={t('search.title')} subtitle={t('search.subtitle')} />
      <form className="form search-form" onSubmit={submit}>
        <fieldset className="mode-tabs">
          <legend>{t('search.mode')}</legend>
          {MODES.map((m) => (
            <label key={m} className={draft.mode === m ? 'selected' : undefined}>
              <input type="radio" name="mode" value={m} checked={draft.mode === m} onChange={set('mode')} />
              {t('search.mode.' + m)}
            </label>
          ))}
        </fieldset>
        <div className="form-row">
          <Field
            className="grow"
            label={structureMode ? t('search.structure') : t('search.text')}
            hint={structureMode ? t('search.structureHint.' + draft.mode) : t('search.textHint')}
            value={draft.q}
            onChange={set('q')}
            error={fieldError('query') || fieldError('q')}
            spellCheck={false}
            autoComplete="off"
          />
          {draft.mode === 'similarity' && (
            <Field label={t('search.threshold')} type="number" min="0" max="1" step="0.05" value={draft.threshold}
              onChange={set('threshold')} error={fieldError('threshold')} />
          )}
        </div>
        <details className="filters" open={!!(draft.startUp || draft.mwMin || draft.mwMax)}>
          <summary>{t('search.filters')}</summary>
          <div className="form-row">
            <Field label={t('search.startUp')} as="select" value={draft.startUp} onChange={set('startUp')}
              error={fieldError('start_up') || fieldError('filters.start_up')}>
              <option value="">{t('search.anyStartUp')}</option>
              {startUps.items.map((s) => (
                <option key={s.id} value={s.id}>{s.name}</option>
              ))}
            </Field>
            <Field label={t('search.mwMin')} type="number" min="0" step="any" value={draft.mwMin} onChange={set('mwMin')}
              error={fieldError('mw_min') || fieldError('filters.mw_min')} />
            <Field label={t('search.mwMax')} type="number" min="0" step="any" value={draft.mwMax} onChange={set('mwMax')}
              error={fieldError('mw_max') || fieldError('filters.mw_max')} />
          </div>
        </details>
        <button type="submit">{t('search.submit')}</button>
      </form>

      <section aria-live="polite" aria-labelledby="search-results">
        <h2 id="search-results" className="visually-hidden">{t('search.results')}</h2>
        <ErrorMessage error={generalError(['query', 'q', 'threshold', 'start_up', 'mw_min', 'mw_max', 'filters.start_up', 'filters.mw_min', 'filters.mw_max'])} />
        {result.loading && <Loading />}
        {result.data && (
          <>
            <p className="result-count">
              {t('search.count', { n: result.data.total })}
              {result.data.complete === false && <span className="warning"> {t('search.incomplete')}</span>}
            </p>
            {result.data.hits.length === 0 && <Empty>{t('search.none')}</Empty>}
            <div className="card-grid">
              {result.data.hits.map((h) => (
                <Hit key={h.compound.id} hit={h} mode={params.mode} />
              ))}
            </div>
            <Pager page={params.page} pageSize={PAGE_SIZE} total={result.data.total}
              onPage={(page) => navigate(toUrl({ ...params, page }))} />
          </>
        )}
        {!result.data && !result.loading && !error && params.mode !== 'properties' && <Empty>{t('search.prompt')}</Empty>}
      </section>
    </>
  );
}
