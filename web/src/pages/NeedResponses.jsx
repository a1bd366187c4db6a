// One response to a need (GET /api/responses/{id}): the start-up's proposal, the records it
// shares with the need's partner only (each readable through the response while its grant is
// active: GET /api/responses/{id}/shares/{share}), the question thread, and the statuses.
// The partner shortlists or declines; the start-up shares more, revokes, withdraws.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { useSession } from '../session.jsx';
import { ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad, Empty } from '../components/ui.jsx';
import { SHARE_KINDS } from './needsCommon.jsx';

function SharedRecord({ response, share }) {
  const { t, formatNumber, formatDate } = useI18n();
  const data = useLoad((signal) => api.get(`/api/responses/${response}/shares/${share.id}`, undefined, { signal }), [share.id]);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) return <ErrorMessage error={data.error} />;
  const r = data.data.record;
  return (
    <div className="shared-record" data-shared={share.record}>
      {data.data.depiction && (
        <img className="depiction" src={data.data.depiction} width={220} height={150} alt={share.record} />
      )}
      {share.type === 'compound' && (
        <dl className="definitions compact">
          <dt>{t('compound.formula')}</dt><dd>{r.formula}</dd>
          <dt>{t('compound.canonicalSmiles')}</dt><dd className="mono">{r.canonical_smiles}</dd>
        </dl>
      )}
      {share.type === 'batch' && (
        <dl className="definitions compact">
          <dt>{t('recordKind.compound')}</dt><dd className="mono">{r.compound.canonical_smiles}</dd>
          {r.purity !== null && r.purity !== undefined && <><dt>{t('batch.purity')}</dt><dd>{formatNumber(r.purity)} %</dd></>}
          {r.amount !== null && r.amount !== undefined && <><dt>{t('batch.amount')}</dt><dd>{formatNumber(r.amount)} {r.unit || r.amount_unit}</dd></>}
          {r.prepared_on && <><dt>{t('batch.preparedOn')}</dt><dd>{formatDate(r.prepared_on)}</dd></>}
          {r.analyses && r.analyses.length > 0 && (
            <>
              <dt>{t('response.analyses')}</dt>
              <dd>{r.analyses.map((a) => `${a.title} (${t('documentKind.' + a.kind)})`).join(' ; ')}</dd>
            </>
          )}
        </dl>
      )}
      {share.type === 'product' && (
        <p><strong>{r.catalogue ? r.catalogue.name : r.name}</strong> — {r.catalogue ? r.catalogue.summary : r.description}</p>
      )}
      {share.type === 'route' && (
        <>
          <p><strong>{r.route ? r.route.name : share.label}</strong> <span className="muted small">{r.basis}</span></p>
          <table className="metrics-table" data-testid="shared-route-metrics">
            <tbody>
              {Object.entries(r.metrics || {}).filter(([, m]) => m && m.value !== null && m.value !== undefined).slice(0, 8).map(([key, m]) => (
                <tr key={key} data-metric={key}>
                  <th scope="row">{m.name}</th>
                  <td className="num">{formatNumber(m.value, 2)} {m.unit || ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {share.type === 'document' && (
        <p>
          {r.title || r.filename}{' '}
          <a href={data.data.content} download={r.filename} className="button small">{t('response.download')}</a>
        </p>
      )}
    </div>
  );
}

function ShareItem({ response, share, startUpSide, onChange }) {
  const { t, formatDate } = useI18n();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState(null);
  const active = startUpSide ? share.active : true;
  return (
    <li className={'share' + (active ? '' : ' revoked')} data-share={share.record}>
      <span className="share-kind">{t('recordKind.' + share.type)}</span> <strong>{share.record}</strong> · {share.label}
      {share.note && <span className="muted"> — {share.note}</span>}
      {!active && <span className="muted"> ({t('response.revoked', { date: formatDate(share.revoked_at) })})</span>}
      {' '}
      {active && (
        <button type="button" className="small secondary" onClick={() => setOpen(!open)}>
          {open ? t('response.hide') : t('response.view')}
        </button>
      )}
      {startUpSide && active && (
        <button type="button" className="small secondary" onClick={async () => {
          setError(null);
          try {
            await api.post(`/api/responses/${response}/shares/${share.id}/revoke`);
            onChange();
          } catch (e) {
            setError(e);
          }
        }}>{t('response.revoke')}</button>
      )}
      <ErrorMessage error={error} />
      {open && active && <SharedRecord response={response} share={share} />}
    </li>
  );
}

function AddShare({ response, onDone }) {
  const { t } = useI18n();
  const [kind, setKind] = useState('compound');
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  const { setError, fieldError, generalError } = useFormError();
  return (
    <form className="form inline-form" onSubmit={async (e) => {
      e.preventDefault();
      setError(null);
      try {
        const id = kind === 'route' && /^\d+$/.test(code.trim()) ? Number(code.trim()) : code.trim();
        await api.post(`/api/responses/${response}/shares`, { type: kind, id, note });
        setCode('');
        setNote('');
        onDone();
      } catch (err) {
        setError(err);
      }
    }}>
      <ErrorMessage error={generalError(['id', 'type', 'note'])} />
      <div className="form-row">
        <Field label={t('need.shareKind')} as="select" value={kind} onChange={(e) => setKind(e.target.value)} error={fieldError('type')}>
          {SHARE_KINDS.map((k) => <option key={k} value={k}>{t('recordKind.' + k)}</option>)}
        </Field>
        <Field label={t('need.shareCode')} value={code} onChange={(e) => setCode(e.target.value)} error={fieldError('id')} />
        <Field label={t('need.outcomeNote')} value={note} onChange={(e) => setNote(e.target.value)} error={fieldError('note')} />
      </div>
      <div className="form-actions"><button type="submit" disabled={!code.trim()}>{t('need.shareAdd')}</button></div>
    </form>
  );
}

function Reply({ response, onSent }) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const { setError, fieldError, generalError } = useFormError();
  return (
    <form className="form" onSubmit={async (e) => {
      e.preventDefault();
      setError(null);
      try {
        await api.post(`/api/responses/${response}/messages`, { message });
        setMessage('');
        onSent();
      } catch (err) {
        setError(err);
      }
    }}>
      <ErrorMessage error={generalError(['message'])} />
      <Field label={t('response.message')} as="textarea" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} error={fieldError('message')} />
      <div className="form-actions"><button type="submit">{t('response.send')}</button></div>
    </form>
  );
}

export function NeedResponsePage({ id }) {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const [error, setError] = useState(null);
  const data = useLoad((signal) => api.get(`/api/responses/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);
  const reload = () => setVersion((v) => v + 1);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) {
    return (
      <>
        <PageHeader title={t('response.title', { id })} />
        <ErrorMessage error={data.error} />
      </>
    );
  }
  const r = data.data;
  const partnerSide = user && user.role === 'partner';
  const startUpSide = user && (user.role === 'admin' || user.start_up === r.start_up.id);
  const setStatus = async (status) => {
    setError(null);
    try {
      await api.patch(`/api/responses/${r.id}`, { status });
      reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageHeader
        title={t('response.title', { id: r.id })}
        subtitle={`${r.start_up.name} · ${t('responseStatus.' + r.status)}`}
        actions={
          <>
            {partnerSide && r.status !== 'shortlisted' && r.status !== 'withdrawn' && r.status !== 'selected' && (
              <button type="button" onClick={() => setStatus('shortlisted')}>{t('response.shortlist')}</button>
            )}
            {partnerSide && r.status !== 'declined' && r.status !== 'withdrawn' && r.status !== 'selected' && (
              <button type="button" className="secondary" onClick={() => setStatus('declined')}>{t('response.decline')}</button>
            )}
            {partnerSide && (r.status === 'shortlisted' || r.status === 'declined') && (
              <button type="button" className="secondary" onClick={() => setStatus('submitted')}>{t('response.reset')}</button>
            )}
            {!partnerSide && startUpSide && r.status !== 'withdrawn' && r.status !== 'selected' && (
              <button type="button" className="secondary" onClick={() => setStatus('withdrawn')}>{t('response.withdraw')}</button>
            )}
            {!partnerSide && startUpSide && r.status === 'withdrawn' && (
              <button type="button" className="secondary" onClick={() => setStatus('submitted')}>{t('response.resubmit')}</button>
            )}
          </>
        }
      />
      <ErrorMessage error={error} />
      <p>{t('response.toNeed')} <Link to={`/needs/${r.need.id}`}>{r.need.id} — {r.need.title}</Link></p>
      <section className="panel" aria-labelledby="response-summary">
        <h2 id="response-summary">{t('response.summary')}</h2>
        <p className="statement">{r.summary}</p>
      </section>
      <section className="panel" aria-labelledby="response-shares">
        <h2 id="response-shares">{t('response.shares')}</h2>
        <p className="small muted">{t('response.sharesHint')}</p>
        {r.shares.length ? (
          <ul className="share-list">
            {r.shares.map((s) => <ShareItem key={s.id} response={r.id} share={s} startUpSide={!partnerSide && startUpSide} onChange={reload} />)}
          </ul>
        ) : <Empty>{t('response.noShares')}</Empty>}
        {!partnerSide && startUpSide && <AddShare response={r.id} onDone={reload} />}
      </section>
      <section className="panel" aria-labelledby="response-thread">
        <h2 id="response-thread">{t('response.thread')}</h2>
        <ol className="thread" aria-label={t('response.thread')}>
          {r.messages.map((m) => (
            <li key={m.number} className={'message side-' + m.side}>
              <p className="muted small">{m.author || t('response.partner')} · {formatDate(m.created_at)}</p>
              <p>{m.body}</p>
            </li>
          ))}
        </ol>
        <Reply response={r.id} onSent={reload} />
      </section>
    </>
  );
}
