import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiKey, SIGNED_OUT_EVENT } from './api.ts';
import { DatasetPage } from './dataset-page.tsx';
import { DatasetsList } from './datasets-list.tsx';
import { JobPage } from './job-page.tsx';
import { JobsList } from './jobs-list.tsx';
import { NewJob } from './new-job.tsx';
import { hrefOf, type Location, type Route, useLocation } from './routes.ts';
import { SignIn } from './sign-in.tsx';

/** The main menu: which pages it names, and which route belongs under each. */
const SECTIONS = [
  { route: { page: 'new' }, label: 'New job', owns: ['new'] },
  { route: { page: 'jobs' }, label: 'Jobs', owns: ['jobs', 'job'] },
  { route: { page: 'datasets' }, label: 'Datasets', owns: ['datasets', 'dataset'] },
] as const;

function titleOf(route: Route): string {
  switch (route.page) {
    case 'new':
      return 'New job';
    case 'jobs':
      return 'Jobs';
    case 'job':
      return `Job ${route.id}`;
    case 'datasets':
      return 'Datasets';
    case 'dataset':
      return `Dataset ${route.name}`;
    default:
      return 'Not found';
  }
}

function Page({ location }: { location: Location }) {
  const { route } = location;
  switch (route.page) {
    case 'new':
      return <NewJob />;
    case 'jobs':
      return <JobsList location={location} />;
    case 'job':
      return <JobPage key={route.id} id={route.id} location={location} />;
    case 'datasets':
      return <DatasetsList location={location} />;
    case 'dataset':
      return <DatasetPage key={route.name} name={route.name} location={location} />;
    default:
      return (
        <>
          <h1>Not found</h1>
          <p>
            There is no page at this address. See the <a href={hrefOf({ page: 'jobs' })}>jobs</a> or
            the <a href={hrefOf({ page: 'datasets' })}>datasets</a>.
          </p>
        </>
      );
  }
}

/**
 * A new page (not a new filter of the same one) moves focus to its heading,
 * so keyboard and screen reader users start there, as after a page load.
 */
function useFocusOnNewPage(path: string, signedIn: boolean): void {
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!signedIn) return;
    const first = shown.current === null;
    if (shown.current === path) return;
    shown.current = path;
    if (first) return;
    const heading = document.querySelector<HTMLElement>('main h1');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    heading.focus();
  }, [path, signedIn]);
}

function App() {
  const [signedIn, setSignedIn] = useState(apiKey.get() !== null);
  const location = useLocation();
  // Set when the API refused the key mid-session: the sign-in screen says why.
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    const signOut = () => {
      setRefused(true);
      setSignedIn(false);
    };
    window.addEventListener(SIGNED_OUT_EVENT, signOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, signOut);
  }, []);
  useEffect(() => {
    document.title = signedIn ? `${titleOf(location.route)} · Sluice` : 'Sign in · Sluice';
  }, [location.route, signedIn]);
  useFocusOnNewPage(location.path, signedIn);
  // Signing in keeps the address: a shared link opens its page once the key is given.
  if (!signedIn) {
    return (
      <SignIn
        notice={refused ? 'The API refused your key (revoked or expired): sign in again.' : null}
        onSignedIn={() => {
          setRefused(false);
          setSignedIn(true);
        }}
      />
    );
  }
  return (
    <>
      <header class="bar">
        <span class="brand">Sluice</span>
        <nav aria-label="Main">
          {SECTIONS.map((section) => (
            <a
              key={section.label}
              href={hrefOf(section.route)}
              aria-current={
                section.route.page === location.route.page
                  ? 'page'
                  : (section.owns as readonly string[]).includes(location.route.page)
                    ? 'true'
                    : undefined
              }
            >
              {section.label}
            </a>
          ))}
        </nav>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            apiKey.clear();
            setRefused(false);
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        <Page location={location} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
