import { useState } from 'preact/hooks';
import { ApiError, api, apiKey } from './api.ts';

/** The API key, checked against GET /v1/jobs before it is kept (session storage). */
export function SignIn({ onSignedIn, notice }: { onSignedIn: () => void; notice: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="narrow">
      <h1>Sign in to Sluice</h1>
      {notice && !error && (
        <p role="alert" class="error">
          {notice}
        </p>
      )}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          apiKey.set(key.trim());
          try {
            await api('/v1/jobs?limit=1');
            onSignedIn();
          } catch (err) {
            apiKey.clear();
            setError(err instanceof ApiError ? err.message : 'The API is unreachable.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          required
          placeholder="slc_…"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        <p class="hint">Kept in this tab only; closing it signs you out.</p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p id="sign-in-error" role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
