// One waste lot (GET /api/lots/{id}): where it comes from, its balance, transport CO2e,
// characterisation, transfers and uses; its photos and papers (GET/POST
// /api/lots/{id}/documents); using it as a batch input or route component
// (POST /api/lots/{id}/uses); a link to its genealogy.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { VisibilityControl } from '../components/Visibility.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad, VisibilityBadge } from '../components/ui.jsx';
import { today, usePropertyLabel, useStreamName, useVehicleName, useWasteVocabulary } from './wasteCommon.jsx';

function UseForm({ lot, onDone }) {
  const { t } = useI18n();
  const { setError, fieldError, generalError } = useFormError();
  const [form, setForm] = useState({ amount: '', unit: 'kg', batch: '', route: '', step: '', component: '', used_on: today() });
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { amount: Number(form.amount.replace(',', '.')), unit: form.unit, used_on: form.used_on };
    if (form.batch) body.batch = form.batch.trim();
    if (form.route) body.route = Number(form.route);
    if (form.step) body.step = Number(form.step);
    if (form.component !== '') body.component = Number(form.component);
    try {
      const u = await api.post(`/api/lots/${lot.id}/uses`, body);
      onDone(t('lot.used', { id: u.id }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorMessage error={generalError(['amount', 'unit', 'batch', 'route', 'step', 'component', 'used_on'])} />
      <div className="form-row">
        <Field label={t('waste.amount')} inputMode="decimal" value={form.amount} onChange={set('amount')} error={fieldError('amount')} />
        <Field label={t('waste.unit')} as="select" value={form.unit} onChange={set('unit')} error={fieldError('unit')}>
          {['g', 'kg', 't'].map((u) => <option key={u} value={u}>{u}</option>)}
        </Field>
        <Field label={t('waste.performedOn')} type="date" value={form.used_on} onChange={set('used_on')} error={fieldError('used_on')} />
      </div>
      <Field label={t('lot.useBatch')} value={form.batch} onChange={set('batch')} error={fieldError('batch')} className="mono-input" />
      <div className="form-row">
        <Field label={t('lot.useRoute')} inputMode="numeric" value={form.route} onChange={set('route')} error={fieldError('route')} />
        <Field label={t('lot.useStep')} inputMode="numeric" value={form.step} onChange={set('step')} error={fieldError('step')} />
        <Field label={t('lot.useComponent')} inputMode="numeric" value={form.component} onChange={set('component')} error={fieldError('component')} />
      </div>
      <button type="submit" disabled={!form.amount}>{t('lot.useRecord')}</button>
    </form>
  );
}

function Documents({ lot }) {
  const { t } = useI18n();
  const docs = useLoad((signal) => api.get(`/api/lots/${lot.id}/documents`, undefined, { signal }), [lot.id]);
  const [error, setError] = useState(null);
  const upload = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    setError(null);
    const form = new FormData();
    form.append('file', file);
    form.append('kind', file.type.startsWith('image/') ? 'photo' : 'other');
    try {
      await api.upload(`/api/lots/${lot.id}/documents`, form);
      docs.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="lot-docs">
      <h2 id="lot-docs">{t('lot.documents')}</h2>
      <ErrorMessage error={error || docs.error} />
      {docs.data && docs.data.items.length === 0 && <Empty>—</Empty>}
      <ul>
        {docs.data && docs.data.items.map((d) => (
          <li key={d.id}><a href={d.links.content + '?inline=true'}>{d.filename}</a> <span className="muted small">({d.kind})</span></li>
        ))}
      </ul>
      {lot.held && <Field label={t('lot.addPhoto')} type="file" accept="image/*,application/pdf" capture="environment" onChange={upload} />}
    </section>
  );
}

export function LotPage({ id }) {
  const { t, formatNumber, formatDate } = useI18n();
  const vocab = useWasteVocabulary();
  const streamName = useStreamName(vocab.data);
  const vehicleName = useVehicleName(vocab.data);
  const propertyLabel = usePropertyLabel(vocab.data);
  const lot = useLoad((signal) => api.get(`/api/lots/${encodeURIComponent(id)}`, undefined, { signal }), [id]);
  const [message, setMessage] = useState(null);
  if (lot.loading && !lot.data) return <Loading />;
  if (lot.error) {
    return (
      <>
        <PageHeader title={t('lot.title', { id })} />
        <ErrorMessage error={lot.error} />
      </>
    );
  }
  const l = lot.data;
  const chars = Object.entries(l.characterisation);
  return (
    <div className="waste-page">
      <PageHeader title={t('lot.title', { id: l.id })} subtitle={`${streamName(l.stream)} — ${formatNumber(l.net_mass.kg, 3)} kg`}
        actions={<Link className="button secondary" to={`/trace?id=${l.id}`}>{t('lot.traceLink')}</Link>} />
      {message && <p className="notice" role="status">{message}</p>}
      <section className="panel">
        <dl className="definitions">
          <dt>{t('lot.holder')}</dt><dd>{l.start_up.name} <VisibilityBadge visibility={l.visibility} /></dd>
          <dt>{t('lot.origin')}</dt><dd>{t('waste.origin.' + l.origin)} · {formatDate(l.collected_on)}</dd>
          {l.collector && <><dt>{t('lot.collector')}</dt><dd>{l.collector.name}</dd></>}
          {l.source && <><dt>{t('waste.source')}</dt><dd>{l.source.name || l.source.id} · {t('sourceKind.' + l.source.kind)} · {t('region.' + l.source.region)}</dd></>}
          {l.parent_lot && <><dt>{t('lot.parent')}</dt><dd><Link to={`/lots/${l.parent_lot}`}>{l.parent_lot}</Link> ({l.transfer})</dd></>}
          {l.transformation && <><dt>{t('waste.transformation')}</dt><dd>{l.transformation}</dd></>}
          {l.gross_mass && <><dt>{t('waste.grossMass')}</dt><dd>{formatNumber(l.gross_mass.kg, 3)} kg</dd></>}
          {l.container && <><dt>{t('waste.container')}</dt><dd>{t('container.' + l.container)}{l.container_count ? ` × ${l.container_count}` : ''}</dd></>}
          <dt>{t('lot.status')}</dt><dd>{t('waste.status.' + l.status)}</dd>
          {l.balance && (
            <><dt>{t('lot.balance')}</dt><dd>{t('waste.remaining')} <strong>{formatNumber(l.balance.remaining_kg, 3)} kg</strong> ·
              {' '}{t('circ.transformed')} {formatNumber(l.balance.transformed_kg, 3)} · {t('circ.transferred')} {formatNumber(l.balance.transferred_kg, 3)} ·
              {' '}{t('circ.valorised')} {formatNumber(l.balance.used_kg, 3)} kg</dd></>
          )}
          {l.transport && (
            <><dt>{t('lot.transport')}</dt><dd>{t('lot.transportLine', {
              vehicle: vehicleName(l.transport.vehicle), km: formatNumber(l.transport.distance_km, 1),
              co2e: formatNumber(l.transport.co2e_kg, 2), factor: formatNumber(l.transport.factor_kg_co2e_per_tonne_km, 4),
            })}</dd></>
          )}
        </dl>
        {l.held && (
          <>
            <p className="muted small">{t('lot.shareNote')}</p>
            <VisibilityControl key={l.visibility} record={{ ...l, start_up: l.start_up.id }} path={`/api/lots/${l.id}`}
              onChanged={() => lot.reload()} />
          </>
        )}
      </section>
      {chars.length > 0 && (
        <section className="panel" aria-labelledby="lot-char">
          <h2 id="lot-char">{t('lot.characterisation')}</h2>
          <dl className="definitions">
            {chars.map(([k, v]) => <div key={k} style={{ display: 'contents' }}><dt>{propertyLabel(k)}</dt><dd>{formatNumber(v, 3)}</dd></div>)}
          </dl>
        </section>
      )}
      <section className="panel" aria-labelledby="lot-transfers">
        <h2 id="lot-transfers">{t('lot.transfers')}</h2>
        {l.transfers.length === 0 && <Empty>—</Empty>}
        <ul className="lot-list">
          {l.transfers.map((tr) => (
            <li key={tr.id} className="lot-line">
              <span className="mono">{tr.id}</span>
              <span>{tr.from_start_up.name} → {tr.to_start_up.name}</span>
              <strong>{formatNumber(tr.kg, 3)} kg</strong>
              <span className="muted small">{t('waste.transferStatus.' + tr.status)}{tr.received_lot && <> · <Link to={`/lots/${tr.received_lot}`}>{tr.received_lot}</Link></>}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="lot-uses">
        <h2 id="lot-uses">{t('lot.uses')}</h2>
        {l.uses.length === 0 && <Empty>—</Empty>}
        <ul className="lot-list">
          {l.uses.map((u) => (
            <li key={u.id} className="lot-line">
              <span className="mono">{u.id}</span>
              <strong>{formatNumber(u.kg, 4)} kg</strong>
              {u.batch && <Link to={`/trace?id=${u.batch}`}>{u.batch}</Link>}
              {u.route && <Link to={`/routes/${u.route}`}>{t('lot.useRoute')} {u.route}{u.step ? ` / ${u.step}` : ''}</Link>}
              <span className="muted small">{formatDate(u.used_on)}</span>
            </li>
          ))}
        </ul>
        {l.held && l.balance && l.balance.remaining_kg > 0 && (
          <details>
            <summary>{t('lot.use')}</summary>
            <UseForm lot={l} onDone={(m) => { setMessage(m); lot.reload(); }} />
          </details>
        )}
      </section>
      <Documents lot={l} />
    </div>
  );
}
