// What the owning team does on a product page: edit the product and its market data, change
// its TRL, record gate decisions, keep its documents and customers, retire it.
//   PATCH /api/products/{id}                          product fields, market, {trl, trl_note}
//   GET /api/trl, GET /api/products/{id}/trl           TRL definitions and history
//   POST /api/products/{id}/stages/{key}/decisions     {decision, rationale, decided_on}
//   GET/POST /api/products/{id}/documents              list; upload (multipart)
//   GET /api/documents/{id}/content, POST …/retire     download; retire with a reason
//   GET/POST /api/products/{id}/customers, DELETE …/customers/{cid}
//   POST /api/products/{id}/retire                     {reason}
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { messages } from '../messages.js';
import { useSession } from '../session.jsx';
import { actorLabel } from '../components/History.jsx';
import { ConfirmButton, Empty, ErrorMessage, Field, Loading, useFormError, useLoad, VisibilityBadge } from '../components/ui.jsx';
import { VISIBILITIES, VisibilityControl } from '../components/Visibility.jsx';

const DECISIONS = ['go', 'hold', 'stop', 'rework'];
const DOCUMENT_KINDS = ['datasheet', 'sds', 'certificate', 'analysis', 'report', 'registration', 'ghs_classification', 'other'];
const RELATIONS = ['customer', 'partner', 'distributor', 'prospect', 'other'];

// The owning start-up's members and leads, and administrators, change a product.
export function canChangeProduct(user, product) {
  return !!user && product.view === 'full' && (user.role === 'admin' || (['member', 'lead'].includes(user.role) && user.start_up === product.start_up));
}

const list = (text) => text.split(',').map((x) => x.trim()).filter(Boolean);
const num = (v) => (v === '' || v === null || v === undefined ? null : Number(v));

export function ProductEditForm({ product, onSaved, onCancel }) {
  const { t } = useI18n();
  const m = product.market || {};
  const [v, setV] = useState({
    name: product.name || '',
    catalogue_name: (product.catalogue && product.catalogue.name) || '',
    catalogue_summary: (product.catalogue && product.catalogue.summary) || '',
    description: product.description || '',
    target_sectors: (product.target_sectors || []).join(', '),
    intended_uses: (product.intended_uses || []).join(', '),
    unit: m.unit || '', price_min: m.price_min ?? '', price_max: m.price_max ?? '', currency: m.currency || '',
    capacity: m.capacity ?? '', capacity_unit: m.capacity_unit || '',
  });
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const set = (name) => (e) => setV({ ...v, [name]: e.target.value });
  const fields = ['name', 'catalogue_name', 'catalogue_summary', 'description', 'target_sectors', 'intended_uses', 'market',
    'market.unit', 'market.price_min', 'market.price_max', 'market.currency', 'market.capacity', 'market.capacity_unit'];
  return (
    <form
      className="form inline-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await api.patch(`/api/products/${product.id}`, {
            name: v.name.trim(),
            catalogue_name: v.catalogue_name.trim(),
            catalogue_summary: v.catalogue_summary.trim(),
            description: v.description.trim(),
            target_sectors: list(v.target_sectors),
            intended_uses: list(v.intended_uses),
            market: {
              unit: v.unit.trim() || null, price_min: num(v.price_min), price_max: num(v.price_max),
              currency: v.currency.trim().toUpperCase() || null, capacity: num(v.capacity), capacity_unit: v.capacity_unit.trim() || null,
            },
          });
          onSaved();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <ErrorMessage error={generalError(fields)} />
      <div className="form-row">
        <Field className="grow" label={t('product.name')} value={v.name} onChange={set('name')} error={fieldError('name')} required />
        <Field className="grow" label={t('product.catalogueName')} value={v.catalogue_name} onChange={set('catalogue_name')} error={fieldError('catalogue_name')} />
      </div>
      <Field label={t('product.summary')} as="textarea" rows={2} value={v.catalogue_summary} onChange={set('catalogue_summary')} error={fieldError('catalogue_summary')} />
      <Field label={t('product.description')} as="textarea" rows={3} value={v.description} onChange={set('description')} error={fieldError('description')} />
      <div className="form-row">
        <Field label={t('product.sectorsField')} value={v.target_sectors} onChange={set('target_sectors')} error={fieldError('target_sectors')} hint={t('product.commaHint')} />
        <Field label={t('product.usesField')} value={v.intended_uses} onChange={set('intended_uses')} error={fieldError('intended_uses')} hint={t('product.commaHint')} />
      </div>
      <fieldset>
        <legend>{t('product.market')}</legend>
        <div className="form-row">
          <Field label={t('market.unit')} value={v.unit} onChange={set('unit')} error={fieldError('market.unit')} hint={t('market.unitHint')} />
          <Field label={t('market.priceMin')} type="number" min="0" step="any" value={v.price_min} onChange={set('price_min')} error={fieldError('market.price_min')} />
          <Field label={t('market.priceMax')} type="number" min="0" step="any" value={v.price_max} onChange={set('price_max')} error={fieldError('market.price_max')} />
          <Field label={t('market.currency')} value={v.currency} onChange={set('currency')} error={fieldError('market.currency')} hint="EUR, MAD…" maxLength={3} />
          <Field label={t('market.capacity')} type="number" min="0" step="any" value={v.capacity} onChange={set('capacity')} error={fieldError('market.capacity')} />
          <Field label={t('market.capacityUnit')} value={v.capacity_unit} onChange={set('capacity_unit')} error={fieldError('market.capacity_unit')} hint={t('market.capacityUnitHint')} />
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" disabled={busy}>{t('common.save')}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

export function MarketFacts({ market }) {
  const { t, formatNumber } = useI18n();
  if (!market) return null;
  const price = market.price_min !== undefined && market.price_min !== null
    ? `${formatNumber(market.price_min, 2)}${market.price_max !== null && market.price_max !== undefined ? ' – ' + formatNumber(market.price_max, 2) : ''} ${market.currency || ''}${market.unit ? ' / ' + market.unit : ''}`
    : null;
  const capacity = market.capacity !== undefined && market.capacity !== null ? `${formatNumber(market.capacity, 2)} ${market.capacity_unit || ''}` : null;
  if (!price && !capacity) return null;
  return (
    <p className="small market-facts">
      {price && <>{t('market.price')} {price}</>}
      {price && capacity && ' · '}
      {capacity && <>{t('market.capacity')} : {capacity}</>}
    </p>
  );
}

// A TRL's title in the interface language (the EU H2020 scale).
export function trlTitle(t, n, serverTitle) {
  return messages['trl.' + n] ? t('trl.' + n) : serverTitle;
}

export function TrlPanel({ product, onChanged }) {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  const [trl, setTrl] = useState(String(product.trl || ''));
  const [note, setNote] = useState('');
  const history = useLoad((signal) => api.get(`/api/products/${product.id}/trl`, undefined, { signal }), [product.id, product.trl]);
  const items = history.data ? history.data.items || history.data.history || [] : [];
  return (
    <section className="panel" aria-labelledby="trl-heading">
      <h2 id="trl-heading">{t('product.trlHeading')}</h2>
      <p>
        <strong>{t('product.trl', { n: product.trl })}</strong> — {trlTitle(t, product.trl, product.trl_title)}
      </p>
      {canChangeProduct(user, product) && (
        <div className="form-row align-end">
          <Field label={t('product.newTrl')} as="select" value={trl} onChange={(e) => setTrl(e.target.value)}>
            {[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => (
              <option key={n} value={n}>{n} — {trlTitle(t, n, '')}</option>
            ))}
          </Field>
          <Field className="grow" label={t('product.trlNote')} value={note} onChange={(e) => setNote(e.target.value)} />
          <ConfirmButton disabled={Number(trl) === product.trl} title={t('product.trlConfirmTitle')}
            message={t('product.trlConfirm', { from: product.trl, to: trl })} confirmLabel={t('product.changeTrl')}
            onConfirm={async () => {
              const body = { trl: Number(trl) };
              if (note.trim()) body.trl_note = note.trim();
              await api.patch(`/api/products/${product.id}`, body);
              setNote('');
              onChanged();
            }}>
            {t('product.changeTrl')}
          </ConfirmButton>
        </div>
      )}
      {items.length > 0 && (
        <ol className="timeline trl-history">
          {items.map((h, i) => (
            <li key={i}>
              <span className="muted small">{formatDate(h.changed_at)}</span>{' '}
              {h.previous ? `TRL ${h.previous} → ${h.trl}` : t('product.trlAtCreation', { n: h.trl })}
              {h.note && <> — {h.note}</>} <span className="muted small">· {actorLabel(h.actor, h.actor_name, t)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function DecisionForm({ product, stage, onSaved }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [v, setV] = useState({ decision: 'go', rationale: '', decided_on: new Date().toISOString().slice(0, 10) });
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  if (!open) {
    return (
      <button type="button" className="small secondary" onClick={() => setOpen(true)}
        aria-label={t('decision.recordFor', { name: stage.name })}>
        {t('decision.record')}
      </button>
    );
  }
  return (
    <form
      className="form inline-form decision-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await api.post(`/api/products/${product.id}/stages/${encodeURIComponent(stage.key)}/decisions`, {
            decision: v.decision, rationale: v.rationale.trim(), decided_on: v.decided_on,
          });
          setOpen(false);
          onSaved();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <ErrorMessage error={generalError(['decision', 'rationale', 'decided_on'])} />
      <div className="form-row">
        <Field label={t('decision.label')} as="select" value={v.decision} onChange={(e) => setV({ ...v, decision: e.target.value })} error={fieldError('decision')}>
          {DECISIONS.map((d) => <option key={d} value={d}>{t('decision.' + d)}</option>)}
        </Field>
        <Field label={t('decision.date')} type="date" value={v.decided_on} onChange={(e) => setV({ ...v, decided_on: e.target.value })} error={fieldError('decided_on')} />
      </div>
      <Field label={t('decision.rationale')} as="textarea" rows={2} value={v.rationale} onChange={(e) => setV({ ...v, rationale: e.target.value })}
        error={fieldError('rationale')} required />
      <div className="form-actions">
        <button type="submit" disabled={busy}>{t('decision.save')}</button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} Kio`;
  return `${(bytes / 1024 / 1024).toFixed(1)} Mio`;
}

const documentName = (d) => `« ${d.title || d.filename} »`;

// The product's visibility control. Its documents keep their own visibility (the narrower of
// the document's and the product's applies) and its customers stay with the start-up, so the
// dialog says which files become visible with the product and which stay behind.
export function ProductVisibility({ product, version, onChanged }) {
  const { t } = useI18n();
  const docs = useLoad((signal) => api.get(`/api/products/${product.id}/documents`, undefined, { signal }), [product.id, version]);
  const items = (docs.data ? docs.data.items || [] : []).filter((d) => !d.retired_at);
  const rank = (v) => VISIBILITIES.indexOf(v);
  const detail = (to) => {
    if (rank(to) <= rank(product.visibility)) return '';
    const follow = items.filter((d) => rank(d.document_visibility) >= rank(to));
    const stay = items.filter((d) => rank(d.document_visibility) < rank(to));
    const parts = [];
    if (follow.length > 0) parts.push(t('product.publishDocumentsFollow', { names: follow.map(documentName).join(', ') }));
    if (stay.length > 0) parts.push(t('product.publishDocumentsStay', { names: stay.map(documentName).join(', ') }));
    parts.push(t('product.publishCustomersStay'));
    return parts.join(' ');
  };
  return <VisibilityControl key={product.visibility} record={product} path={`/api/products/${product.id}`} onChanged={onChanged} detail={detail} />;
}

// Documents of a product (or of one of its stages): download links, upload, retire, and
// each document's own visibility (start-up only when uploaded, whatever the product's).
export function DocumentsPanel({ product, version, onChanged }) {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  const [file, setFile] = useState(null);
  const [kind, setKind] = useState('datasheet');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [inputKey, setInputKey] = useState(0);
  const { setError, fieldError, generalError } = useFormError();
  const docs = useLoad((signal) => api.get(`/api/products/${product.id}/documents`, undefined, { signal }), [product.id, version]);
  const items = docs.data ? docs.data.items || [] : [];
  const mayChange = canChangeProduct(user, product);
  return (
    <section className="panel" aria-labelledby="documents-heading">
      <h2 id="documents-heading">{t('document.heading')}</h2>
      {docs.loading && !docs.data && <Loading />}
      <ErrorMessage error={docs.error} />
      {docs.data && items.length === 0 && <Empty>{t('document.none')}</Empty>}
      {items.length > 0 && (
        <ul className="documents">
          {items.map((d) => (
            <li key={d.id} className={d.retired_at ? 'retired' : undefined}>
              <a href={d.links.content} download={d.filename}>{d.title || d.filename}</a>{' '}
              <span className="muted small">
                {t('documentKind.' + d.kind)} · {d.filename} · {formatSize(d.size)} · {formatDate(d.created_at)}
                {d.owner && d.owner.stage ? ` · ${t('document.stage', { stage: d.owner.stage })}` : ''}
              </span>{' '}
              <VisibilityBadge visibility={d.document_visibility} />
              {!d.retired_at && (
                <VisibilityControl key={d.document_visibility} record={{ ...d, visibility: d.document_visibility }}
                  path={`/api/documents/${d.id}`} onChanged={onChanged}
                  label={t('document.visibilityOf', { name: d.title || d.filename })}
                  buttonLabel={t('document.changeVisibilityOf', { name: d.title || d.filename })}
                  detail={(to) => (to === 'start-up' ? '' : t('document.visibilityNarrower'))} />
              )}
              {mayChange && !d.retired_at && (
                <ConfirmButton className="small secondary" danger title={t('document.retireTitle', { name: d.title || d.filename })}
                  message={t('document.retireWhat')} reason confirmLabel={t('common.retire')}
                  aria-label={t('document.retireNamed', { name: d.title || d.filename })}
                  onConfirm={async (reason) => {
                    await api.post(`/api/documents/${d.id}/retire`, { reason });
                    onChanged();
                  }}>
                  {t('common.retire')}
                </ConfirmButton>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayChange && (
        <form
          className="form inline-form"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              const form = new FormData();
              if (file) form.append('file', file, file.name);
              form.append('kind', kind);
              if (title.trim()) form.append('title', title.trim());
              await api.upload(`/api/products/${product.id}/documents`, form);
              setFile(null);
              setTitle('');
              setInputKey((k) => k + 1);
              onChanged();
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          <ErrorMessage error={generalError(['file', 'kind', 'title'])} />
          <div className="form-row">
            <Field key={inputKey} label={t('document.file')} type="file" onChange={(e) => setFile(e.target.files[0] || null)} error={fieldError('file')} />
            <Field label={t('document.kind')} as="select" value={kind} onChange={(e) => setKind(e.target.value)} error={fieldError('kind')}>
              {DOCUMENT_KINDS.map((k) => <option key={k} value={k}>{t('documentKind.' + k)}</option>)}
            </Field>
            <Field className="grow" label={t('document.title')} value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError('title')} />
          </div>
          <button type="submit" disabled={busy || !file}>{t('document.upload')}</button>
        </form>
      )}
    </section>
  );
}

export function CustomersPanel({ product }) {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState(false);
  const [v, setV] = useState({ name: '', relation: 'customer', contact: '', since: '', notes: '' });
  const { setError, fieldError, generalError } = useFormError();
  const customers = useLoad((signal) => api.get(`/api/products/${product.id}/customers`, undefined, { signal }), [product.id, version]);
  const items = customers.data ? customers.data.items || [] : [];
  const mayChange = canChangeProduct(user, product);
  const set = (name) => (e) => setV({ ...v, [name]: e.target.value });
  return (
    <section className="panel" aria-labelledby="customers-heading">
      <div className="section-head">
        <h2 id="customers-heading">{t('customer.heading')}</h2>
        {mayChange && !adding && <button type="button" className="small" onClick={() => setAdding(true)}>{t('customer.add')}</button>}
      </div>
      <ErrorMessage error={customers.error} />
      {customers.data && items.length === 0 && <Empty>{t('customer.none')}</Empty>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('customer.name')}</th>
                <th scope="col">{t('customer.relation')}</th>
                <th scope="col">{t('customer.contact')}</th>
                <th scope="col">{t('customer.since')}</th>
                <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{c.name}{c.notes && <div className="muted small">{c.notes}</div>}</th>
                  <td>{t('relation.' + c.relation)}</td>
                  <td>{c.contact || '—'}</td>
                  <td>{c.since ? formatDate(c.since) : '—'}</td>
                  <td>
                    {mayChange && (
                      <ConfirmButton className="small secondary" danger title={t('customer.removeTitle', { name: c.name })}
                        message={t('customer.removeWhat')} confirmLabel={t('customer.remove')}
                        aria-label={t('customer.removeNamed', { name: c.name })}
                        onConfirm={async () => {
                          await api.del(`/api/products/${product.id}/customers/${c.id}`);
                          setVersion((x) => x + 1);
                        }}>
                        {t('customer.remove')}
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {adding && (
        <form
          className="form inline-form"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              const body = { name: v.name.trim(), relation: v.relation };
              for (const k of ['contact', 'since', 'notes']) if (v[k].trim()) body[k] = v[k].trim();
              await api.post(`/api/products/${product.id}/customers`, body);
              setV({ name: '', relation: 'customer', contact: '', since: '', notes: '' });
              setAdding(false);
              setVersion((x) => x + 1);
            } catch (err) {
              setError(err);
            }
          }}
        >
          <ErrorMessage error={generalError(['name', 'relation', 'contact', 'since', 'notes'])} />
          <div className="form-row">
            <Field className="grow" label={t('customer.name')} value={v.name} onChange={set('name')} error={fieldError('name')} required />
            <Field label={t('customer.relation')} as="select" value={v.relation} onChange={set('relation')} error={fieldError('relation')}>
              {RELATIONS.map((r) => <option key={r} value={r}>{t('relation.' + r)}</option>)}
            </Field>
            <Field label={t('customer.contact')} value={v.contact} onChange={set('contact')} error={fieldError('contact')} />
            <Field label={t('customer.since')} type="date" value={v.since} onChange={set('since')} error={fieldError('since')} />
          </div>
          <Field label={t('customer.notes')} value={v.notes} onChange={set('notes')} error={fieldError('notes')} />
          <div className="form-actions">
            <button type="submit">{t('customer.save')}</button>
            <button type="button" className="secondary" onClick={() => setAdding(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

export function RetireButton({ path, title, message, onDone, label }) {
  const { t } = useI18n();
  return (
    <ConfirmButton className="secondary" danger title={title} message={message} reason confirmLabel={t('common.retire')}
      onConfirm={async (reason) => {
        await api.post(path, { reason });
        onDone();
      }}>
      {label || t('common.retire')}
    </ConfirmButton>
  );
}
