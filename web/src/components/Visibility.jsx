// The visibility control shared by compounds, routes and products.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { useSession } from '../session.jsx';
import { ErrorMessage, Field, useFormError } from './ui.jsx';

export const VISIBILITIES = ['start-up', 'cluster', 'public'];

// Mirrors db::canChangeVisibility: administrators always; the owning start-up's lead any
// way; its members between start-up and cluster only. The server decides in the end.
function visibilityChoices(user, record) {
  if (!user) return [];
  if (user.role === 'admin') return VISIBILITIES;
  if (user.start_up !== record.start_up || user.role === 'partner') return [];
  if (user.role === 'lead') return VISIBILITIES;
  return record.visibility === 'public' ? [] : ['start-up', 'cluster'];
}

// Changes the visibility of a compound, route or product: PATCH `path` {visibility, reason?}
// (every record the publishing rule covers takes the same body).
export function VisibilityControl({ record, path, onChanged }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [value, setValue] = useState(record.visibility);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const choices = visibilityChoices(user, record);
  if (choices.length < 2) return null;
  return (
    <form
      className="visibility-control"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const body = { visibility: value };
          if (reason.trim()) body.reason = reason.trim();
          await api.patch(path, body);
          setReason('');
          onChanged();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Field label={t('compound.visibility')} as="select" value={value} onChange={(e) => setValue(e.target.value)}
        error={fieldError('visibility')}>
        {choices.map((v) => (
          <option key={v} value={v}>{t('visibility.' + v)}</option>
        ))}
      </Field>
      <Field label={t('compound.visibilityReason')} value={reason} onChange={(e) => setReason(e.target.value)}
        error={fieldError('reason')} />
      <button type="submit" disabled={busy || value === record.visibility}>{t('compound.changeVisibility')}</button>
      <ErrorMessage error={generalError(['visibility', 'reason'])} />
    </form>
  );
}

