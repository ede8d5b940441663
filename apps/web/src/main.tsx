import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey, SIGNED_OUT_EVENT } from './api.ts';
import { JobsList } from './jobs-list.tsx';
import { NewJob } from './new-job.tsx';
import { SignIn } from './sign-in.tsx';

function App() {
  const [signedIn, setSignedIn] = useState(apiKey.get() !== null);
  const [view, setView] = useState<'new' | 'jobs'>('new');
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
          <button
            type="button"
            aria-current={view === 'new' ? 'page' : undefined}
            onClick={() => setView('new')}
          >
            New job
          </button>
          <button
            type="button"
            aria-current={view === 'jobs' ? 'page' : undefined}
            onClick={() => setView('jobs')}
          >
            Jobs
          </button>
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
      <main>{view === 'new' ? <NewJob /> : <JobsList />}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
