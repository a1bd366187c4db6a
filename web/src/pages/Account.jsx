// The signed-in person's own settings and, for a start-up lead, the team.
//   /account   display name (PATCH /api/users/{id}), password (POST /api/session/password),
//              access tokens for scripts (GET/POST /api/tokens, DELETE /api/tokens/{id})
//   /team      a lead's team: add members and leads, change roles, disable (GET/POST/PATCH
//              /api/users, which answers a lead with the own start-up's accounts only)
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ConfirmButton, Empty, ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad } from '../components/ui.jsx';
import { UsersAdmin } from './UsersAdmin.jsx';

function DisplayNameForm() {
  const { t } = useI18n();
  const { user, refresh } = useSession();
  const [name, setName] = useState(user.display_name || '');
  const [saved, setSaved] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  return (
    <form
      className="form narrow"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setSaved(false);
        try {
          await api.patch(`/api/users/${user.id}`, { display_name: name.trim() });
          await refresh();
          setSaved(true);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <ErrorMessage error={generalError(['display_name'])} />
      <Field label={t('user.displayName')} value={name} onChange={(e) => { setName(e.target.value); setSaved(false); }} error={fieldError('display_name')} />
      <button type="submit">{t('common.save')}</button>
      {saved && <p className="notice" role="status">{t('account.saved')}</p>}
    </form>
  );
}

function PasswordForm() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  return (
    <form
      className="form narrow"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setDone(false);
        try {
          await api.post('/api/session/password', { current_password: current, new_password: next });
          setCurrent('');
          setNext('');
          setDone(true);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <ErrorMessage error={generalError(['current_password', 'new_password'])} />
      <Field label={t('login.currentPassword')} type="password" autoComplete="current-password" value={current}
        onChange={(e) => setCurrent(e.target.value)} error={fieldError('current_password')} required />
      <Field label={t('login.newPassword')} type="password" autoComplete="new-password" value={next}
        onChange={(e) => setNext(e.target.value)} error={fieldError('new_password')} required hint={t('account.passwordHint')} />
      <button type="submit">{t('login.changePassword')}</button>
      {done && <p className="notice" role="status">{t('account.passwordChanged')}</p>}
    </form>
  );
}

function Tokens() {
  const { t, formatDate } = useI18n();
  const [version, setVersion] = useState(0);
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState(null);
  const { setError, fieldError, generalError } = useFormError();
  const tokens = useLoad((signal) => api.get('/api/tokens', undefined, { signal }), [version]);
  const items = tokens.data ? tokens.data.items || [] : [];
  return (
    <>
      <p className="muted">{t('token.explain')}</p>
      {tokens.loading && !tokens.data && <Loading />}
      <ErrorMessage error={tokens.error} />
      {tokens.data && items.length === 0 && <Empty>{t('token.none')}</Empty>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('token.label')}</th>
                <th scope="col">{t('token.created')}</th>
                <th scope="col">{t('token.lastUsed')}</th>
                <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((k) => (
                <tr key={k.id} className={k.revoked_at ? 'retired' : undefined}>
                  <th scope="row">{k.label || t('token.unnamed', { id: k.id })}</th>
                  <td>{formatDate(k.created_at)}</td>
                  <td>{k.last_used_at ? formatDate(k.last_used_at) : '—'}</td>
                  <td>
                    {!k.revoked_at && (
                      <ConfirmButton className="small secondary" danger title={t('token.revokeTitle', { name: k.label || k.id })}
                        message={t('token.revokeWhat')} confirmLabel={t('token.revoke')}
                        aria-label={t('token.revokeNamed', { name: k.label || k.id })}
                        onConfirm={async () => {
                          await api.del(`/api/tokens/${k.id}`);
                          setVersion((v) => v + 1);
                        }}>
                        {t('token.revoke')}
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form
        className="form inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const body = label.trim() ? { label: label.trim() } : {};
            setCreated(await api.post('/api/tokens', body));
            setLabel('');
            setVersion((v) => v + 1);
          } catch (err) {
            setError(err);
          }
        }}
      >
        <ErrorMessage error={generalError(['label'])} />
        <div className="form-row align-end">
          <Field className="grow" label={t('token.label')} value={label} onChange={(e) => setLabel(e.target.value)} error={fieldError('label')}
            hint={t('token.labelHint')} />
          <button type="submit">{t('token.create')}</button>
        </div>
      </form>
      {created && created.token && (
        <div className="notice" role="status">
          <p>{t('token.shownOnce')}</p>
          <code className="token-value">{created.token}</code>
        </div>
      )}
    </>
  );
}

export function AccountPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  if (loading) return <Loading />;
  if (!user) {
    return (
      <>
        <PageHeader title={t('account.title')} />
        <p><Link to="/login?next=/account">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('account.title')} subtitle={`${user.email} · ${t('role.' + user.role)}`} />
      <section className="panel" aria-labelledby="account-name">
        <h2 id="account-name">{t('account.name')}</h2>
        <DisplayNameForm />
      </section>
      <section className="panel" aria-labelledby="account-password">
        <h2 id="account-password">{t('account.password')}</h2>
        <PasswordForm />
      </section>
      <section className="panel" aria-labelledby="account-tokens">
        <h2 id="account-tokens">{t('token.heading')}</h2>
        <Tokens />
      </section>
    </>
  );
}

export function TeamPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const startUps = useStartUps();
  if (loading) return <Loading />;
  if (!user || !(user.role === 'lead' || user.role === 'admin')) {
    return (
      <>
        <PageHeader title={t('team.title')} />
        <p>{user ? t('team.only') : <Link to="/login?next=/team">{t('common.signInFirst')}</Link>}</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('team.title')} subtitle={user.start_up ? startUps.name(user.start_up) : t('team.adminSubtitle')} />
      <UsersAdmin title={t('team.members')} />
    </>
  );
}
