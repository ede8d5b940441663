import { useState } from 'preact/hooks';

/** The file picker, and a zone a file can be dropped on (the mouse's shortcut to it). */
export function FileDrop({ onFile }: { onFile: (file: File | undefined) => void }) {
  const [dragging, setDragging] = useState(false);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping is the mouse's shortcut; the file input inside is the keyboard's way.
    <div
      class={dragging ? 'drop dragging' : 'drop'}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        onFile(e.dataTransfer?.files[0]);
      }}
    >
      <label for="csv-file">Choose a CSV file, or drop one here</label>
      <input
        id="csv-file"
        type="file"
        // Also what the API reads as CSV: gzip-compressed files, Excel workbooks.
        accept=".csv,.tsv,.txt,.gz,.xlsx,text/csv"
        onChange={(e) => {
          const picked = e.currentTarget.files?.[0];
          // Emptied, so picking the same file again (edited since) is a change too.
          e.currentTarget.value = '';
          onFile(picked);
        }}
      />
    </div>
  );
}
