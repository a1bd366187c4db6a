import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { PageHeader } from '../components/ui.jsx';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('notfound.title')} />
      <p>{t('notfound.text')}</p>
      <p>
        <Link to="/">{t('notfound.back')}</Link>
      </p>
    </>
  );
}
