import { render } from 'preact';
import { useState } from 'preact/hooks';
import { apiKey } from './api.ts';
import { JobsList } from './jobs-list.tsx';
import { NewJob } from './new-job.tsx';
import { SignIn } from './sign-in.tsx';

function App() {
  const [signedIn, setSignedIn] = useState(apiKey.get() !== null);
  const [view, setView] = useState<'new' | 'jobs'>('new');
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
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
