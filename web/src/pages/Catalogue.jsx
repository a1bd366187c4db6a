// The public catalogue: what the caller may see (anonymous callers and partners: public
// records only). A search box leads to the search page; public products are cards with the
// depiction of their compound, TRL and green-metrics badges (GET /api/catalogue); published
// compounds are cards with their depiction (GET /api/compounds).
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useRouter } from '../router.jsx';
import { useStartUps } from '../startUps.jsx';
import { Depiction, Empty, ErrorMessage, Loading, PageHeader, Pager, useLoad, VisibilityBadge } from '../components/ui.jsx';
import { ProductCard } from './Products.jsx';
import { searchUrl } from './Search.jsx';
import { ExportLinks } from '../components/Exports.jsx';
import { classifyQuery } from '../queryKind.js';

const PAGE_SIZE = 12;

export function CompoundCard({ compound, extra }) {
  const { t, formatNumber } = useI18n();
  const startUps = useStartUps();
  return (
    <article className="card compound-card">
      <Link to={`/compounds/${compound.id}`} className="card-link" aria-label={t('compound.open', { id: compound.id })}>
        <Depiction compound={compound} width={240} height={160} />
      </Link>
      <div className="card-body">
        <h3>
          <Link to={`/compounds/${compound.id}`}>{compound.id}</Link>
        </h3>
        {compound.name && <p className="compound-name">{compound.name}</p>}
        <p className="formula">
          {compound.formula} · {formatNumber(compound.mw, 2)} g/mol
        </p>
        <p className="muted">{startUps.name(compound.start_up)}</p>
        <VisibilityBadge visibility={compound.visibility} />
        {extra}
      </div>
    </article>
  );
}

export function SearchBox({ initial = '' }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [text, setText] = useState(initial);
  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(searchUrl({ q: text.trim() }));
      }}
    >
      <label htmlFor="catalogue-search" className="visually-hidden">
        {t('catalogue.search.label')}
      </label>
      <input
        id="catalogue-search"
        type="search"
        value={text}
        placeholder={t('catalogue.search.placeholder')}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">{t('catalogue.search.button')}</button>
      {text.trim() && (
        <p className="search-box-hint muted small" aria-live="polite">
          {t('search.willUnderstand', { kind: t('search.kind.' + classifyQuery(text).kind) })}
        </p>
      )}
      <Link to="/search?mode=substructure" className="button secondary">
        {t('catalogue.search.structure')}
      </Link>
    </form>
  );
}

function CatalogueProducts() {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const products = useLoad((signal) => api.get('/api/catalogue', { page, page_size: PAGE_SIZE }, { signal }), [page]);
  return (
    <section aria-labelledby="catalogue-products">
      <h2 id="catalogue-products">{t('catalogue.products')}</h2>
      {products.loading && !products.data && <Loading />}
      <ErrorMessage error={products.error} />
      {products.data && products.data.items.length === 0 && <Empty>{t('catalogue.noProducts')}</Empty>}
      {products.data && (
        <>
          <div className="card-grid">
            {products.data.items.map((p) => (
              <ProductCard key={p.id} product={p} />
            ))}
          </div>
          <Pager page={page} pageSize={PAGE_SIZE} total={products.data.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}

export function CataloguePage() {
  const { t } = useI18n();
  const [page, setPage] = useState(0);
  const compounds = useLoad(
    (signal) => api.get('/api/compounds', { page, page_size: PAGE_SIZE }, { signal }),
    [page],
  );
  return (
    <>
      <PageHeader title={t('catalogue.title')} subtitle={t('catalogue.subtitle')} />
      <SearchBox />
      <CatalogueProducts />
      <section aria-labelledby="catalogue-compounds">
        <div className="section-head">
          <h2 id="catalogue-compounds">{t('catalogue.compounds')}</h2>
          <ExportLinks kind="compounds" />
        </div>
        {compounds.loading && <Loading />}
        <ErrorMessage error={compounds.error} />
        {compounds.data && compounds.data.items.length === 0 && <Empty>{t('catalogue.empty')}</Empty>}
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
    </>
  );
}
