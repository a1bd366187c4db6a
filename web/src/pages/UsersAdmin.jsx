// Users and roles (GET/POST /api/users, PATCH /api/users/{id}): administrators see every
// account, a start-up lead their own team. A new account gets a one-time password (shown
// once) and must choose its own at first sign-in.
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ConfirmButton, ErrorMessage, Field, Loading, SortHeader, TableFoot, useFormError, useLoad, useTable } from '../components/ui.jsx';

const ROLES = ['member', 'lead', 'partner', 'admin'];

function NewUserForm({ onCreated, onCancel }) {
  const { t } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const [value, setValue] = useState({ email: '', display_name: '', role: 'member', start_up: user.start_up ? String(user.start_up) : '' });
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const set = (name) => (e) => setValue({ ...value, [name]: e.target.value });
  const roles = user.role === 'admin' ? ROLES : ['member', 'lead'];
  const needsStartUp = value.role === 'member' || value.role === 'lead';
  return (
    <form
      className="form inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const body = { email: value.email.trim(), role: value.role };
          if (value.display_name.trim()) body.display_name = value.display_name.trim();
          if (needsStartUp && value.start_up) body.start_up = Number(value.start_up);
          onCreated(await api.post('/api/users', body));
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <ErrorMessage error={generalError(['email', 'display_name', 'role', 'start_up'])} />
      <div className="form-row">
        <Field label={t('login.email')} type="email" value={value.email} onChange={set('email')} error={fieldError('email')} required />
        <Field label={t('user.displayName')} value={value.display_name} onChange={set('display_name')} error={fieldError('display_name')} />
        <Field label={t('user.role')} as="select" value={value.role} onChange={set('role')} error={fieldError('role')}>
          {roles.map((r) => (
            <option key={r} value={r}>{t('role.' + r)}</option>
          ))}
        </Field>
        {needsStartUp && user.role === 'admin' && (
          <Field label={t('user.startUp')} as="select" value={value.start_up} onChange={set('start_up')} error={fieldError('start_up')} required>
            <option value="">—</option>
            {startUps.items.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </Field>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>{t('user.create')}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function UserRow({ account, onChanged }) {
  const { t } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const [role, setRole] = useState(account.role);
  const self = account.id === user.id;
  const roles = user.role === 'admin' ? ROLES : ['member', 'lead'];
  const mayChangeRole = !self && roles.includes(account.role);
  const who = account.display_name || account.email;
  return (
    <tr className={account.disabled ? 'retired' : undefined}>
      <th scope="row">
        {who}
        <div className="muted small">{account.email}</div>
      </th>
      <td>
        {mayChangeRole ? (
          <div className="role-change">
            <label className="visually-hidden" htmlFor={'role-' + account.id}>{t('user.roleOf', { email: account.email })}</label>
            <select id={'role-' + account.id} value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.map((r) => (
                <option key={r} value={r}>{t('role.' + r)}</option>
              ))}
            </select>
            {role !== account.role && (
              <ConfirmButton className="small" title={t('user.roleConfirmTitle', { name: who })}
                message={t('user.roleConfirm.' + role, { name: who, from: t('role.' + account.role) })}
                confirmLabel={t('user.roleApply', { role: t('role.' + role) })}
                aria-label={t('user.roleApplyFor', { name: who })}
                onConfirm={async () => {
                  await api.patch(`/api/users/${account.id}`, { role });
                  onChanged();
                }}>
                {t('user.apply')}
              </ConfirmButton>
            )}
          </div>
        ) : (
          t('role.' + account.role)
        )}
      </td>
      <td>{account.start_up ? startUps.name(account.start_up) : '—'}</td>
      <td>{account.disabled ? t('user.disabled') : account.must_change_password ? t('user.mustChange') : t('user.active')}</td>
      <td>
        {!self && (
          <ConfirmButton className="small secondary" danger={!account.disabled}
            title={t(account.disabled ? 'user.enableTitle' : 'user.disableTitle', { name: who })}
            message={t(account.disabled ? 'user.enableWhat' : 'user.disableWhat', { name: who })}
            confirmLabel={account.disabled ? t('user.enable') : t('user.disable')}
            aria-label={t(account.disabled ? 'user.enableNamed' : 'user.disableNamed', { name: who })}
            onConfirm={async () => {
              await api.patch(`/api/users/${account.id}`, { disabled: !account.disabled });
              onChanged();
            }}>
            {account.disabled ? t('user.enable') : t('user.disable')}
          </ConfirmButton>
        )}
      </td>
    </tr>
  );
}

export function UsersAdmin({ title }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState(null);
  const users = useLoad((signal) => api.get('/api/users', undefined, { signal }), [version]);
  const startUps = useStartUps();
  const table = useTable(users.data ? users.data.items : [], {
    name: (u) => (u.display_name || u.email).toLowerCase(),
    role: (u) => t('role.' + u.role),
    startUp: (u) => (u.start_up ? startUps.name(u.start_up) : ''),
    state: (u) => (u.disabled ? 2 : u.must_change_password ? 1 : 0),
  }, { pageSizes: [25, 50, 100] });
  // A new account is shown where it is listed: the table turns to its page.
  const createdPage = created && users.data ? table.pageOf((u) => u.email === created.email) : null;
  useEffect(() => {
    if (createdPage !== null && createdPage !== table.page) table.setPage(createdPage);
  }, [createdPage]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section className="panel" aria-labelledby="admin-users">
      <div className="section-head">
        <h2 id="admin-users">{title || t('admin.users')}</h2>
        {!adding && <button type="button" onClick={() => { setAdding(true); setCreated(null); }}>{t('user.add')}</button>}
      </div>
      {adding && (
        <NewUserForm
          onCreated={(u) => { setCreated(u); setAdding(false); setVersion((v) => v + 1); }}
          onCancel={() => setAdding(false)}
        />
      )}
      {created && (
        <p className="notice" role="status">
          {t('user.created', { email: created.email })}{' '}
          {created.one_time_password && <>{t('user.oneTimePassword')} <code>{created.one_time_password}</code></>}
        </p>
      )}
      {users.loading && !users.data && <Loading />}
      <ErrorMessage error={users.error} />
      {users.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <SortHeader table={table} column="name">{t('user.name')}</SortHeader>
                <SortHeader table={table} column="role">{t('user.role')}</SortHeader>
                <SortHeader table={table} column="startUp">{t('user.startUp')}</SortHeader>
                <SortHeader table={table} column="state">{t('user.state')}</SortHeader>
                <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {table.rows.map((u) => (
                <UserRow key={u.id} account={u} onChanged={() => setVersion((v) => v + 1)} />
              ))}
            </tbody>
          </table>
          <TableFoot table={table} />
        </div>
      )}
    </section>
  );
}
