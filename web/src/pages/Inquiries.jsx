// Inquiries: a partner asks about a catalogue product, the owning start-up answers.
//   /inquiries        the caller's inquiries (GET /api/inquiries): a partner's own, a
//                     start-up's about its products, all for administrators
//   /inquiries/{id}   one inquiry with its thread (GET /api/inquiries/{id}); answer
//                     (POST /api/inquiries/{id}/messages), close or reopen (PATCH). Opening
//                     it marks it read (POST /api/inquiries/{id}/read); new messages are marked.
// Only the parties see an inquiry; anyone else gets "not found" from the server.
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { useSession } from '../session.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, SortHeader, TableFoot, useFormError, useLoad, useTable } from '../components/ui.jsx';

export function InquiryList({ items }) {
  const { t, formatDate } = useI18n();
  const table = useTable(items, {
    subject: (q) => q.subject,
    product: (q) => q.product.name,
    partner: (q) => q.partner,
    status: (q) => t('inquiryStatus.' + q.status),
    messages: (q) => q.message_count,
    unread: (q) => q.unread || 0,
    updated: (q) => q.updated_at,
  }, { initial: { key: 'updated', dir: -1 } });
  if (!items.length) return <Empty>{t('inquiry.none')}</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <SortHeader table={table} column="subject">{t('inquiry.subject')}</SortHeader>
            <SortHeader table={table} column="product">{t('inquiry.product')}</SortHeader>
            <SortHeader table={table} column="partner">{t('inquiry.partner')}</SortHeader>
            <SortHeader table={table} column="status">{t('inquiry.status')}</SortHeader>
            <SortHeader table={table} column="messages">{t('inquiry.messages')}</SortHeader>
            <SortHeader table={table} column="updated">{t('inquiry.updated')}</SortHeader>
          </tr>
        </thead>
        <tbody>
          {table.rows.map((q) => (
            <tr key={q.id}>
              <th scope="row">
                <Link to={`/inquiries/${q.id}`}>{q.subject}</Link>
                {q.unread > 0 && <span className="count-badge" title={t('inquiry.unreadN', { n: q.unread })}>{t('inquiry.unreadN', { n: q.unread })}</span>}
              </th>
              <td><Link to={`/products/${q.product.id}`}>{q.product.name}</Link></td>
              <td>{q.partner}</td>
              <td>{t('inquiryStatus.' + q.status)}</td>
              <td className="num">{q.message_count}</td>
              <td>{formatDate(q.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <TableFoot table={table} />
    </div>
  );
}

export function InquiriesPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const list = useLoad((signal) => (user ? api.get('/api/inquiries', undefined, { signal }) : Promise.resolve(null)), [user && user.id]);
  if (loading) return <Loading />;
  if (!user) {
    return (
      <>
        <PageHeader title={t('inquiry.list')} />
        <p><Link to="/login?next=/inquiries">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('inquiry.list')} subtitle={t(user.role === 'partner' ? 'inquiry.listPartner' : 'inquiry.listTeam')} />
      {list.loading && !list.data && <Loading />}
      <ErrorMessage error={list.error} />
      {list.data && <InquiryList items={list.data.items} />}
    </>
  );
}

function ReplyForm({ inquiry, onSent }) {
  const { t } = useI18n();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await api.post(`/api/inquiries/${inquiry.id}/messages`, { message });
          setMessage('');
          onSent();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <ErrorMessage error={generalError(['message'])} />
      <Field label={t('inquiry.reply')} as="textarea" rows={3} value={message} onChange={(e) => setMessage(e.target.value)}
        error={fieldError('message')} />
      <button type="submit" disabled={busy}>{t('inquiry.sendReply')}</button>
    </form>
  );
}

export function InquiryPage({ id }) {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const [error, setError] = useState(null);
  const inquiry = useLoad((signal) => api.get(`/api/inquiries/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);
  // The messages that were new when the page opened stay marked while it is open.
  const [fresh, setFresh] = useState(new Set());
  const data = inquiry.data;
  useEffect(() => {
    if (!data || !data.unread) return;
    // The newest messages not written from the viewer's side (the server counts by author).
    const mine = user && user.role === 'partner' ? 'partner' : user && user.role === 'admin' ? 'cluster' : 'start_up';
    const marked = new Set();
    for (let i = data.messages.length - 1; i >= 0 && marked.size < data.unread; i--) {
      if (data.messages[i].side !== mine) marked.add(data.messages[i].id);
    }
    setFresh(marked);
    api.post(`/api/inquiries/${encodeURIComponent(data.id)}/read`)
      .then(() => window.dispatchEvent(new Event('argan:inquiries-read')))
      .catch(() => {});
  }, [data, user]);
  if (inquiry.loading && !inquiry.data) return <Loading />;
  if (inquiry.error) {
    return (
      <>
        <PageHeader title={id} />
        <ErrorMessage error={inquiry.error} />
      </>
    );
  }
  const q = inquiry.data;
  const closed = q.status === 'closed';
  return (
    <>
      <PageHeader
        title={q.subject}
        subtitle={`${q.id} · ${t('inquiryStatus.' + q.status)} · ${q.partner}`}
        actions={
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              setError(null);
              try {
                await api.patch(`/api/inquiries/${q.id}`, { status: closed ? 'open' : 'closed' });
                setVersion((v) => v + 1);
              } catch (e) {
                setError(e);
              }
            }}
          >
            {t(closed ? 'inquiry.reopen' : 'inquiry.close')}
          </button>
        }
      />
      <ErrorMessage error={error} />
      <p>
        {t('inquiry.product')} : <Link to={`/products/${q.product.id}`}>{q.product.name}</Link>
      </p>
      <ol className="thread" aria-label={t('inquiry.thread')}>
        {q.messages.map((m) => (
          <li key={m.id} className={'message side-' + m.side + (fresh.has(m.id) ? ' unread' : '')}>
            <p className="muted small">
              {fresh.has(m.id) && <strong className="new-label">{t('inquiry.new')} · </strong>}
              {m.author} · {formatDate(m.created_at)}
            </p>
            <p>{m.body}</p>
          </li>
        ))}
      </ol>
      {!closed && <ReplyForm inquiry={q} onSent={() => setVersion((v) => v + 1)} />}
    </>
  );
}
