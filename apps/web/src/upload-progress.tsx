import type { Upload } from './api.ts';

const percent = (part: number, whole: number) => (whole > 0 ? Math.floor((part / whole) * 100) : 0);

/** An upload on its way: bytes sent of the file, and its cancel button. */
export function UploadProgress({
  fileName,
  sent,
  upload,
}: {
  fileName: string;
  sent: { loaded: number; total: number };
  upload: Upload;
}) {
  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading">Uploading {fileName}</h2>
      <progress max={sent.total} value={sent.loaded} aria-labelledby="upload-heading" />
      <p aria-live="polite" data-testid="upload-sent">
        {percent(sent.loaded, sent.total)}% of {sent.total.toLocaleString()} bytes
      </p>
      <button type="button" class="secondary" onClick={() => upload.cancel()}>
        Cancel upload
      </button>
    </section>
  );
}
