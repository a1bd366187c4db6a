// The visibility control shared by compounds, routes and products.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { useSession } from '../session.jsx';
import { ConfirmButton, Field } from './ui.jsx';

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

// Changes the visibility of a compound, route, product or document (PATCH `path`
// {visibility, reason?}, the same body for every record the publishing rule covers), after a
// dialog that says who will see the record. `detail(value)` adds what else the change means
// (a product's documents stay as they are); `label` names the control when a page shows
// several (one per document), and `buttonLabel` its button for assistive technology.
export function VisibilityControl({ record, path, onChanged, detail, label, buttonLabel }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [value, setValue] = useState(record.visibility);
  const [reason, setReason] = useState('');
  const choices = visibilityChoices(user, record);
  if (choices.length < 2) return null;
  return (
    <div className="visibility-control">
      <Field label={label || t('compound.visibility')} as="select" value={value} onChange={(e) => setValue(e.target.value)}>
        {choices.map((v) => (
          <option key={v} value={v}>{t('visibility.' + v)}</option>
        ))}
      </Field>
      <Field label={t('compound.visibilityReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <ConfirmButton disabled={value === record.visibility} title={t('visibility.confirmTitle')}
        message={[t('visibility.confirm.' + value, { from: t('visibility.' + record.visibility) }), detail && detail(value)]
          .filter(Boolean).join(' ')}
        confirmLabel={t('visibility.apply.' + value)} aria-label={buttonLabel}
        onConfirm={async () => {
          const body = { visibility: value };
          if (reason.trim()) body.reason = reason.trim();
          await api.patch(path, body);
          setReason('');
          onChanged();
        }}>
        {t('compound.changeVisibility')}
      </ConfirmButton>
    </div>
  );
}
