// Substances: what is not one molecule. The list (GET /api/substances with filters) and one
// substance (GET /api/substances/{id}): its composition as a stacked bar of typical values with
// each constituent's range and the batches' measured values, its properties, source, polymer
// data, batches with their certificates checked against the specification, a form to add a
// batch, visibility and history.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useQuery, useRouter } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ExportLinks } from '../components/Exports.jsx';
import { History } from '../components/History.jsx';
import { VisibilityControl } from '../components/Visibility.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, Pager, useFormError, useLoad, VisibilityBadge } from '../components/ui.jsx';
import { RetireButton } from './ProductTeam.jsx';
import { SubstanceImport } from './SubstanceImport.jsx';

export const KINDS = ['mono_constituent', 'multi_constituent', 'uvcb', 'polymer', 'material'];
const UNITS = ['mg', 'g', 'kg', 't', 'uL', 'mL', 'L', 'm3'];
const COLOURS = ['#2f5d3a', '#b7791f', '#2b5c8a', '#8a3b5c', '#4a8a57', '#6b5b95', '#a4262c', '#3f7f7f', '#8c6d31', '#5b645e'];

function constituentLabel(k, t) {
  if (k.name) return k.name;
  if (k.compound) return k.compound.id;
  return t('substance.hidden');
}

function rangeText(formatNumber, min, max, typical) {
  if (min === null && max === null) return typical !== null && typical !== undefined ? formatNumber(typical, 4) : '—';
  return `${min !== null ? formatNumber(min, 4) : '…'} – ${max !== null ? formatNumber(max, 4) : '…'}`;
}

// The composition as SVG: one stacked bar of the typical values (they sum to about 100 %),
// then one row per constituent with its min–max range, its typical value and the values the
// batches measured (dots).
export function CompositionChart({ substance }) {
  const { t, formatNumber } = useI18n();
  const constituents = substance.constituents || [];
  if (!constituents.length) return null;
  const unit = (substance.composition && substance.composition.unit) || 'w/w';
  const measured = constituents.map(() => []);
  for (const batch of substance.batches || []) {
    for (const r of batch.certificate.results) {
      if (r.property) continue;
      const i = constituents.findIndex((k) =>
        r.compound_id ? k.compound_id === r.compound_id : (k.name || '').toLowerCase() === (r.name || '').toLowerCase());
      if (i >= 0) measured[i].push({ value: r.value, status: r.status, batch: batch.id });
    }
  }
  const width = 640;
  const labelWidth = 200;
  const plot = width - labelWidth - 20;
  const rowHeight = 24;
  const top = 58;
  const height = top + constituents.length * rowHeight + 28;
  const scaleMax = Math.min(100, Math.max(5, ...constituents.map((k) => Math.max(k.max ?? 0, k.typical)),
    ...measured.flat().map((m) => m.value)) * 1.1);
  const x = (v) => labelWidth + (Math.min(v, scaleMax) / scaleMax) * plot;
  let offset = 0;
  const title = t('substance.chart');
  return (
    <figure className="composition-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby="composition-chart-title" data-testid="composition-chart">
        <title id="composition-chart-title">{title}</title>
        {constituents.map((k, i) => {
          const w = (k.typical / 100) * (width - 20);
          const rect = (
            <rect key={'stack' + i} x={10 + offset} y={8} width={Math.max(w, 0.5)} height={20} fill={COLOURS[i % COLOURS.length]}>
              <title>{`${constituentLabel(k, t)}: ${formatNumber(k.typical, 3)} % ${unit}`}</title>
            </rect>
          );
          offset += w;
          return rect;
        })}
        <text x={10} y={44} className="chart-axis">0 %</text>
        <text x={width - 10} y={44} textAnchor="end" className="chart-axis">100 % {unit}</text>
        {constituents.map((k, i) => {
          const y = top + i * rowHeight;
          const lo = k.min ?? k.typical;
          const hi = k.max ?? k.typical;
          return (
            <g key={'row' + i} data-testid="chart-row">
              <rect x={4} y={y + 5} width={10} height={10} fill={COLOURS[i % COLOURS.length]} />
              <text x={20} y={y + 14} className="chart-label">{constituentLabel(k, t).slice(0, 28)}</text>
              <line x1={labelWidth} x2={labelWidth + plot} y1={y + 10} y2={y + 10} stroke="#d9ddd6" />
              <rect x={x(lo)} y={y + 4} width={Math.max(x(hi) - x(lo), 2)} height={12} fill={COLOURS[i % COLOURS.length]} opacity="0.3">
                <title>{`${t('substance.chartRange')}: ${rangeText(formatNumber, k.min, k.max, k.typical)} %`}</title>
              </rect>
              <line x1={x(k.typical)} x2={x(k.typical)} y1={y + 2} y2={y + 18} stroke={COLOURS[i % COLOURS.length]} strokeWidth="3">
                <title>{`${t('substance.chartTypical')}: ${formatNumber(k.typical, 3)} %`}</title>
              </line>
              {measured[i].map((m) => (
                <circle key={m.batch} cx={x(m.value)} cy={y + 10} r={4} className={'measured status-' + m.status}>
                  <title>{`${m.batch}: ${formatNumber(m.value, 3)} % (${t('batch.status.' + m.status)})`}</title>
                </circle>
              ))}
            </g>
          );
        })}
        <text x={labelWidth} y={height - 6} className="chart-axis">0</text>
        <text x={labelWidth + plot} y={height - 6} textAnchor="end" className="chart-axis">{formatNumber(scaleMax, 1)} %</text>
      </svg>
      <figcaption className="small muted">
        {title} · {t('substance.sum', { sum: formatNumber(substance.composition.typical_sum, 2), unit })}
      </figcaption>
    </figure>
  );
}

function ConstituentsTable({ substance }) {
  const { t, formatNumber } = useI18n();
  return (
    <div className="table-wrap">
      <table data-testid="constituents">
        <thead>
          <tr>
            <th scope="col">{t('substance.constituent')}</th>
            <th scope="col">{t('substance.role')}</th>
            <th scope="col">{t('substance.typical')}</th>
            <th scope="col">{t('substance.min')}</th>
            <th scope="col">{t('substance.max')}</th>
            <th scope="col">{t('substance.unit')}</th>
            <th scope="col">{t('substance.method')}</th>
          </tr>
        </thead>
        <tbody>
          {substance.constituents.map((k) => (
            <tr key={k.position}>
              <th scope="row">
                {k.compound ? <Link to={`/compounds/${k.compound.id}`}>{k.name || k.compound.id}</Link> : k.name || t('substance.hidden')}
                {k.compound && k.name && <span className="mono small"> {k.compound.id}</span>}
              </th>
              <td>{t('role.' + k.role)}</td>
              <td>{formatNumber(k.typical, 4)} %</td>
              <td>{k.min !== null ? formatNumber(k.min, 4) + ' %' : '—'}</td>
              <td>{k.max !== null ? formatNumber(k.max, 4) + ' %' : '—'}</td>
              <td>{k.unit}</td>
              <td>{k.method || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PropertiesTable({ substance }) {
  const { t, formatNumber } = useI18n();
  if (!substance.properties.length) return null;
  return (
    <section className="panel" aria-labelledby="substance-properties">
      <h2 id="substance-properties">{t('substance.properties')}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('substance.property')}</th>
              <th scope="col">{t('substance.typical')}</th>
              <th scope="col">{t('substance.min')} – {t('substance.max')}</th>
              <th scope="col">{t('substance.unit')}</th>
              <th scope="col">{t('substance.method')}</th>
            </tr>
          </thead>
          <tbody>
            {substance.properties.map((p) => (
              <tr key={p.key}>
                <th scope="row">{p.name}</th>
                <td>{p.typical !== null ? formatNumber(p.typical, 4) : '—'}</td>
                <td>{rangeText(formatNumber, p.min, p.max, null)}</td>
                <td>{p.unit}</td>
                <td>{p.method || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function BatchCard({ batch, substance, canWrite, onChanged }) {
  const { t, formatNumber, formatDate } = useI18n();
  const c = batch.certificate;
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const docs = useLoad((signal) => api.get(`/api/substance-batches/${batch.id}/documents`, undefined, { signal }), [batch.id]);
  const label = (r) => {
    if (r.property) {
      const p = substance.properties.find((x) => x.key === r.property);
      return p ? p.name : r.property;
    }
    const k = r.compound_id && substance.constituents.find((x) => x.compound_id === r.compound_id);
    if (k && k.name) return k.name;
    return r.name || (r.compound ? r.compound.id : t('substance.hidden'));
  };
  const propertyName = (key) => {
    const p = substance.properties.find((x) => x.key === key);
    return p ? p.name : key;
  };
  return (
    <article className="panel batch-card" data-testid="substance-batch">
      <h3>
        <span className="mono">{batch.id}</span>{' '}
        <span className={'badge ' + (c.out_of_specification ? 'status-blocked' : 'status-done')}>
          {c.out_of_specification ? t('batch.outOfSpec') : t('batch.inSpec')}
        </span>{' '}
        <VisibilityBadge visibility={batch.visibility} />
      </h3>
      <dl className="definitions compact columns">
        <dt>{t('batch.amount')}</dt>
        <dd>{batch.amount !== null ? `${formatNumber(batch.amount, 4)} ${batch.unit || ''}` : '—'}</dd>
        <dt>{t('batch.preparedOn')}</dt>
        <dd>{batch.prepared_on ? formatDate(batch.prepared_on) : '—'}</dd>
        <dt>{t('batch.certificate')}</dt>
        <dd>{c.number || '—'}</dd>
        <dt>{t('batch.analysedOn')}</dt>
        <dd>{c.analysed_on ? formatDate(c.analysed_on) : '—'}</dd>
        <dt>{t('batch.laboratory')}</dt>
        <dd>{c.laboratory || '—'}</dd>
        <dt>{t('batch.notes')}</dt>
        <dd>{batch.notes || '—'}</dd>
      </dl>
      {c.results.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('substance.constituent')} / {t('substance.property')}</th>
                <th scope="col">{t('batch.measured')}</th>
                <th scope="col">{t('batch.specification')}</th>
                <th scope="col">{t('batch.status')}</th>
              </tr>
            </thead>
            <tbody>
              {c.results.map((r, i) => (
                <tr key={i} className={'result-' + r.status}>
                  <th scope="row">{label(r)}</th>
                  <td>{formatNumber(r.value, 4)} {r.unit}</td>
                  <td>{rangeText(formatNumber, r.specification.min, r.specification.max, r.specification.typical)}</td>
                  <td>
                    <span className={'badge spec-' + r.status}>{t('batch.status.' + r.status)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {c.not_measured.length > 0 && <p className="small muted">{t('batch.notMeasured', { list: c.not_measured.map(propertyName).join(', ') })}</p>}
      <h4>{t('batch.documents')}</h4>
      {docs.data && docs.data.items.length > 0 && (
        <ul>
          {docs.data.items.map((d) => (
            <li key={d.id}>
              <a href={`/api/documents/${d.id}/content`}>{d.filename}</a> <span className="small muted">{d.kind}</span>
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <form
          className="form-row"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!file) return;
            setError(null);
            try {
              const form = new FormData();
              form.append('file', file, file.name);
              form.append('kind', 'certificate');
              await api.upload(`/api/substance-batches/${batch.id}/documents`, form);
              setFile(null);
              docs.reload();
              onChanged();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <Field label={t('batch.upload')} type="file" onChange={(e) => setFile(e.target.files[0] || null)} />
          <button type="submit" className="secondary" disabled={!file}>{t('batch.upload')}</button>
          <ErrorMessage error={error} />
        </form>
      )}
    </article>
  );
}

// A new batch with its certificate: the results are picked among the specification's entries.
function AddBatch({ substance, onAdded }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [batch, setBatch] = useState({ unit: 'kg' });
  const [results, setResults] = useState({});
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const entries = [
    ...substance.constituents.map((k) => ({
      key: 'c' + k.position,
      label: constituentLabel(k, t) + ' (% ' + k.unit + ')',
      result: (value) => (k.compound_id ? { compound_id: k.compound_id, value, unit: k.unit } : { name: k.name, value, unit: k.unit }),
    })),
    ...substance.properties.map((p) => ({
      key: 'p' + p.key,
      label: `${p.name} (${p.unit})`,
      result: (value) => ({ property: p.key, value }),
    })),
  ];
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>{t('batch.add')}</button>
    );
  }
  const set = (name) => (e) => setBatch({ ...batch, [name]: e.target.value });
  return (
    <form
      className="form panel add-batch"
      aria-labelledby="add-batch-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const body = {};
        for (const name of ['prepared_on', 'certificate_number', 'analysed_on', 'laboratory', 'notes', 'notebook_ref']) {
          if (batch[name]) body[name] = batch[name];
        }
        if (batch.amount) {
          body.amount = Number(batch.amount);
          body.unit = batch.unit;
        }
        body.results = entries.filter((en) => results[en.key] !== undefined && results[en.key] !== '')
          .map((en) => en.result(Number(results[en.key])));
        try {
          await api.post(`/api/substances/${substance.id}/batches`, body);
          setOpen(false);
          setBatch({ unit: 'kg' });
          setResults({});
          onAdded();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3 id="add-batch-title">{t('batch.addTitle')}</h3>
      <ErrorMessage error={generalError([])} />
      <div className="form-row">
        <Field label={t('batch.amount')} type="number" min="0" step="any" value={batch.amount || ''} onChange={set('amount')} error={fieldError('batch.amount')} />
        <Field label={t('batch.unit')} as="select" value={batch.unit} onChange={set('unit')}>
          {UNITS.map((u) => <option key={u} value={u}>{u.replace('u', 'µ')}</option>)}
        </Field>
        <Field label={t('batch.preparedOn')} type="date" value={batch.prepared_on || ''} onChange={set('prepared_on')} error={fieldError('batch.prepared_on')} />
      </div>
      <div className="form-row">
        <Field label={t('batch.certificateNumber')} value={batch.certificate_number || ''} onChange={set('certificate_number')} />
        <Field label={t('batch.analysedOn')} type="date" value={batch.analysed_on || ''} onChange={set('analysed_on')} />
        <Field label={t('batch.laboratory')} value={batch.laboratory || ''} onChange={set('laboratory')} />
      </div>
      <fieldset>
        <legend>{t('batch.results')}</legend>
        <div className="form-grid">
          {entries.map((en) => (
            <Field key={en.key} label={`${t('batch.value')} — ${en.label}`} type="number" step="any"
              value={results[en.key] ?? ''} onChange={(e) => setResults({ ...results, [en.key]: e.target.value })} />
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" disabled={busy}>{t('batch.saveBatch')}</button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

// The products made of this substance, alone or in a formulation, that the viewer may see
// (GET /api/substances/{id}/products).
function SubstanceProducts({ id }) {
  const { t } = useI18n();
  const list = useLoad((signal) => api.get(`/api/substances/${encodeURIComponent(id)}/products`, undefined, { signal }), [id]);
  if (!list.data || list.data.items.length === 0) return <ErrorMessage error={list.error} />;
  return (
    <section className="panel" aria-labelledby="substance-products">
      <h2 id="substance-products">{t('substance.products')}</h2>
      <ul>
        {list.data.items.map((p) => (
          <li key={p.id}><Link to={`/products/${p.id}`}>{p.name || (p.catalogue && p.catalogue.name)}</Link></li>
        ))}
      </ul>
    </section>
  );
}

export function SubstancePage({ id }) {
  const { t, formatNumber } = useI18n();
  const startUps = useStartUps();
  const { user } = useSession();
  const query = useQuery();
  const [version, setVersion] = useState(0);
  const data = useLoad((signal) => api.get(`/api/substances/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) {
    return (
      <>
        <PageHeader title={id} />
        <ErrorMessage error={data.error} />
      </>
    );
  }
  const s = data.data;
  const canWrite = user && (user.role === 'admin' || ((user.role === 'member' || user.role === 'lead') && user.start_up === s.start_up)) && !s.retired_at;
  const reload = () => setVersion((v) => v + 1);
  return (
    <>
      <PageHeader
        title={s.name}
        subtitle={`${s.id} · ${t('kind.' + s.kind)} · ${startUps.name(s.start_up)}`}
        actions={
          <>
            <VisibilityBadge visibility={s.visibility} />
            {canWrite && (
              <RetireButton path={`/api/substances/${s.id}/retire`} title={t('substance.retireTitle', { id: s.id })}
                message={t('substance.retireWhat')} onDone={reload} />
            )}
          </>
        }
      />
      {query.get('registered') && (
        <p className="notice" role="status">
          {query.get('registered') === 'new_batch' ? t('substance.newBatch') : t('substance.registered')}
        </p>
      )}
      {s.retired_at && <p className="notice">{t('substance.retired', { reason: s.retired_reason || '' })}</p>}
      <VisibilityControl record={s} path={`/api/substances/${s.id}`} onChanged={reload} />
      <section className="panel" aria-labelledby="substance-composition">
        <h2 id="substance-composition">{t('substance.composition')}</h2>
        <CompositionChart substance={s} />
        {s.constituents.length > 0 && <ConstituentsTable substance={s} />}
      </section>
      <PropertiesTable substance={s} />
      {s.polymer && (
        <section className="panel" aria-labelledby="substance-polymer">
          <h2 id="substance-polymer">{t('substance.polymer')}</h2>
          <dl className="definitions">
            <dt>{t('substance.monomers')}</dt>
            <dd>
              {s.polymer.monomers.map((m, i) => (
                <span key={i}>
                  {m.compound ? <Link to={`/compounds/${m.compound.id}`}>{m.compound.id}</Link> : t('substance.hidden')} {formatNumber(m.ratio, 2)} %{' '}
                </span>
              ))}
            </dd>
            <dt>{t('substance.repeatUnit')}</dt>
            <dd className="mono">{s.polymer.repeat_unit ? `${s.polymer.repeat_unit.canonical_smiles} (${s.polymer.repeat_unit.formula}, ${formatNumber(s.polymer.repeat_unit.mass, 3)} g/mol)` : '—'}</dd>
            <dt>{t('substance.mn')}</dt>
            <dd>{formatNumber(s.polymer.mn, 0)}</dd>
            <dt>{t('substance.mw')}</dt>
            <dd>{formatNumber(s.polymer.mw, 0)}</dd>
            <dt>{t('substance.dispersity')}</dt>
            <dd>{formatNumber(s.polymer.dispersity, 3)}</dd>
          </dl>
        </section>
      )}
      <section className="panel" aria-labelledby="substance-source">
        <h2 id="substance-source">{t('substance.source')}</h2>
        <dl className="definitions">
          <dt>{t('substance.species')}</dt>
          <dd>{s.source.species || '—'} {s.source.part && `(${s.source.part})`}</dd>
          <dt>{t('substance.wasteStream')}</dt>
          <dd>{s.source.waste_stream || '—'}</dd>
          <dt>{t('substance.process')}</dt>
          <dd>{s.source.process || '—'}</dd>
          <dt>{t('substance.synonyms')}</dt>
          <dd>{s.synonyms.length ? s.synonyms.join(', ') : '—'}</dd>
          <dt>{t('substance.cas')}</dt>
          <dd className="mono">{s.cas_number || '—'}</dd>
          <dt>{t('substance.description')}</dt>
          <dd>{s.description || '—'}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="substance-batches">
        <h2 id="substance-batches">{t('substance.batches')}</h2>
        {s.batches.length === 0 && <Empty>{t('substance.noBatches')}</Empty>}
        {s.batches.map((b) => (
          <BatchCard key={b.id} batch={b} substance={s} canWrite={canWrite} onChanged={reload} />
        ))}
        {canWrite && <AddBatch substance={s} onAdded={reload} />}
      </section>
      <SubstanceProducts id={s.id} />
      <section className="panel" aria-labelledby="substance-history">
        <h2 id="substance-history">{t('substance.history')}</h2>
        <History path={`/api/substances/${s.id}/history`} version={version} />
      </section>
    </>
  );
}

// Substances whose constituents match a structure (POST /api/search, scope "substances"),
// optionally above a percentage of the matched constituent.
function StructureSearch({ query }) {
  const { t, formatNumber } = useI18n();
  const startUps = useStartUps();
  const { navigate } = useRouter();
  const initial = { structure: query.get('structure') || '', type: query.get('type') || 'substructure', min: query.get('min') || '' };
  const [form, setForm] = useState(initial);
  const result = useLoad(
    (signal) => {
      if (!initial.structure) return Promise.resolve(null);
      const body = { scope: 'substances', type: initial.type, query: initial.structure, page_size: 50 };
      if (initial.min) body.filters = { constituent_min: Number(initial.min) };
      return api.post('/api/search', body, { signal });
    },
    [initial.structure, initial.type, initial.min],
  );
  return (
    <section className="panel" aria-labelledby="substance-structure-search">
      <h2 id="substance-structure-search">{t('substances.structureSearch')}</h2>
      <form className="form-row" onSubmit={(e) => {
        e.preventDefault();
        const params = new URLSearchParams();
        if (form.structure) params.set('structure', form.structure);
        params.set('type', form.type);
        if (form.min) params.set('min', form.min);
        navigate('/substances?' + params);
      }}>
        <Field label={t('search.structure')} className="mono-input" value={form.structure} spellCheck={false}
          onChange={(e) => setForm({ ...form, structure: e.target.value })} />
        <Field label={t('search.mode')} as="select" value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value })}>
          {['substructure', 'exact', 'similarity'].map((m) => <option key={m} value={m}>{t('search.mode.' + m)}</option>)}
        </Field>
        <Field label={`${t('substance.constituent')} ≥ %`} type="number" min="0" max="100" step="any" value={form.min}
          onChange={(e) => setForm({ ...form, min: e.target.value })} />
        <button type="submit">{t('search.submit')}</button>
      </form>
      <ErrorMessage error={result.error} />
      {result.data && (
        <>
          <p className="small muted">{t('substances.count', { total: result.data.total })}</p>
          <ul className="substance-list" data-testid="substance-hits">
            {result.data.hits.map((h) => (
              <li key={h.substance.id} className="substance-card">
                <Link to={`/substances/${h.substance.id}`}>{h.substance.name}</Link>{' '}
                <span className="small muted">{h.substance.id} · {startUps.name(h.substance.start_up)}</span>
                <span className="small">
                  {' — '}
                  {h.constituents.map((c) => `${c.compound.id} ${formatNumber(c.typical, 2)} %`).join(', ')}
                  {typeof h.score === 'number' && ` · ${t('search.score')} ${formatNumber(h.score, 3)}`}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function SubstancesPage() {
  const { t, formatNumber } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const query = useQuery();
  const { navigate } = useRouter();
  const page = Number(query.get('page') || 0);
  const filters = { q: query.get('q') || '', kind: query.get('kind') || '', source: query.get('source') || '' };
  const [form, setForm] = useState(filters);
  const data = useLoad(
    (signal) => api.get('/api/substances', { ...filters, page, page_size: 25 }, { signal }),
    [filters.q, filters.kind, filters.source, page],
  );
  const go = (next, p = 0) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) params.set(k, v);
    if (p) params.set('page', String(p));
    navigate('/substances' + (params.toString() ? '?' + params : ''));
  };
  return (
    <>
      <PageHeader
        title={t('substances.title')}
        subtitle={t('substances.subtitle')}
        actions={canRegister(user) && <Link to="/substances/new" className="button">{t('substances.new')}</Link>}
      />
      <ExportLinks kind="substances" />
      {canRegister(user) && <SubstanceImport />}
      <form className="form-row filters" onSubmit={(e) => { e.preventDefault(); go(form); }}>
        <Field label={t('substances.filterText')} type="search" value={form.q} onChange={(e) => setForm({ ...form, q: e.target.value })} />
        <Field label={t('substances.filterKind')} as="select" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
          <option value="">{t('substances.allKinds')}</option>
          {KINDS.map((k) => <option key={k} value={k}>{t('kind.' + k)}</option>)}
        </Field>
        <Field label={t('substances.filterSource')} value={form.source} onChange={(e) => setForm({ ...form, source: e.target.value })} />
        <button type="submit">{t('substances.filter')}</button>
      </form>
      <StructureSearch key={query.toString()} query={query} />
      {data.loading && !data.data && <Loading />}
      <ErrorMessage error={data.error} />
      {data.data && (
        <>
          <p className="small muted">{t('substances.count', { total: data.data.total })}</p>
          {data.data.items.length === 0 && <Empty>{t('substances.none')}</Empty>}
          <ul className="substance-list">
            {data.data.items.map((s) => (
              <li key={s.id} className="panel substance-card">
                <h3><Link to={`/substances/${s.id}`}>{s.name}</Link></h3>
                <p className="small">
                  <span className="mono">{s.id}</span> · {t('kind.' + s.kind)} · {startUps.name(s.start_up)} <VisibilityBadge visibility={s.visibility} />
                </p>
                {s.constituents.length > 0 && (
                  <p className="small">
                    {s.constituents.slice(0, 5).map((k) => `${constituentLabel(k, t)} ${formatNumber(k.typical, 2)} %`).join(' · ')}
                  </p>
                )}
              </li>
            ))}
          </ul>
          <Pager page={page} pageSize={25} total={data.data.total} onPage={(p) => go(filters, p)} />
        </>
      )}
    </>
  );
}
