// Products and their way to market.
//   /products          the pipeline board: one column per stage, a card per product in the
//                      column of its current stage (the first stage not done); "next stage"
//                      marks the current stage done (PATCH /api/products/{id}/stages/{key}).
//   /products/{id}     one product: catalogue view for partners (with the inquiry form),
//                      and for its team the stages as a timeline with their status.
// Endpoints: GET /api/products, GET /api/pipeline/defaults, GET /api/products/{id},
// PATCH /api/products/{id}/stages/{key}, POST /api/products/{id}/inquiries.
import { useState } from 'react';
import { api, isMissingEndpoint } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { messages } from '../messages.js';
import { Link } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad, VisibilityBadge } from '../components/ui.jsx';
import { GreenBadges } from '../components/GreenBadges.jsx';
import { InquiryList } from './Inquiries.jsx';
import { canChangeProduct, CustomersPanel, DecisionForm, DocumentsPanel, MarketFacts, ProductEditForm, ProductVisibility, RetireButton, TrlPanel, trlTitle } from './ProductTeam.jsx';

const STATUSES = ['not_started', 'in_progress', 'done', 'blocked'];

// A stage's name in the interface language when it is a default stage with its default
// (English) name; a name the start-up chose is shown as it is.
export function stageName(t, key, name) {
  const entry = messages['stageDefault.' + key];
  return entry && entry[1] === name ? t('stageDefault.' + key) : name;
}

export function TrlBadge({ trl, title }) {
  const { t } = useI18n();
  if (!trl) return null;
  return (
    <span className="badge trl" title={title || undefined}>
      {t('product.trl', { n: trl })}
    </span>
  );
}

export function ProductCard({ product, action, badges = true }) {
  const { t } = useI18n();
  const startUps = useStartUps();
  const cat = product.catalogue || {};
  return (
    <article className="card product-card" data-product={product.id}>
      {cat.depiction && (
        <Link to={`/products/${product.id}`} className="card-link" tabIndex={-1} aria-hidden="true">
          <img className="depiction" src={cat.depiction + '?width=240&height=150'} width="240" height="150" alt="" loading="lazy" />
        </Link>
      )}
      <div className="card-body">
        <h3>
          <Link to={`/products/${product.id}`}>{cat.name || product.name}</Link>
        </h3>
        {cat.summary && <p className="small">{cat.summary}</p>}
        <p className="muted small">{startUps.name(product.start_up)}</p>
        <div className="badges">
          <TrlBadge trl={product.trl} title={product.trl_title} />
          {product.stage && <span className="badge stage">{stageName(t, product.stage.key, product.stage.name)}</span>}
        </div>
        {badges && <GreenBadges compoundId={product.compound_id} serverBadges={cat.badges} />}
        {action}
      </div>
    </article>
  );
}

function NextStageButton({ product, onMoved }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (!product.stage || product.pipeline_complete || product.view !== 'full') return null;
  return (
    <>
      <button
        type="button"
        className="small"
        disabled={busy}
        aria-label={t('product.nextStageOf', { name: product.name })}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await api.patch(`/api/products/${product.id}/stages/${encodeURIComponent(product.stage.key)}`, { status: 'done' });
            onMoved();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('product.nextStage')} →
      </button>
      <ErrorMessage error={error} />
    </>
  );
}

// A formulation row as the API reads it: a registry code (CMP-… compound, SUB-… substance) or a
// free ingredient name, with its percentage and function.
function formulationPart(row) {
  const text = row.ingredient.trim();
  const part = /^CMP-\d+$/i.test(text) ? { compound_id: text.toUpperCase() }
    : /^SUB-\d+$/i.test(text) ? { substance_id: text.toUpperCase() } : { name: text };
  if (row.percentage !== '') part.percentage = Number(row.percentage);
  if (row.function.trim()) part.function = row.function.trim();
  return part;
}

// A new product (POST /api/products): name, what it is made of — one compound, one substance
// (an extract, an oil, a polymer…) or a formulation of compounds, substances and named
// ingredients — catalogue summary and TRL; the default stages come with it. It starts visible
// to its start-up only.
function NewProductForm({ onCreated, onCancel }) {
  const { t } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const [v, setV] = useState({ name: '', madeOf: 'compound', compound_id: '', substance_id: '', catalogue_summary: '', trl: '3', start_up: '' });
  const [parts, setParts] = useState([]);
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const set = (name) => (e) => setV({ ...v, [name]: e.target.value });
  const setPart = (i, patch) => setParts(parts.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const fields = ['name', 'compound_id', 'substance_id', 'formulation', 'catalogue_summary', 'trl', 'start_up'];
  const partError = (i) => {
    const prefix = `formulation[${i}]`;
    for (const k of ['compound_id', 'substance_id', 'name', 'percentage', 'function']) {
      const e = fieldError(`${prefix}.${k}`);
      if (e) return e;
    }
    return fieldError(prefix);
  };
  return (
    <form
      className="form inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const body = { name: v.name.trim() };
          if (v.madeOf === 'compound' && v.compound_id.trim()) body.compound_id = v.compound_id.trim().toUpperCase();
          if (v.madeOf === 'substance' && v.substance_id.trim()) body.substance_id = v.substance_id.trim().toUpperCase();
          if (v.madeOf === 'formulation') {
            const filled = parts.filter((x) => x.ingredient.trim());
            if (filled.length) body.formulation = filled.map(formulationPart);
          }
          if (v.catalogue_summary.trim()) body.catalogue_summary = v.catalogue_summary.trim();
          if (v.trl) body.trl = Number(v.trl);
          if (!user.start_up && v.start_up) body.start_up = Number(v.start_up);
          onCreated(await api.post('/api/products', body));
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <ErrorMessage error={generalError(fields.concat(parts.map((_, i) => `formulation[${i}]`)))} />
      <div className="form-row">
        <Field className="grow" label={t('product.name')} value={v.name} onChange={set('name')} error={fieldError('name')} required />
        <Field label={t('product.madeOf')} as="select" value={v.madeOf}
          onChange={(e) => { setV({ ...v, madeOf: e.target.value }); if (e.target.value === 'formulation' && !parts.length) setParts([{ ingredient: '', percentage: '', function: '' }]); }}>
          {['compound', 'substance', 'formulation'].map((k) => <option key={k} value={k}>{t('product.madeOf.' + k)}</option>)}
        </Field>
        {v.madeOf === 'compound' && (
          <Field label={t('product.compound')} value={v.compound_id} onChange={set('compound_id')} error={fieldError('compound_id')}
            hint={t('route.targetHint')} />
        )}
        {v.madeOf === 'substance' && (
          <Field label={t('product.substance')} value={v.substance_id} onChange={set('substance_id')} error={fieldError('substance_id')}
            hint={t('product.substanceHint')} />
        )}
        {!user.start_up && (
          <Field label={t('register.startUp')} as="select" value={v.start_up} onChange={set('start_up')} error={fieldError('start_up')}>
            <option value="">{t('register.chooseStartUp')}</option>
            {startUps.items.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </Field>
        )}
      </div>
      {v.madeOf === 'formulation' && (
        <fieldset className="formulation-rows">
          <legend>{t('product.formulation')}</legend>
          {parts.map((x, i) => (
            <div className="form-row" key={i} data-part={i}>
              <Field className="grow" label={`${t('product.ingredient')} (${i + 1})`} value={x.ingredient} hint={t('product.ingredientHint')}
                onChange={(e) => setPart(i, { ingredient: e.target.value })} error={partError(i)} />
              <Field label={`% (${i + 1})`} type="number" min="0" max="100" step="any" value={x.percentage}
                onChange={(e) => setPart(i, { percentage: e.target.value })} />
              <Field label={`${t('product.function')} (${i + 1})`} value={x.function} onChange={(e) => setPart(i, { function: e.target.value })} />
              <button type="button" className="small secondary remove" aria-label={t('product.removeIngredient', { n: i + 1 })}
                onClick={() => setParts(parts.filter((_, j) => j !== i))}>×</button>
            </div>
          ))}
          <button type="button" className="small secondary" onClick={() => setParts([...parts, { ingredient: '', percentage: '', function: '' }])}>
            + {t('product.addIngredient')}
          </button>
        </fieldset>
      )}
      <Field label={t('product.summary')} as="textarea" rows={2} value={v.catalogue_summary} onChange={set('catalogue_summary')}
        error={fieldError('catalogue_summary')} />
      <div className="form-row">
        <Field label="TRL" type="number" min="1" max="9" value={v.trl} onChange={set('trl')} error={fieldError('trl')}
          hint={t('product.newIsPrivate')} />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>{t('product.create')}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

export function PipelinePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState(false);
  const data = useLoad(
    async (signal) => {
      const [defaults, products] = await Promise.all([
        api.get('/api/pipeline/defaults', undefined, { signal }),
        api.get('/api/products', user && user.start_up ? { start_up: user.start_up } : undefined, { signal }),
      ]);
      return { defaults, products };
    },
    [version, user && user.start_up],
  );
  return (
    <>
      <PageHeader
        title={t('pipeline.title')}
        subtitle={t('pipeline.subtitle')}
        actions={canRegister(user) && !adding && <button type="button" onClick={() => setAdding(true)}>{t('product.new')}</button>}
      />
      {adding && (
        <NewProductForm onCreated={() => { setAdding(false); setVersion((x) => x + 1); }} onCancel={() => setAdding(false)} />
      )}
      {data.loading && !data.data && <Loading />}
      <ErrorMessage error={data.error} />
      {data.data && <Board defaults={data.data.defaults} products={data.data.products.items} onMoved={() => setVersion((v) => v + 1)} />}
    </>
  );
}

function Board({ defaults, products, onMoved }) {
  const { t } = useI18n();
  // Columns: the default stages, then any custom stage a product is in.
  const columns = defaults.stages.map((s) => ({ key: s.key, name: stageName(t, s.key, s.name) }));
  for (const p of products) {
    if (p.stage && !columns.some((c) => c.key === p.stage.key)) columns.push({ key: p.stage.key, name: p.stage.name });
  }
  if (!products.length) return <Empty>{t('pipeline.empty')}</Empty>;
  return (
    <div className="board" role="list" aria-label={t('pipeline.board')}>
      {columns.map((c) => {
        const inColumn = products.filter((p) => p.stage && p.stage.key === c.key);
        return (
          <section key={c.key} className="board-column" role="listitem" aria-labelledby={'col-' + c.key} data-stage={c.key}>
            <h2 id={'col-' + c.key}>
              {c.name} <span className="count">{inColumn.length}</span>
            </h2>
            {inColumn.map((p) => (
              <ProductCard key={p.id} product={p} badges={false} action={<NextStageButton product={p} onMoved={onMoved} />} />
            ))}
          </section>
        );
      })}
    </div>
  );
}

function InquiryForm({ product }) {
  const { t } = useI18n();
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState(null);
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  if (sent) {
    return (
      <p className="notice" role="status">
        {t('inquiry.sent', { id: sent.id })} <Link to={`/inquiries/${sent.id}`}>{t('inquiry.open')}</Link>
      </p>
    );
  }
  return (
    <form
      className="form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          setSent(await api.post(`/api/products/${product.id}/inquiries`, { subject, message }));
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <ErrorMessage error={generalError(['subject', 'message'])} />
      <Field label={t('inquiry.subject')} value={subject} onChange={(e) => setSubject(e.target.value)} error={fieldError('subject')} required />
      <Field label={t('inquiry.message')} as="textarea" rows={4} value={message} onChange={(e) => setMessage(e.target.value)}
        error={fieldError('message')} required />
      <button type="submit" disabled={busy}>{t('inquiry.send')}</button>
    </form>
  );
}

function StageTimeline({ product, onChanged }) {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  const mayChange = canChangeProduct(user, product);
  const [error, setError] = useState(null);
  const setStatus = async (stage, status) => {
    setError(null);
    try {
      await api.patch(`/api/products/${product.id}/stages/${encodeURIComponent(stage.key)}`, { status });
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <ErrorMessage error={error} />
      <ol className="timeline stages">
        {product.stages.map((s) => (
          <li key={s.key} className={'stage-' + s.status + (product.stage && product.stage.key === s.key ? ' current' : '')}>
            <div className="timeline-head">
              <strong>{stageName(t, s.key, s.name)}</strong>{' '}
              <span className={'badge status-' + s.status}>{t('stageStatus.' + s.status)}</span>
              {s.overdue && <span className="badge overdue">{t('stage.overdue', { n: s.overdue.days_overdue })}</span>}
            </div>
            <p className="muted small">
              {t('stage.planned')} {formatDate(s.planned_start)} → {formatDate(s.planned_end)} · {t('stage.actual')}{' '}
              {formatDate(s.actual_start)} → {formatDate(s.actual_end)}
              {s.owner && <> · {s.owner}</>}
            </p>
            {s.last_decision && (
              <p className="small">
                {t('stage.decision')} <strong>{t('decision.' + s.last_decision.decision)}</strong> — {s.last_decision.rationale}
              </p>
            )}
            {mayChange && (
              <div className="stage-controls">
                <label className="inline-select">
                  <span className="visually-hidden">{t('stage.statusOf', { name: stageName(t, s.key, s.name) })}</span>
                  <select value={s.status} onChange={(e) => setStatus(s, e.target.value)} aria-label={t('stage.statusOf', { name: stageName(t, s.key, s.name) })}>
                    {STATUSES.map((st) => (
                      <option key={st} value={st}>{t('stageStatus.' + st)}</option>
                    ))}
                  </select>
                </label>
                <DecisionForm product={product} stage={{ ...s, name: stageName(t, s.key, s.name) }} onSaved={onChanged} />
              </div>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

// Dated events of a product (GET /api/products/{id}/timeline): stage changes, decisions,
// TRL changes, documents, customers, newest last.
function TimelineEvents({ product, version }) {
  const { t, formatDate } = useI18n();
  const timeline = useLoad((signal) => api.get(`/api/products/${product.id}/timeline`, undefined, { signal }), [product.id, version]);
  if (timeline.loading && !timeline.data) return <Loading />;
  if (timeline.error) return <ErrorMessage error={timeline.error} />;
  const events = timeline.data.events;
  if (!events.length) return <Empty>{t('product.noEvents')}</Empty>;
  const stage = (key) => {
    const s = (product.stages || []).find((x) => x.key === key);
    return s ? stageName(t, s.key, s.name) : key;
  };
  // The server's summary is in English; the page says the event from its type and details
  // (decision, rationale, TRL, note, file name, reason), and keeps the text the team wrote.
  // Servers without details: the free text is taken from the summary.
  const describe = (e) => {
    const d = e.details || {};
    const after = (sep) => (e.summary.includes(sep) ? e.summary.slice(e.summary.indexOf(sep) + sep.length) : '');
    switch (e.type) {
      case 'created': return t('event.created');
      case 'stage_started': return t('event.stageStarted', { stage: stage(e.stage) });
      case 'stage_completed': return t('event.stageCompleted', { stage: stage(e.stage) });
      case 'gate_decision': {
        const decision = d.decision || e.summary.split(' ')[0];
        const rationale = d.rationale !== undefined ? `${d.rationale}${d.decided_by ? ` (${d.decided_by})` : ''}` : after(': ');
        return <>{t('event.decision', { stage: stage(e.stage), decision: messages['decision.' + decision] ? t('decision.' + decision) : decision })} <span className="muted">{rationale}</span></>;
      }
      case 'trl_changed': {
        const m = e.summary.match(/^TRL (\d+) -> (\d+)/);
        const from = d.trl_from || (m && m[1]);
        const to = d.trl || (m && m[2]) || e.reference;
        const note = d.note !== undefined ? d.note : after(': ');
        return <>{from ? t('event.trl', { from, to }) : t('event.trlCreated', { n: to })}{note && <span className="muted"> — {note}</span>}</>;
      }
      case 'document_added': {
        const name = d.filename || (e.summary.match(/'(.*)'/) || [])[1] || e.reference;
        return <>{t('event.document')} <a href={`/api/documents/${e.reference}/content`} download={name}>{d.title || name}</a></>;
      }
      case 'retired': return t('event.retired', { reason: d.reason !== undefined ? d.reason : after(': ') });
      default: return e.summary;
    }
  };
  return (
    <ol className="timeline events" aria-label={t('product.events')}>
      {events.map((e, i) => (
        <li key={i} data-type={e.type}>
          <span className="muted small">{formatDate(e.date)}</span> {describe(e)}
        </li>
      ))}
    </ol>
  );
}

// The inquiries about a product that the caller takes part in (the owning team sees all).
function ProductInquiries({ product }) {
  const { t } = useI18n();
  const list = useLoad((signal) => api.get(`/api/products/${product.id}/inquiries`, undefined, { signal }), [product.id]);
  return (
    <section className="panel" aria-labelledby="product-inquiries">
      <h2 id="product-inquiries">{t('inquiry.aboutProduct')}</h2>
      {list.loading && !list.data && <Loading />}
      <ErrorMessage error={list.error} />
      {list.data && <InquiryList items={list.data.items} />}
    </section>
  );
}

export function ProductPage({ id }) {
  const { t } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const product = useLoad((signal) => api.get(`/api/products/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);
  if (product.loading && !product.data) return <Loading />;
  if (product.error) {
    return (
      <>
        <PageHeader title={id} />
        <ErrorMessage error={product.error} />
      </>
    );
  }
  const p = product.data;
  const cat = p.catalogue || {};
  const mayChange = canChangeProduct(user, p) && !p.retired_at;
  const changed = () => setVersion((v) => v + 1);
  return (
    <>
      <PageHeader
        title={cat.name || p.name}
        subtitle={`${startUps.name(p.start_up)} · ${p.id}`}
        actions={
          <>
            <VisibilityBadge visibility={p.visibility} />
            {mayChange && !editing && <button type="button" className="secondary small" onClick={() => setEditing(true)}>{t('product.edit')}</button>}
            {mayChange && (
              <RetireButton path={`/api/products/${p.id}/retire`} title={t('product.retireTitle', { name: p.name })}
                message={t('product.retireWhat')} onDone={changed} />
            )}
          </>
        }
      />
      {p.retired_at && <p className="notice warning-notice">{t('product.retired', { reason: p.retired_reason || '' })}</p>}
      {editing && <ProductEditForm product={p} onSaved={() => { setEditing(false); changed(); }} onCancel={() => setEditing(false)} />}
      <div className="compound-top">
        <div className="structure-panel">
          {cat.depiction ? (
            <img className="depiction" src={cat.depiction + '?width=400&height=280'} width="400" height="280" alt={t('product.structure')} />
          ) : (
            <p className="muted">{t('product.noStructure')}</p>
          )}
          {p.compound && (
            <p className="small">
              <Link to={`/compounds/${p.compound.id}`}>{p.compound.id}</Link> · {p.compound.formula}
            </p>
          )}
          {p.substance && (
            <p className="small">
              {t('product.madeOfSubstance')} <Link to={`/substances/${p.substance.id}`}>{p.substance.name}</Link> <span className="mono muted">{p.substance.id}</span>
            </p>
          )}
        </div>
        <section className="panel">
          <h2>{t('product.about')}</h2>
          {cat.summary && <p className="lead-text">{cat.summary}</p>}
          {p.description && <p>{p.description}</p>}
          <div className="badges">
            <TrlBadge trl={p.trl} title={trlTitle(t, p.trl, p.trl_title)} />
            {p.trl && <span className="muted small">{trlTitle(t, p.trl, p.trl_title)}</span>}
            {p.stage && <span className="badge stage">{stageName(t, p.stage.key, p.stage.name)}</span>}
          </div>
          <GreenBadges compoundId={p.compound_id} serverBadges={cat.badges} />
          <MarketFacts market={p.market} />
          {p.formulation.length > 0 && (
            <>
              <h3>{t('product.formulation')}</h3>
              <ul>
                {p.formulation.map((f, i) => (
                  <li key={i}>
                    {f.substance ? <Link to={`/substances/${f.substance.id}`}>{f.substance.name}</Link>
                      : f.compound_id ? <Link to={`/compounds/${f.compound_id}`}>{f.name || f.compound_id}</Link> : f.name}{' '}
                    {f.percentage !== null && f.percentage !== undefined ? `— ${f.percentage} %` : ''} {f.function && <span className="muted">({f.function})</span>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {p.target_sectors.length > 0 && <p className="small">{t('product.sectors')} {p.target_sectors.join(', ')}</p>}
          {p.intended_uses.length > 0 && <p className="small">{t('product.uses')} {p.intended_uses.join(', ')}</p>}
        </section>
      </div>
      {p.view === 'full' && <ProductVisibility product={p} version={version} onChanged={changed} />}
      {p.view === 'full' && p.stages && (
        <div className="two-columns">
          <section className="panel" aria-labelledby="stages">
            <h2 id="stages">{t('product.pipeline')}</h2>
            <StageTimeline product={p} onChanged={changed} />
          </section>
          <section className="panel" aria-labelledby="events">
            <h2 id="events">{t('product.events')}</h2>
            <TimelineEvents product={p} version={version} />
          </section>
        </div>
      )}
      {p.view === 'full' && <TrlPanel product={p} onChanged={changed} />}
      {p.view === 'full' && (
        <div className="two-columns">
          <DocumentsPanel product={p} version={version} onChanged={changed} />
          <CustomersPanel product={p} />
        </div>
      )}
      {user && user.role !== 'partner' && p.view === 'full' && <ProductInquiries product={p} />}
      {user && user.role === 'partner' && (
        <section className="panel" aria-labelledby="inquiry">
          <h2 id="inquiry">{t('inquiry.title')}</h2>
          <InquiryForm product={p} />
        </section>
      )}
      {user && user.role === 'partner' && <ProductInquiries product={p} />}
      {!user && (
        <p className="notice">
          <Link to={`/login?next=/products/${p.id}`}>{t('inquiry.signIn')}</Link>
        </p>
      )}
    </>
  );
}

// Products made of a compound (GET /api/compounds/{id}/products), for the compound page.
export function CompoundProducts({ compound }) {
  const { t } = useI18n();
  const products = useLoad((signal) => api.get(`/api/compounds/${compound}/products`, undefined, { signal }), [compound]);
  if (isMissingEndpoint(products.error)) return null;
  const items = products.data ? products.data.items || [] : [];
  return (
    <section className="panel" aria-labelledby="compound-products">
      <h2 id="compound-products">{t('compound.products')}</h2>
      {products.loading && !products.data && <Loading />}
      <ErrorMessage error={products.error} />
      {products.data && !items.length && <Empty>{t('product.noneForCompound')}</Empty>}
      {items.length > 0 && (
        <ul>
          {items.map((p) => (
            <li key={p.id}>
              <Link to={`/products/${p.id}`}>{(p.catalogue && p.catalogue.name) || p.name}</Link>{' '}
              <TrlBadge trl={p.trl} title={p.trl_title} /> {p.stage && <span className="badge stage">{stageName(t, p.stage.key, p.stage.name)}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
