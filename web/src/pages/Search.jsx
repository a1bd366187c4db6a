// Search. One box understands registry codes, InChIKeys, CAS numbers, formulas, SMILES and
// names (queryKind.js) and says what it understood; the structure modes search exactly, by
// substructure (matched atoms highlighted) or by similarity (scores), with a query typed or
// drawn in the structure editor. The search lives in the URL (?mode=&q=&...) so results can be
// linked and the back button works.
//   codes        GET /api/compounds/{id}, GET /api/products/{id}
//   InChIKey, formula, filters   GET /api/compounds
//   SMILES and drawn structures  POST /api/search (substructure counts every hit: count_all)
//   names, CAS   GET /api/compounds?q= (names, synonyms, CAS of parents) and GET /api/products?q=
import { lazy, Suspense, useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useQuery, useRouter } from '../router.jsx';
import { useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { classifyQuery, isSmiles } from '../queryKind.js';
import { Depiction, Empty, ErrorMessage, Field, Loading, PageHeader, Pager, useFormError, VisibilityBadge } from '../components/ui.jsx';
import { ProductCard } from './Products.jsx';

const KetcherEditor = lazy(() => import('../components/KetcherEditor.jsx'));

const MODES = ['auto', 'substructure', 'similarity', 'exact', 'properties'];
const STRUCTURE_MODES = ['substructure', 'similarity', 'exact'];
export const PAGE_SIZES = [12, 24, 48];

function paramsFromUrl(query) {
  const mode = query.get('mode');
  const size = Number(query.get('page_size'));
  return {
    mode: MODES.includes(mode) ? mode : 'auto',
    q: query.get('q') || '',
    threshold: query.get('threshold') || '0.6',
    startUp: query.get('start_up') || '',
    mwMin: query.get('mw_min') || '',
    mwMax: query.get('mw_max') || '',
    page: Number(query.get('page') || 0),
    pageSize: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0],
  };
}

export function searchUrl(p) {
  const s = new URLSearchParams();
  if (p.mode && p.mode !== 'auto') s.set('mode', p.mode);
  if (p.q) s.set('q', p.q);
  if (p.mode === 'similarity') s.set('threshold', p.threshold);
  if (p.startUp) s.set('start_up', p.startUp);
  if (p.mwMin) s.set('mw_min', p.mwMin);
  if (p.mwMax) s.set('mw_max', p.mwMax);
  if (p.page) s.set('page', String(p.page));
  if (p.pageSize && p.pageSize !== PAGE_SIZES[0]) s.set('page_size', String(p.pageSize));
  const text = s.toString();
  return '/search' + (text ? '?' + text : '');
}

// The understood kind of an automatic search (null for the explicit modes).
function understood(p) {
  return p.mode === 'auto' ? classifyQuery(p.q) : null;
}

async function compoundList(p, extra, signal) {
  const query = { page: p.page, page_size: p.pageSize, start_up: p.startUp, mw_min: p.mwMin, mw_max: p.mwMax, ...extra };
  const body = await api.get('/api/compounds', query, { signal });
  return { hits: body.items.map((compound) => ({ compound })), total: body.total, complete: true };
}

async function structureSearch(p, type, signal) {
  const filters = {};
  if (p.startUp) filters.start_up = Number(p.startUp);
  if (p.mwMin) filters.mw_min = Number(p.mwMin);
  if (p.mwMax) filters.mw_max = Number(p.mwMax);
  const body = { type, query: p.q.trim(), page: p.page, page_size: p.pageSize };
  if (type === 'similarity') body.threshold = Number(p.threshold);
  if (type === 'substructure') body.count_all = true;
  if (Object.keys(filters).length) body.filters = filters;
  return { ...(await api.post('/api/search', body, { signal })), searched: type };
}

async function runSearch(p, signal) {
  if (STRUCTURE_MODES.includes(p.mode)) return structureSearch(p, p.mode, signal);
  if (p.mode === 'properties') return compoundList(p, {}, signal);
  const { kind, text } = classifyQuery(p.q);
  switch (kind) {
    case 'code': {
      const parent = text.match(/^CMP-\d+/)[0];
      const compound = await api.get(`/api/compounds/${encodeURIComponent(parent)}`, undefined, { signal });
      return { hits: [{ compound }], total: 1, complete: true };
    }
    case 'product': {
      const product = await api.get(`/api/products/${encodeURIComponent(text)}`, undefined, { signal });
      return { hits: [], products: [product], total: 1, complete: true };
    }
    case 'inchikey':
      return compoundList(p, { inchikey: text }, signal);
    case 'formula':
      return compoundList(p, { formula: text }, signal);
    case 'smiles':
      return structureSearch(p, 'substructure', signal);
    case 'name':
    case 'cas': {
      // Parents by name, synonym or CAS number, and products by name: both lists, one pager.
      const [compounds, products] = await Promise.all([
        compoundList(p, { q: text }, signal),
        api.get('/api/products', { q: text, page: p.page, page_size: p.pageSize }, { signal }),
      ]);
      return {
        hits: compounds.hits,
        products: products.items,
        total: compounds.total + products.total,
        pagerTotal: Math.max(compounds.total, products.total),
        complete: true,
      };
    }
    default:
      return compoundList(p, {}, signal);
  }
}

function Hit({ hit, highlightAtoms, showScore }) {
  const { t, formatNumber } = useI18n();
  const startUps = useStartUps();
  const c = hit.compound;
  const highlight = highlightAtoms ? hit.matched_atoms : undefined;
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
        {typeof hit.score === 'number' && showScore && (
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

// "Understood as a formula" and the other readings the text allows, as links.
function Understanding({ params }) {
  const { t } = useI18n();
  const u = understood(params);
  if (!u || u.kind === 'empty') return null;
  const alternatives = [];
  if (u.kind === 'smiles') {
    alternatives.push(['exact', t('search.asExact')], ['similarity', t('search.asSimilarity')]);
  } else if (isSmiles(u.text)) {
    alternatives.push(['substructure', t('search.asStructure')]);
  }
  return (
    <p className="understood" data-kind={u.kind}>
      {t('search.understood', { kind: t('search.kind.' + u.kind) })}
      {alternatives.map(([mode, label]) => (
        <span key={mode}>
          {' · '}
          <Link to={searchUrl({ ...params, mode, page: 0 })}>{label}</Link>
        </span>
      ))}
    </p>
  );
}

export function ResultCount({ total, complete }) {
  const { t } = useI18n();
  return (
    <p className="result-count" role="status">
      {complete === false ? t('search.countAtLeast', { n: total }) : t('search.count', { n: total })}
    </p>
  );
}

export function PageSizeChoice({ value, onChange }) {
  const { t } = useI18n();
  return (
    <label className="page-size">
      {t('pager.pageSize')}{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {PAGE_SIZES.map((n) => (
          <option key={n} value={n}>{n}</option>
        ))}
      </select>
    </label>
  );
}

export function SearchPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const query = useQuery();
  const { navigate } = useRouter();
  const startUps = useStartUps();
  const params = paramsFromUrl(query);
  const [draft, setDraft] = useState(params);
  const [drawing, setDrawing] = useState(false);
  const [result, setResult] = useState({ loading: false, data: null });
  const { error, setError, fieldError, generalError } = useFormError();
  const key = searchUrl(params);

  useEffect(() => setDraft(paramsFromUrl(query)), [query]);
  useEffect(() => {
    const p = paramsFromUrl(query);
    if (p.mode !== 'properties' && !p.q.trim()) {
      setResult({ loading: false, data: null });
      setError(null);
      return undefined;
    }
    const controller = new AbortController();
    setResult({ loading: true, data: null });
    setError(null);
    runSearch(p, controller.signal)
      .then((data) => setResult({ loading: false, data, key }))
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
    navigate(searchUrl({ ...draft, page: 0 }));
  };
  const set = (name) => (e) => setDraft({ ...draft, [name]: e.target.value });
  const structureMode = STRUCTURE_MODES.includes(draft.mode);
  // The answer shown is the answer to the search in the URL, never the previous one.
  const data = result.key === key ? result.data : null;
  const searched = data && data.searched;
  const live = classifyQuery(draft.q);
  // An error about the query itself (RDKit cannot read it, a lone atom, ...) belongs under
  // the field; "not found" for a code is an answer, not an error.
  const notFound = error instanceof ApiError && error.status === 404 && params.mode === 'auto';

  return (
    <>
      <PageHeader title={t('search.title')} subtitle={t('search.subtitle')} />
      <form className="form search-form" onSubmit={submit} role="search">
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
            className="grow mono-input"
            label={structureMode ? t('search.structure') : t('search.text')}
            hint={
              structureMode
                ? t('search.structureHint.' + draft.mode)
                : draft.mode === 'auto' && live.kind !== 'empty'
                  ? t('search.willUnderstand', { kind: t('search.kind.' + live.kind) })
                  : t('search.textHint')
            }
            value={draft.q}
            onChange={set('q')}
            error={fieldError('query') || fieldError('q')}
            spellCheck={false}
            autoComplete="off"
            name="q"
          />
          {draft.mode === 'similarity' && (
            <Field label={t('search.threshold')} type="number" min="0" max="1" step="0.05" value={draft.threshold}
              onChange={set('threshold')} error={fieldError('threshold')} />
          )}
        </div>
        <div className="form-actions">
          <button type="submit">{t('search.submit')}</button>
          <button type="button" className="secondary" aria-expanded={drawing} onClick={() => setDrawing(!drawing)}>
            {drawing ? t('search.hideEditor') : t('search.draw')}
          </button>
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
      </form>
      {drawing && (
        // Outside the search form: the editor's buttons never submit it.
        <section className="panel query-editor" aria-label={t('search.editor')}>
          <p className="muted small">{t('search.editorHint')}</p>
          <Suspense fallback={<Loading />}>
            <KetcherEditor
              format="smiles"
              label={t('search.editor')}
              initialStructure={isSmiles(draft.q.trim()) ? draft.q.trim() : undefined}
              onChange={(smiles) =>
                setDraft((d) => ({ ...d, q: smiles || '', mode: STRUCTURE_MODES.includes(d.mode) ? d.mode : 'substructure' }))}
            />
          </Suspense>
        </section>
      )}

      <section aria-live="polite" aria-labelledby="search-results">
        <h2 id="search-results" className="visually-hidden">{t('search.results')}</h2>
        <Understanding params={params} />
        {notFound ? (
          <Empty>{t('search.codeNotFound', { code: params.q.trim() })}</Empty>
        ) : (
          <ErrorMessage error={generalError(['query', 'q', 'threshold', 'start_up', 'mw_min', 'mw_max', 'filters.start_up', 'filters.mw_min', 'filters.mw_max'])} />
        )}
        {result.loading && <Loading />}
        {data && (
          <>
            <div className="results-head">
              <ResultCount total={data.total} complete={data.complete} />
              <PageSizeChoice value={params.pageSize} onChange={(pageSize) => navigate(searchUrl({ ...params, pageSize, page: 0 }))} />
            </div>
            {data.complete === false && <p className="muted small">{t('search.incompleteWhy')}</p>}
            {data.hits.length === 0 && !(data.products && data.products.length) && <Empty>{t('search.none')}</Empty>}
            {data.products && data.products.length > 0 && (
              <div className="card-grid">
                {data.products.map((product) => (
                  <ProductCard key={product.id} product={product} />
                ))}
              </div>
            )}
            {data.hits.length > 0 && (
              <div className="card-grid">
                {data.hits.map((h) => (
                  <Hit key={h.compound.id} hit={h} highlightAtoms={searched === 'substructure'} showScore={searched === 'similarity'} />
                ))}
              </div>
            )}
            <Pager page={params.page} pageSize={params.pageSize} total={data.pagerTotal ?? data.total} atLeast={data.complete === false}
              onPage={(page) => navigate(searchUrl({ ...params, page }))} />
          </>
        )}
        {!data && !result.loading && !error && params.mode !== 'properties' && (
          <Empty>{t(user ? 'search.prompt' : 'search.promptPublic')}</Empty>
        )}
      </section>
    </>
  );
}
