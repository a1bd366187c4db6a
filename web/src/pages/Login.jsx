// Sign in (POST /api/session) and, when the account must change its password, the change
// form (POST /api/session/password).
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { useQuery, useRouter } from '../router.jsx';
import { useSession } from '../session.jsx';
import { ErrorMessage, Field, PageHeader, useFormError } from '../components/ui.jsx';

function PasswordChange({ onDone }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const fields = ['current_password', 'new_password'];
  return (
    <form
      className="form narrow"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await api.post('/api/session/password', { current_password: current, new_password: next });
          onDone();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <p>{t('login.mustChange')}</p>
      <ErrorMessage error={generalError(fields)} />
      <Field label={t('login.currentPassword')} type="password" autoComplete="current-password" value={current}
        onChange={(e) => setCurrent(e.target.value)} error={fieldError('current_password')} required />
      <Field label={t('login.newPassword')} type="password" autoComplete="new-password" value={next}
        onChange={(e) => setNext(e.target.value)} error={fieldError('new_password')} required />
      <button type="submit" disabled={busy}>{t('login.changePassword')}</button>
    </form>
  );
}

export function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const { navigate } = useRouter();
  const query = useQuery();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const next = query.get('next') || '';
  const home = (user) => next || (user && user.role !== 'partner' ? '/dashboard' : '/');

  if (session.user && session.mustChangePassword) {
    return (
      <>
        <PageHeader title={t('login.changePassword')} />
        <PasswordChange
          onDone={() => {
            session.passwordChanged();
            navigate(home(session.user));
          }}
        />
      </>
    );
  }

  return (
    <>
      <PageHeader title={t('login.title')} subtitle={t('login.subtitle')} />
      {session.user && <p className="notice">{t('login.already', { email: session.user.email })}</p>}
      <form
        className="form narrow"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const body = await session.signIn(email.trim(), password);
            if (!body.must_change_password) navigate(home(body.user));
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <ErrorMessage error={generalError(['email', 'password'])} />
        <Field label={t('login.email')} type="email" autoComplete="username" value={email}
          onChange={(e) => setEmail(e.target.value)} error={fieldError('email')} required autoFocus />
        <Field label={t('login.password')} type="password" autoComplete="current-password" value={password}
          onChange={(e) => setPassword(e.target.value)} error={fieldError('password')} required />
        <button type="submit" disabled={busy}>{busy ? t('login.signingIn') : t('login.submit')}</button>
      </form>
    </>
  );
}
