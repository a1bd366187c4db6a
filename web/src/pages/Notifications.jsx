// The inbox (GET /api/notifications): new matches, responses, messages, shares, closed needs
// and project news, each in the reader's language, with a link to what it is about. The
// header's badge (InboxBadge) shows the unread count (GET /api/notifications/unread).
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useRouter } from '../router.jsx';
import { useSession } from '../session.jsx';
import { Empty, ErrorMessage, Loading, PageHeader, useLoad } from '../components/ui.jsx';

export function notificationText(t, n) {
  const p = n.params || {};
  const records = (p.records || []).map((r) => r.code).join(', ') + (p.count > (p.records || []).length ? '…' : '');
  const vars = {
    ...p,
    need: n.need || p.need,
    response: n.response || p.response,
    records,
    status: p.status ? t('responseStatus.' + p.status) : '',
    outcome: p.outcome ? t('outcome.' + p.outcome) : '',
  };
  if (n.kind === 'new_match') return t('inbox.kind.new_match.' + (p.scope === 'public' ? 'public' : 'own'), vars);
  if (n.kind === 'need_closed' && p.selected) return t('inbox.kind.need_closed.selected', vars);
  return t('inbox.kind.' + n.kind, vars);
}

export function notificationLink(n) {
  if (n.response && (n.kind === 'new_response' || n.kind === 'message' || n.kind === 'response_status' || n.kind === 'new_share')) {
    return `/responses/${n.response}`;
  }
  if (n.need) return `/needs/${n.need}`;
  return '/notifications';
}

// The unread count in the header; refreshed on every page change and every minute.
export function InboxBadge() {
  const { t } = useI18n();
  const { user } = useSession();
  const { path } = useRouter();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    if (!user) return undefined;
    let cancelled = false;
    const load = () => api.get('/api/notifications/unread').then((d) => !cancelled && setUnread(d.unread)).catch(() => {});
    load();
    const timer = setInterval(load, 60000);
    const onChange = () => load();
    window.addEventListener('argan:inbox', onChange);
    return () => {
      cancelled = true;
      clearInterval(timer);
      window.removeEventListener('argan:inbox', onChange);
    };
  }, [user, path]);
  if (!user) return null;
  return (
    <Link to="/notifications" className="inbox-link" aria-label={t('inbox.badge', { n: unread })} data-unread={unread}>
      <span aria-hidden="true">✉</span>
      {unread > 0 && <span className="inbox-count" aria-hidden="true">{unread}</span>}
    </Link>
  );
}

export function NotificationsPage() {
  const { t, formatDate } = useI18n();
  const { user, loading } = useSession();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState(null);
  const list = useLoad(
    (signal) => (user ? api.get('/api/notifications', { unread: unreadOnly ? 'true' : undefined, page_size: 100 }, { signal }) : Promise.resolve(null)),
    [user && user.id, unreadOnly, version],
  );
  const changed = () => {
    setVersion((v) => v + 1);
    window.dispatchEvent(new Event('argan:inbox'));
  };
  const mark = async (number) => {
    setError(null);
    try {
      await api.patch(`/api/notifications/${number}`, { read: true });
      changed();
    } catch (e) {
      setError(e);
    }
  };
  if (loading) return <Loading />;
  if (!user) {
    return (
      <>
        <PageHeader title={t('inbox.title')} />
        <p><Link to="/login?next=/notifications">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={t('inbox.title')}
        subtitle={t('inbox.subtitle')}
        actions={
          <button type="button" className="secondary" onClick={async () => {
            setError(null);
            try {
              await api.post('/api/notifications/read-all');
              changed();
            } catch (e) {
              setError(e);
            }
          }}>{t('inbox.markAll')}</button>
        }
      />
      <label className="checkbox">
        <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> {t('inbox.unreadOnly')}
      </label>
      <ErrorMessage error={error || list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (list.data.items.length ? (
        <ol className="inbox">
          {list.data.items.map((n) => (
            <li key={n.number} className={'notification' + (n.read ? ' read' : ' unread')} data-kind={n.kind}>
              <p>
                <Link to={notificationLink(n)} onClick={() => { if (!n.read) mark(n.number); }}>{notificationText(t, n)}</Link>
              </p>
              <p className="small muted">
                {formatDate(n.created_at)}
                {!n.read && (
                  <>
                    {' · '}
                    <button type="button" className="link-button small" onClick={() => mark(n.number)}>{t('inbox.markRead')}</button>
                  </>
                )}
              </p>
            </li>
          ))}
        </ol>
      ) : <Empty>{t('inbox.none')}</Empty>)}
    </>
  );
}
