// The application shell: header with navigation, language switch and session, and the
// page chosen by the current path.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { LangProvider, LANGUAGES, useI18n } from './i18n.jsx';
import { Link, matchPath, RouterProvider, useRouter } from './router.jsx';
import { canRegister, isAdmin, isStaff, SessionProvider, useSession } from './session.jsx';
import { StartUpsProvider } from './startUps.jsx';
import { Loading } from './components/ui.jsx';
import { CataloguePage } from './pages/Catalogue.jsx';
import { LoginPage } from './pages/Login.jsx';
import { DashboardPage } from './pages/Dashboard.jsx';
import { CompoundPage } from './pages/Compound.jsx';
import { SearchPage } from './pages/Search.jsx';
import { AdminPage } from './pages/Admin.jsx';
import { PipelinePage, ProductPage } from './pages/Products.jsx';
import { RouteComparePage, RoutePage, RoutesPage } from './pages/Routes.jsx';
import { RouteEditorPage } from './pages/RouteEditor.jsx';
import { OverviewPage } from './pages/Overview.jsx';
import { ImportPage } from './pages/Import.jsx';
import { InquiriesPage, InquiryPage } from './pages/Inquiries.jsx';
import { NotFoundPage } from './pages/NotFound.jsx';
import { SubstancePage, SubstancesPage } from './pages/Substances.jsx';
import { WastePage } from './pages/Waste.jsx';
import { LotPage } from './pages/Lot.jsx';
import { TraceabilityPage } from './pages/Traceability.jsx';
import { CircularityPage } from './pages/Circularity.jsx';
import { NeedPage, NeedsPage } from './pages/Needs.jsx';
import { NeedResponsePage } from './pages/NeedResponses.jsx';
import { NeedProjectPage } from './pages/NeedProjects.jsx';
import { InboxBadge, NotificationsPage } from './pages/Notifications.jsx';
import { ClusterNeedsPage } from './pages/ClusterNeeds.jsx';
import { AccountPage, TeamPage } from './pages/Account.jsx';

// The registration page carries the Ketcher editor (several MB): load it only when needed.
const RegisterPage = lazy(() => import('./pages/Register.jsx'));
const RegisterSubstancePage = lazy(() => import('./pages/RegisterSubstance.jsx'));
// So does the guided form of a need (its structure criterion is drawn in the editor).
const NeedFormPage = lazy(() => import('./pages/NeedForm.jsx'));

const ROUTES = [
  ['/', CataloguePage],
  ['/login', LoginPage],
  ['/dashboard', DashboardPage],
  ['/register', RegisterPage],
  ['/compounds/:id', CompoundPage],
  ['/search', SearchPage],
  ['/admin', AdminPage],
  ['/routes', RoutesPage],
  ['/routes/new', RouteEditorPage],
  ['/routes/compare', RouteComparePage],
  ['/routes/:id', RoutePage],
  ['/routes/:id/edit', RouteEditorPage],
  ['/products', PipelinePage],
  ['/products/:id', ProductPage],
  ['/overview', OverviewPage],
  ['/import', ImportPage],
  ['/inquiries', InquiriesPage],
  ['/inquiries/:id', InquiryPage],
  ['/substances', SubstancesPage],
  ['/substances/new', RegisterSubstancePage],
  ['/substances/:id', SubstancePage],
  ['/waste', WastePage],
  ['/lots/:id', LotPage],
  ['/trace', TraceabilityPage],
  ['/circularity', CircularityPage],
  ['/needs', NeedsPage],
  ['/needs/new', NeedFormPage],
  ['/needs/:id', NeedPage],
  ['/needs/:id/edit', NeedFormPage],
  ['/responses/:id', NeedResponsePage],
  ['/projects/:id', NeedProjectPage],
  ['/notifications', NotificationsPage],
  ['/cluster/needs', ClusterNeedsPage],
  ['/account', AccountPage],
  ['/team', TeamPage],
];

function CurrentPage() {
  const { path } = useRouter();
  for (const [pattern, Page] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params) return <Page key={pattern + JSON.stringify(params)} {...params} />;
  }
  return <NotFoundPage />;
}

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LANGUAGES.map((l) => (
        <button key={l} type="button" aria-pressed={lang === l} onClick={() => setLang(l)} lang={l}>
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

function SessionMenu() {
  const { t } = useI18n();
  const { user, signOut, loading } = useSession();
  const { navigate } = useRouter();
  if (loading) return null;
  if (!user) {
    return (
      <Link to="/login" className="button small">
        {t('nav.login')}
      </Link>
    );
  }
  return (
    <div className="session-menu">
      <Link to="/account" className="who" title={t('nav.account')}>
        {user.display_name || user.email} <span className="role">· {t('role.' + user.role)}</span>
      </Link>
      <button
        type="button"
        className="small secondary"
        onClick={async () => {
          await signOut().catch(() => {});
          navigate('/');
        }}
      >
        {t('nav.logout')}
      </button>
    </div>
  );
}

// Inquiries with messages the viewer has not read (GET /api/inquiries: `unread`). Counted
// again on every page change and when a thread has been read ("argan:inquiries-read").
function useWaitingInquiries(user, path) {
  const [count, setCount] = useState(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const again = () => setTick((n) => n + 1);
    window.addEventListener('argan:inquiries-read', again);
    return () => window.removeEventListener('argan:inquiries-read', again);
  }, []);
  useEffect(() => {
    if (!user || user.role === 'admin') {
      setCount(0);
      return undefined;
    }
    const controller = new AbortController();
    api.get('/api/inquiries', undefined, { signal: controller.signal })
      .then((body) => setCount(body.unread ?? 0))
      .catch(() => {});
    return () => controller.abort();
  }, [user, path, tick]);
  return count;
}

function Navigation() {
  const { t } = useI18n();
  const { user } = useSession();
  const { path } = useRouter();
  const waiting = useWaitingInquiries(user, path);
  return (
    <nav className="main-nav" aria-label={t('nav.label')}>
      <Link to="/">{t('nav.catalogue')}</Link>
      <Link to="/search">{t('nav.search')}</Link>
      <Link to="/substances">{t('nav.substances')}</Link>
      {isStaff(user) && <Link to="/dashboard">{t('nav.dashboard')}</Link>}
      {canRegister(user) && <Link to="/register">{t('nav.register')}</Link>}
      {isStaff(user) && <Link to="/routes">{t('nav.routes')}</Link>}
      {isStaff(user) && <Link to="/products">{t('nav.pipeline')}</Link>}
      {isStaff(user) && <Link to="/overview">{t('nav.overview')}</Link>}
      {canRegister(user) && <Link to="/import">{t('nav.import')}</Link>}
      {canRegister(user) && <Link to="/waste">{t('nav.waste')}</Link>}
      {isStaff(user) && <Link to="/trace">{t('nav.trace')}</Link>}
      {isStaff(user) && <Link to="/circularity">{t('nav.circularity')}</Link>}
      {user && (
        <Link to="/inquiries" aria-label={waiting ? t('nav.inquiriesWaiting', { n: waiting }) : undefined}>
          {t('nav.inquiries')}
          {waiting > 0 && <span className="count-badge" aria-hidden="true">{waiting}</span>}
        </Link>
      )}
      <Link to="/needs">{t('nav.needs')}</Link>
      {user && user.role === 'lead' && <Link to="/team">{t('nav.team')}</Link>}
      {isAdmin(user) && <Link to="/admin">{t('nav.admin')}</Link>}
    </nav>
  );
}

function Shell() {
  const { t } = useI18n();
  const { path } = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  const first = useRef(true);
  // On a page change (not the first load) the focus goes to the new page's heading, so a
  // screen reader reads where the person arrived; the phone menu closes.
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return undefined;
    }
    const timer = setTimeout(() => {
      const heading = document.querySelector('main h1') || document.getElementById('main');
      if (heading) {
        if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: true });
      }
    }, 50);
    return () => clearTimeout(timer);
  }, [path]);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Argan</span>
          <small>{t('brand.tagline')}</small>
        </Link>
        <button type="button" className="menu-toggle secondary small" aria-expanded={menuOpen} aria-controls="header-menu"
          onClick={() => setMenuOpen(!menuOpen)}>
          {t('nav.menu')}
        </button>
        <div id="header-menu" className={'header-menu' + (menuOpen ? ' open' : '')}>
          <Navigation />
          <div className="header-tools">
            <LanguageSwitch />
            <InboxBadge />
            <SessionMenu />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <CurrentPage />
        </Suspense>
      </main>
      <footer className="app-footer">{t('footer.text')}</footer>
    </>
  );
}

export function App() {
  return (
    <LangProvider>
      <RouterProvider>
        <SessionProvider>
          <StartUpsProvider>
            <Shell />
          </StartUpsProvider>
        </SessionProvider>
      </RouterProvider>
    </LangProvider>
  );
}
