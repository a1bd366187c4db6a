// One parent compound: structure, identity layers, properties, forms and batches, related
// parents, visibility and history. GET /api/compounds/{id}, PATCH /api/compounds/{id}
// {visibility, reason}, GET /api/compounds/{id}/history.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useQuery } from '../router.jsx';
import { useStartUps } from '../startUps.jsx';
import { History } from '../components/History.jsx';
import { VisibilityControl } from '../components/Visibility.jsx';
import { CompoundRoutes } from './Routes.jsx';
import { CompoundProducts } from './Products.jsx';
import { Depiction, Empty, ErrorMessage, Loading, PageHeader, SortHeader, TableFoot, useLoad, useTable, VisibilityBadge } from '../components/ui.jsx';
import { RetireButton } from './ProductTeam.jsx';
import { formLabel } from './formLabel.js';
import { canRegister, useSession } from '../session.jsx';

// The most similar compounds the caller may see (GET /api/compounds/{id}/neighbours); other
// start-ups' unshared compounds never show here, not even as a signal.
function Neighbours({ compound }) {
  const { t, formatNumber } = useI18n();
  const startUps = useStartUps();
  // Only compounds that are actually close: a Tanimoto of 0.12 is no neighbour.
  const data = useLoad((signal) => api.get(`/api/compounds/${compound}/neighbours`, { k: 6, threshold: 0.35 }, { signal }), [compound]);
  return (
    <section className="panel" aria-labelledby="neighbours">
      <h2 id="neighbours">{t('compound.neighbours')}</h2>
      {data.loading && !data.data && <Loading />}
      <ErrorMessage error={data.error} />
      {data.data && data.data.neighbours.length === 0 && <Empty>{t('compound.noNeighbours')}</Empty>}
      {data.data && data.data.neighbours.length > 0 && (
        <ul className="neighbours">
          {data.data.neighbours.map((n) => (
            <li key={n.compound.id}>
              <Link to={`/compounds/${n.compound.id}`}>
                <Depiction compound={n.compound} width={120} height={90} />
                <span className="mono">{n.compound.id}</span>
              </Link>
              <span className="small">
                {t('search.score')} {formatNumber(n.similarity, 2)} · {startUps.name(n.compound.start_up)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const PROPERTY_ORDER = [
  ['average_mass', 3, 'g/mol'],
  ['monoisotopic_mass', 5, 'Da'],
  ['clogp', 2, ''],
  ['tpsa', 2, 'Å²'],
  ['hbd', 0, ''],
  ['hba', 0, ''],
  ['rotatable_bonds', 0, ''],
  ['heavy_atoms', 0, ''],
  ['rings', 0, ''],
  ['aromatic_rings', 0, ''],
  ['fraction_sp3', 3, ''],
  ['formal_charge', 0, ''],
];

function Definition({ term, children, mono }) {
  return (
    <>
      <dt>{term}</dt>
      <dd className={mono ? 'mono' : undefined}>{children || '—'}</dd>
    </>
  );
}

function RelatedFlags({ flags }) {
  const { t } = useI18n();
  if (!flags || flags.length === 0) return null;
  return (
    <ul className="flags">
      {flags.map((f) => (
        <li key={f.relation + f.compound} className={'flag flag-' + f.relation}>
          {t('flag.' + f.relation)}{' '}
          <Link to={`/compounds/${f.compound}`}>{f.compound}</Link>
        </li>
      ))}
    </ul>
  );
}

// The owning start-up's members and leads, and administrators, retire records.
function mayRetire(user, compound) {
  return canRegister(user) && (user.role === 'admin' || user.start_up === compound.start_up);
}

// Amounts compared in their base unit (g, mL or mol): 500 mg sorts before 2 g.
const BASE = { mg: 1e-3, g: 1, kg: 1e3, t: 1e6, uL: 1e-3, mL: 1, L: 1e3, m3: 1e6, umol: 1e-6, mmol: 1e-3, mol: 1 };
const batchColumns = {
  id: (b) => b.id,
  amount: (b) => (b.amount === null || b.amount === undefined ? null : b.amount * (BASE[b.unit] || 1)),
  purity: (b) => b.purity,
  prepared: (b) => b.prepared_on,
  researcher: (b) => b.researcher,
  notebook: (b) => b.notebook_ref,
  storage: (b) => b.storage,
  registered: (b) => b.created_at,
};

function BatchesTable({ batches, compound, onChanged }) {
  const { t, formatNumber, formatDate } = useI18n();
  const { user } = useSession();
  const table = useTable(batches, batchColumns);
  const retire = mayRetire(user, compound) && !compound.retired_at;
  if (!batches.length) return <Empty>{t('compound.noBatches')}</Empty>;
  return (
    <div className="table-wrap">
      <table className="batches">
        <thead>
          <tr>
            <SortHeader table={table} column="id">{t('batch.id')}</SortHeader>
            <SortHeader table={table} column="amount">{t('batch.amount')}</SortHeader>
            <SortHeader table={table} column="purity">{t('batch.purity')}</SortHeader>
            <SortHeader table={table} column="prepared">{t('batch.preparedOn')}</SortHeader>
            <SortHeader table={table} column="researcher">{t('batch.researcher')}</SortHeader>
            <SortHeader table={table} column="notebook">{t('batch.notebookRef')}</SortHeader>
            <SortHeader table={table} column="storage">{t('batch.storage')}</SortHeader>
            <SortHeader table={table} column="registered">{t('batch.registered')}</SortHeader>
            {retire && <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((b) => (
            <tr key={b.id} className={b.retired_at ? 'retired' : undefined}>
              <th scope="row" className="mono">{b.id}</th>
              <td>{b.amount !== null ? `${formatNumber(b.amount, 4)} ${b.unit || ''}` : '—'}</td>
              <td>{b.purity !== null ? `${formatNumber(b.purity, 2)} %` : '—'}</td>
              <td>{b.prepared_on ? formatDate(b.prepared_on) : '—'}</td>
              <td>{b.researcher || '—'}</td>
              <td>{b.notebook_ref || '—'}</td>
              <td>{b.storage || '—'}</td>
              <td>{formatDate(b.created_at)}</td>
              {retire && (
                <td>
                  {!b.retired_at && (
                    <RetireButton path={`/api/batches/${b.id}/retire`} title={t('batch.retireTitle', { id: b.id })}
                      message={t('batch.retireWhat')} onDone={onChanged} />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <TableFoot table={table} />
    </div>
  );
}

function formComponents(form) {
  if (!Array.isArray(form.components) || form.components.length === 0) return '';
  return form.components
    .map((c) => (typeof c === 'object' ? [c.smiles || c.name || '', c.count ? `× ${c.count}` : ''].join(' ') : String(c)))
    .join(', ');
}

export function CompoundPage({ id }) {
  const { t, formatNumber, formatDate } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const query = useQuery();
  const [version, setVersion] = useState(0);
  const compound = useLoad((signal) => api.get(`/api/compounds/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);

  if (compound.loading && !compound.data) return <Loading />;
  if (compound.error) {
    return (
      <>
        <PageHeader title={id} />
        <ErrorMessage error={compound.error} />
      </>
    );
  }
  const c = compound.data;
  const steps = Array.isArray(c.standardization.steps) ? c.standardization.steps : [];
  return (
    <>
      <PageHeader
        title={c.name ? `${c.name} (${c.id})` : c.id}
        subtitle={`${c.formula} · ${formatNumber(c.mw, 3)} g/mol · ${startUps.name(c.start_up)}`}
        actions={
          <>
            <VisibilityBadge visibility={c.visibility} />
            {mayRetire(user, c) && !c.retired_at && (
              <RetireButton path={`/api/compounds/${c.id}/retire`} title={t('compound.retireTitle', { id: c.id })}
                message={t('compound.retireWhat')} onDone={() => setVersion((v) => v + 1)} />
            )}
          </>
        }
      />
      {c.retired_at && <p className="notice warning-notice">{t('compound.retired', { reason: c.retired_reason || '' })}</p>}
      {query.get('registered') && (
        <p className="notice" role="status">
          {t('register.done.' + query.get('registered'), { batch: query.get('batch') || '' })}
        </p>
      )}
      <RelatedFlags flags={c.related} />
      <VisibilityControl record={c} path={`/api/compounds/${c.id}`} onChanged={() => setVersion((v) => v + 1)} />
      <div className="compound-top">
        <figure className="structure-panel">
          <Depiction compound={c} width={420} height={300} />
          <figcaption className="mono small">{c.canonical_smiles}</figcaption>
        </figure>
        <section className="panel" aria-labelledby="identity">
          <h2 id="identity">{t('compound.identity')}</h2>
          <dl className="definitions">
            {c.name && <Definition term={t('compound.name')}>{c.name}</Definition>}
            {Array.isArray(c.synonyms) && c.synonyms.length > 0 && (
              <Definition term={t('compound.synonyms')}>{c.synonyms.join('; ')}</Definition>
            )}
            {c.cas && <Definition term="CAS">{c.cas}</Definition>}
            <Definition term={t('compound.formula')}>{c.formula}</Definition>
            <Definition term="InChIKey" mono>{c.inchikey}</Definition>
            <Definition term="InChI" mono>{c.inchi}</Definition>
            <Definition term={t('compound.canonicalSmiles')} mono>{c.layers.canonical_smiles}</Definition>
            <Definition term={t('compound.noStereoSmiles')} mono>{c.layers.no_stereo_smiles}</Definition>
            <Definition term={t('compound.tautomerHash')} mono>{c.layers.tautomer_hash}</Definition>
            <Definition term={t('compound.noStereoTautomerHash')} mono>{c.layers.no_stereo_tautomer_hash}</Definition>
            <Definition term={t('compound.fullHash')} mono>{c.layers.full_hash}</Definition>
          </dl>
        </section>
      </div>

      <section className="panel" aria-labelledby="properties">
        <h2 id="properties">{t('compound.properties')}</h2>
        <dl className="definitions columns">
          {PROPERTY_ORDER.map(([key, digits, unit]) => (
            <Definition key={key} term={t('property.' + key)}>
              {c.properties[key] !== undefined ? `${formatNumber(c.properties[key], digits)}${unit ? ' ' + unit : ''}` : '—'}
            </Definition>
          ))}
        </dl>
      </section>

      <section className="panel" aria-labelledby="forms">
        <h2 id="forms">{t('compound.formsAndBatches')}</h2>
        {c.forms.length === 0 && <Empty>{t('compound.noForms')}</Empty>}
        {c.forms.map((f) => (
          <div key={f.id} className="form-block">
            <h3>
              <span className="mono">{f.id}</span> — {formLabel(t, f.label)}
              {formComponents(f) && <small className="muted"> ({formComponents(f)})</small>}
            </h3>
            <BatchesTable batches={c.batches.filter((b) => b.form === f.id)} compound={c} onChanged={() => setVersion((v) => v + 1)} />
          </div>
        ))}
      </section>

      <div className="two-columns">
        <CompoundRoutes compound={c.id} />
        <CompoundProducts compound={c.id} />
      </div>

      <Neighbours compound={c.id} />

      <section className="panel" aria-labelledby="standardisation">
        <h2 id="standardisation">{t('compound.standardisation')}</h2>
        <p className="muted">{c.standardization.pipeline}</p>
        {steps.length > 0 && (
          <ol className="steps">
            {steps.map((s, i) => (
              <li key={i}>{typeof s === 'string' ? s : JSON.stringify(s)}</li>
            ))}
          </ol>
        )}
        <p className="muted small">
          {t('compound.created', { date: formatDate(c.created_at) })}
        </p>
      </section>

      <section className="panel" aria-labelledby="history">
        <h2 id="history">{t('compound.history')}</h2>
        <History path={`/api/compounds/${c.id}/history`} version={version} />
      </section>
    </>
  );
}
