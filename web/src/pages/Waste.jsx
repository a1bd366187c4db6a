// The waste start-ups' day, phone first: record a collection in a few taps (POST /api/lots,
// sources from GET/POST /api/sources), the stock per stream (GET /api/lots/stock), recent lots
// with a transfer form (POST /api/lots/{id}/transfers), transfers waiting for this start-up
// (GET /api/transfers?direction=in, POST .../accept|refuse), a light transformation with its
// mass balance (POST /api/transformations) and the import of a collector's spreadsheet
// (POST /api/lots/import).
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad } from '../components/ui.jsx';
import { today, useStreamName, useVehicleName, usePropertyLabel, useWasteVocabulary } from './wasteCommon.jsx';

const UNITS = ['kg', 't'];

function UnitSwitch({ value, onChange, label }) {
  return (
    <div className="unit-switch" role="group" aria-label={label}>
      {UNITS.map((u) => (
        <button key={u} type="button" className={value === u ? '' : 'secondary'} aria-pressed={value === u} onClick={() => onChange(u)}>
          {u}
        </button>
      ))}
    </div>
  );
}

function NewSourceForm({ startUp, vocab, onAdded }) {
  const { t } = useI18n();
  const { setError, fieldError, generalError } = useFormError();
  const [form, setForm] = useState({ name: '', kind: 'restaurant', region: 'casablanca_settat', locality: '' });
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const s = await api.post('/api/sources', { ...form, start_up: startUp });
      onAdded(s);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <fieldset className="inline-form">
      <legend>{t('waste.newSource')}</legend>
      <ErrorMessage error={generalError(['name', 'kind', 'region', 'locality'])} />
      <Field label={t('waste.sourceName')} value={form.name} onChange={set('name')} error={fieldError('name')} required />
      <Field label={t('waste.sourceKind')} as="select" value={form.kind} onChange={set('kind')} error={fieldError('kind')}>
        {vocab.source_kinds.map((k) => <option key={k} value={k}>{t('sourceKind.' + k)}</option>)}
      </Field>
      <Field label={t('waste.region')} as="select" value={form.region} onChange={set('region')} error={fieldError('region')}>
        {vocab.regions.map((r) => <option key={r} value={r}>{t('region.' + r)}</option>)}
      </Field>
      <Field label={t('waste.locality')} value={form.locality} onChange={set('locality')} error={fieldError('locality')} />
      <button type="button" onClick={submit}>{t('waste.addSource')}</button>
    </fieldset>
  );
}

function CollectionForm({ startUp, vocab, onRecorded }) {
  const { t, formatNumber } = useI18n();
  const streamName = useStreamName(vocab);
  const vehicleName = useVehicleName(vocab);
  const propertyLabel = usePropertyLabel(vocab);
  const sources = useLoad((signal) => api.get('/api/sources', { start_up: startUp }, { signal }), [startUp]);
  const { setError, fieldError, generalError } = useFormError();
  const [addingSource, setAddingSource] = useState(false);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const empty = {
    stream: vocab.streams[0] ? vocab.streams[0].key : '', source: '', collected_on: today(), amount: '', unit: 'kg',
    gross: '', container: '', container_count: '', vehicle: '', distance_km: '', notes: '', characterisation: {},
  };
  const [form, setForm] = useState(empty);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const stream = vocab.streams.find((s) => s.key === form.stream);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const body = {
      stream: form.stream, start_up: startUp, collected_on: form.collected_on,
      net_mass: { amount: Number(form.amount.replace(',', '.')), unit: form.unit },
    };
    if (form.source) body.source = form.source;
    if (form.gross) body.gross_mass = { amount: Number(form.gross.replace(',', '.')), unit: form.unit };
    if (form.container) body.container = form.container;
    if (form.container_count) body.container_count = Number(form.container_count);
    if (form.vehicle) body.vehicle = form.vehicle;
    if (form.distance_km !== '') body.distance_km = Number(form.distance_km.replace(',', '.'));
    if (form.notes) body.notes = form.notes;
    const measured = Object.entries(form.characterisation).filter(([, v]) => v !== '');
    if (measured.length) body.characterisation = Object.fromEntries(measured.map(([k, v]) => [k, Number(String(v).replace(',', '.'))]));
    setBusy(true);
    try {
      const lot = await api.post('/api/lots', body);
      setDone(lot);
      setForm({ ...empty, stream: form.stream, source: form.source, vehicle: form.vehicle, unit: form.unit });
      onRecorded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = ['stream', 'source', 'collected_on', 'net_mass', 'net_mass.amount', 'net_mass.unit', 'gross_mass.amount',
    'container', 'container_count', 'vehicle', 'distance_km', 'notes'];
  const charError = Object.keys(form.characterisation).find((k) => fieldError('characterisation.' + k));
  return (
    <section className="panel collect" aria-labelledby="new-collection">
      <h2 id="new-collection">{t('waste.newCollection')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorMessage error={generalError([...fields, ...Object.keys(form.characterisation).map((k) => 'characterisation.' + k)])} />
        <Field label={t('waste.stream')} as="select" value={form.stream} onChange={set('stream')} error={fieldError('stream')}>
          {vocab.streams.map((s) => (
            <option key={s.key} value={s.key}>{streamName(s.key)}{s.low_code ? ` (${s.low_code})` : ''}</option>
          ))}
        </Field>
        <Field label={t('waste.source')} as="select" value={addingSource ? '__new' : form.source}
          onChange={(e) => {
            if (e.target.value === '__new') setAddingSource(true);
            else { setAddingSource(false); setForm({ ...form, source: e.target.value }); }
          }} error={fieldError('source')}>
          <option value="">{t('waste.noSource')}</option>
          {sources.data && sources.data.items.filter((s) => s.active).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          <option value="__new">{t('waste.newSource')}</option>
        </Field>
        {addingSource && (
          <NewSourceForm startUp={startUp} vocab={vocab} onAdded={(s) => {
            setAddingSource(false);
            sources.reload();
            setForm({ ...form, source: s.id });
          }} />
        )}
        <Field label={t('waste.date')} type="date" value={form.collected_on} onChange={set('collected_on')} error={fieldError('collected_on')} max={today()} />
        <div className="mass-row">
          <Field label={t('waste.netMass')} inputMode="decimal" value={form.amount} onChange={set('amount')}
            error={fieldError('net_mass.amount') || fieldError('net_mass') || fieldError('net_mass.unit')} required autoComplete="off" />
          <UnitSwitch value={form.unit} onChange={(u) => setForm({ ...form, unit: u })} label={t('waste.unit')} />
        </div>
        <details className="more" open={!!charError || !!fieldError('vehicle') || !!fieldError('distance_km')}>
          <summary>{t('waste.more')}</summary>
          <div className="form">
            <Field label={`${t('waste.grossMass')} (${form.unit})`} inputMode="decimal" value={form.gross} onChange={set('gross')} error={fieldError('gross_mass.amount')} />
            <div className="form-row">
              <Field label={t('waste.container')} as="select" value={form.container} onChange={set('container')} error={fieldError('container')}>
                <option value="">—</option>
                {vocab.containers.map((c) => <option key={c} value={c}>{t('container.' + c)}</option>)}
              </Field>
              <Field label={t('waste.containerCount')} inputMode="numeric" value={form.container_count} onChange={set('container_count')} error={fieldError('container_count')} />
            </div>
            <div className="form-row">
              <Field label={t('waste.vehicle')} as="select" value={form.vehicle} onChange={set('vehicle')} error={fieldError('vehicle')}>
                <option value="">—</option>
                {vocab.vehicles.map((v) => <option key={v} value={v}>{vehicleName(v)}</option>)}
              </Field>
              <Field label={t('waste.distance')} inputMode="decimal" value={form.distance_km} onChange={set('distance_km')} error={fieldError('distance_km')} />
            </div>
            {stream && stream.characterisation.map((k) => (
              <Field key={k} label={propertyLabel(k)} inputMode="decimal" value={form.characterisation[k] || ''}
                onChange={(e) => setForm({ ...form, characterisation: { ...form.characterisation, [k]: e.target.value } })}
                error={fieldError('characterisation.' + k)} />
            ))}
            <Field label={t('waste.notes')} as="textarea" rows={2} value={form.notes} onChange={set('notes')} error={fieldError('notes')} />
          </div>
        </details>
        <button type="submit" className="big" disabled={busy || !form.amount}>{t('waste.record')}</button>
        {done && (
          <p className="notice" role="status">
            {t('waste.recorded', { id: done.id, kg: formatNumber(done.net_mass.kg, 3) })}{' '}
            <Link to={`/lots/${done.id}`}>{done.id}</Link>
          </p>
        )}
      </form>
    </section>
  );
}

function Stock({ data, vocab }) {
  const { t, formatNumber } = useI18n();
  const streamName = useStreamName(vocab);
  return (
    <section className="panel" aria-labelledby="stock">
      <h2 id="stock">{t('waste.stock')}</h2>
      {data.items.length === 0 && <Empty>{t('waste.stockEmpty')}</Empty>}
      <ul className="stock-list">
        {data.items.map((s) => (
          <li key={s.stream} data-stream={s.stream}>
            <span className="stock-name">{streamName(s.stream)}</span>
            <strong>{formatNumber(s.remaining_kg, 1)} kg</strong>
            <span className="muted small">
              {t('waste.stockLine', { lots: s.lots })}
              {s.quarantined_kg > 0 && <> · {t('waste.quarantined', { kg: formatNumber(s.quarantined_kg, 1) })}</>}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function TransferForm({ lot, onDone }) {
  const { t } = useI18n();
  const { items: startUps } = useStartUps();
  const { setError, fieldError, generalError } = useFormError();
  const [form, setForm] = useState({ to_start_up: '', amount: String(lot.balance.remaining_kg), unit: 'kg' });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const tr = await api.post(`/api/lots/${lot.id}/transfers`, {
        to_start_up: Number(form.to_start_up), amount: Number(form.amount.replace(',', '.')), unit: form.unit,
      });
      onDone(t('waste.offered', { id: tr.id, to: tr.to_start_up.name }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="form inline-form" onSubmit={submit}>
      <ErrorMessage error={generalError(['to_start_up', 'amount', 'unit'])} />
      <Field label={t('waste.transferTo')} as="select" value={form.to_start_up} onChange={(e) => setForm({ ...form, to_start_up: e.target.value })} error={fieldError('to_start_up')} required>
        <option value="">—</option>
        {startUps.filter((s) => s.id !== lot.start_up.id).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </Field>
      <div className="mass-row">
        <Field label={t('waste.amount')} inputMode="decimal" value={form.amount} onChange={(e) => setForm({ ...form, amount: e.target.value })} error={fieldError('amount')} />
        <UnitSwitch value={form.unit} onChange={(u) => setForm({ ...form, unit: u })} label={t('waste.unit')} />
      </div>
      <button type="submit" disabled={!form.to_start_up}>{t('waste.send')}</button>
    </form>
  );
}

function RecentLots({ startUp, vocab, version, onChanged }) {
  const { t, formatNumber, formatDate } = useI18n();
  const streamName = useStreamName(vocab);
  const lots = useLoad((signal) => api.get('/api/lots', { start_up: startUp, page_size: 15, in_stock: true }, { signal }), [startUp, version]);
  const [open, setOpen] = useState(null);
  const [message, setMessage] = useState(null);
  return (
    <section className="panel" aria-labelledby="recent-lots">
      <h2 id="recent-lots">{t('waste.lots')}</h2>
      {message && <p className="notice" role="status">{message}</p>}
      {lots.loading && !lots.data && <Loading />}
      <ErrorMessage error={lots.error} />
      {lots.data && lots.data.items.length === 0 && <Empty>{t('waste.lotsEmpty')}</Empty>}
      <ul className="lot-list">
        {lots.data && lots.data.items.map((l) => (
          <li key={l.id}>
            <div className="lot-line">
              <Link to={`/lots/${l.id}`} className="mono">{l.id}</Link>
              <span>{streamName(l.stream)}</span>
              <span className="muted small">{formatDate(l.collected_on)} · {t('waste.origin.' + l.origin)}
                {l.source && l.source.name && <> · {l.source.name}</>}</span>
              <span>{t('waste.remaining')} <strong>{formatNumber(l.balance.remaining_kg, 1)} kg</strong> / {formatNumber(l.net_mass.kg, 1)} kg</span>
              {l.status === 'available' && (
                <button type="button" className="small secondary" aria-expanded={open === l.id} onClick={() => setOpen(open === l.id ? null : l.id)}>
                  {t('waste.transfer')}
                </button>
              )}
            </div>
            {open === l.id && <TransferForm lot={l} onDone={(m) => { setOpen(null); setMessage(m); onChanged(); }} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function IncomingTransfers({ version, onChanged, vocab }) {
  const { t, formatNumber } = useI18n();
  const streamName = useStreamName(vocab);
  const list = useLoad((signal) => api.get('/api/transfers', { direction: 'in', status: 'pending' }, { signal }), [version]);
  const [error, setError] = useState(null);
  const decide = async (tr, verb, body) => {
    setError(null);
    try {
      await api.post(`/api/transfers/${tr.id}/${verb}`, body || {});
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="incoming">
      <h2 id="incoming">{t('waste.incoming')}</h2>
      <ErrorMessage error={error || list.error} />
      {list.data && list.data.items.length === 0 && <Empty>{t('waste.incomingEmpty')}</Empty>}
      <ul className="lot-list">
        {list.data && list.data.items.map((tr) => (
          <li key={tr.id} className="lot-line">
            <span className="mono">{tr.id}</span>
            <span>{streamName(tr.stream)} — <strong>{formatNumber(tr.kg, 1)} kg</strong></span>
            <span className="muted small">{tr.from_start_up.name}</span>
            <span className="actions">
              <button type="button" className="small" onClick={() => decide(tr, 'accept')}>{t('waste.accept')}</button>
              <button type="button" className="small secondary" onClick={() => {
                const reason = window.prompt(t('waste.refuseReason'));
                if (reason !== null) decide(tr, 'refuse', { reason });
              }}>{t('waste.refuse')}</button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

// Inputs, additions and outputs with the mass balance computed as the user types.
function TransformationForm({ startUp, vocab, version, onDone }) {
  const { t, formatNumber } = useI18n();
  const streamName = useStreamName(vocab);
  const lots = useLoad((signal) => api.get('/api/lots', { start_up: startUp, page_size: 100, in_stock: true, status: 'available' }, { signal }), [startUp, version]);
  const { setError, fieldError, generalError } = useFormError();
  const [kind, setKind] = useState('drying');
  const [date, setDate] = useState(today());
  const [inputs, setInputs] = useState([{ lot: '', amount: '' }]);
  const [additions, setAdditions] = useState([]);
  const [outputs, setOutputs] = useState([{ stream: '', amount: '' }]);
  const [done, setDone] = useState(null);
  const num = (v) => Number(String(v || '0').replace(',', '.')) || 0;
  const balance = useMemo(() => {
    const input = inputs.reduce((s, i) => s + num(i.amount), 0);
    const added = additions.reduce((s, a) => s + num(a.amount), 0);
    const output = outputs.reduce((s, o) => s + num(o.amount), 0);
    return { input, added, output, loss: input + added - output, yield: input + added > 0 ? (100 * output) / (input + added) : 0 };
  }, [inputs, additions, outputs]);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const tr = await api.post('/api/transformations', {
        start_up: startUp, kind, performed_on: date,
        inputs: inputs.filter((i) => i.lot).map((i) => ({ lot: i.lot, amount: num(i.amount), unit: 'kg' })),
        additions: additions.filter((a) => a.name).map((a) => ({ name: a.name, amount: num(a.amount), unit: 'kg' })),
        outputs: outputs.map((o) => ({ ...(o.stream ? { stream: o.stream } : {}), amount: num(o.amount), unit: 'kg' })),
      });
      setDone(tr);
      setInputs([{ lot: '', amount: '' }]);
      setAdditions([]);
      setOutputs([{ stream: '', amount: '' }]);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  const lotOptions = lots.data ? lots.data.items : [];
  const update = (list, setList, i, patch) => setList(list.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <section className="panel" aria-labelledby="transform">
      <h2 id="transform">{t('waste.transformation')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorMessage error={generalError(['kind', 'performed_on'])} />
        <div className="form-row">
          <Field label={t('waste.kind')} as="select" value={kind} onChange={(e) => setKind(e.target.value)} error={fieldError('kind')}>
            {vocab.transformation_kinds.map((k) => <option key={k} value={k}>{t('transformKind.' + k)}</option>)}
          </Field>
          <Field label={t('waste.performedOn')} type="date" value={date} onChange={(e) => setDate(e.target.value)} error={fieldError('performed_on')} />
        </div>
        <fieldset>
          <legend>{t('waste.inputs')}</legend>
          {inputs.map((row, i) => (
            <div className="form-row" key={i}>
              <Field label={`${t('waste.inputs')} ${i + 1}`} as="select" value={row.lot} onChange={(e) => {
                const lot = lotOptions.find((l) => l.id === e.target.value);
                update(inputs, setInputs, i, { lot: e.target.value, amount: lot ? String(lot.balance.remaining_kg) : '' });
              }} error={fieldError(`inputs[${i}].lot`)}>
                <option value="">—</option>
                {lotOptions.map((l) => <option key={l.id} value={l.id}>{l.id} · {streamName(l.stream)} · {formatNumber(l.balance.remaining_kg, 1)} kg</option>)}
              </Field>
              <Field label="kg" inputMode="decimal" value={row.amount} onChange={(e) => update(inputs, setInputs, i, { amount: e.target.value })}
                error={fieldError(`inputs[${i}].amount`)} />
            </div>
          ))}
          <button type="button" className="small secondary" onClick={() => setInputs([...inputs, { lot: '', amount: '' }])}>{t('waste.addLine')}</button>
        </fieldset>
        <fieldset>
          <legend>{t('waste.additions')}</legend>
          {additions.map((row, i) => (
            <div className="form-row" key={i}>
              <Field label={t('waste.additionName')} value={row.name} onChange={(e) => update(additions, setAdditions, i, { name: e.target.value })} error={fieldError(`additions[${i}].name`)} />
              <Field label="kg" inputMode="decimal" value={row.amount} onChange={(e) => update(additions, setAdditions, i, { amount: e.target.value })} error={fieldError(`additions[${i}].amount`)} />
            </div>
          ))}
          <button type="button" className="small secondary" onClick={() => setAdditions([...additions, { name: '', amount: '' }])}>{t('waste.addLine')}</button>
        </fieldset>
        <fieldset>
          <legend>{t('waste.outputs')}</legend>
          {outputs.map((row, i) => (
            <div className="form-row" key={i}>
              <Field label={t('waste.stream')} as="select" value={row.stream} onChange={(e) => update(outputs, setOutputs, i, { stream: e.target.value })} error={fieldError(`outputs[${i}].stream`)}>
                <option value="">{t('waste.inputs')} 1</option>
                {vocab.streams.map((s) => <option key={s.key} value={s.key}>{streamName(s.key)}</option>)}
              </Field>
              <Field label="kg" inputMode="decimal" value={row.amount} onChange={(e) => update(outputs, setOutputs, i, { amount: e.target.value })} error={fieldError(`outputs[${i}].amount`)} />
            </div>
          ))}
          <button type="button" className="small secondary" onClick={() => setOutputs([...outputs, { stream: '', amount: '' }])}>{t('waste.addLine')}</button>
        </fieldset>
        <p className={balance.loss < 0 ? 'error' : 'muted'} data-testid="mass-balance">
          {t('waste.balance', {
            input: formatNumber(balance.input, 3), added: formatNumber(balance.added, 3), output: formatNumber(balance.output, 3),
            loss: formatNumber(balance.loss, 3), yield: formatNumber(balance.yield, 1),
          })}
          {balance.loss < 0 && <> — {t('waste.balanceBroken')}</>}
        </p>
        <ErrorMessage error={fieldError('outputs')} />
        <button type="submit">{t('waste.recordTransformation')}</button>
        {done && <p className="notice" role="status">{t('waste.transformed', { id: done.id, yield: formatNumber(done.mass_balance.yield_percent, 1) })}</p>}
      </form>
    </section>
  );
}

function ImportForm({ startUp, onDone }) {
  const { t } = useI18n();
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [report, setReport] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setReport(null);
    try {
      const body = await api.upload('/api/lots/import', file, { query: { start_up: startUp } });
      setReport(body);
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="import-lots">
      <h2 id="import-lots">{t('waste.import')}</h2>
      <p className="muted small">{t('waste.importHint')}</p>
      <form className="form" onSubmit={submit}>
        <Field label={t('waste.importFile')} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => setFile(e.target.files[0] || null)} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={!file}>{t('waste.importRun')}</button>
        {report && <p className="notice" role="status">{t('waste.imported', { created: report.created, already: report.already_imported })}</p>}
      </form>
    </section>
  );
}

export function WastePage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const { items: startUps } = useStartUps();
  const vocab = useWasteVocabulary();
  const [picked, setPicked] = useState('');
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const startUp = user && user.start_up ? user.start_up : picked ? Number(picked) : null;
  const stock = useLoad((signal) => (startUp ? api.get('/api/lots/stock', { start_up: startUp }, { signal }) : Promise.resolve(null)), [startUp, version]);
  if (loading) return <Loading />;
  if (!canRegister(user)) {
    return (
      <>
        <PageHeader title={t('waste.title')} />
        <p><Link to="/login">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  const name = startUp ? (startUps.find((s) => s.id === startUp) || {}).name : null;
  return (
    <div className="waste-page">
      <PageHeader title={t('waste.title')} subtitle={name ? `${name} — ${t('waste.subtitle')}` : t('waste.subtitle')} />
      {!user.start_up && (
        <Field label={t('waste.startUp')} as="select" value={picked} onChange={(e) => setPicked(e.target.value)} className="narrow-field">
          <option value="">{t('waste.pickStartUp')}</option>
          {startUps.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </Field>
      )}
      {vocab.loading && !vocab.data && <Loading />}
      <ErrorMessage error={vocab.error} />
      {vocab.data && startUp && (
        <>
          <CollectionForm startUp={startUp} vocab={vocab.data} onRecorded={bump} />
          {stock.data && <Stock data={stock.data} vocab={vocab.data} />}
          <IncomingTransfers version={version} onChanged={bump} vocab={vocab.data} />
          <RecentLots startUp={startUp} vocab={vocab.data} version={version} onChanged={bump} />
          <TransformationForm startUp={startUp} vocab={vocab.data} version={version} onDone={bump} />
          <ImportForm startUp={startUp} onDone={bump} />
          <p className="small"><Link to="/trace">{t('nav.trace')}</Link> · <Link to="/circularity">{t('nav.circularity')}</Link></p>
        </>
      )}
    </div>
  );
}
