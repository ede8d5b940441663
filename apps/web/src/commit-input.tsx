import { useEffect, useState } from 'preact/hooks';

interface Props {
  id?: string;
  class?: string;
  list?: string;
  placeholder?: string;
  maxLength?: number;
  disabled?: boolean;
  'aria-label'?: string;
  'aria-describedby'?: string;
  value: string;
  /** Called with the text once it is committed (Enter, or leaving the field). */
  onCommit: (value: string) => void;
}

/**
 * A text field that reports its value when committed, not at each key: each
 * report asks for a new preview. It keeps what is being typed itself, so a
 * re-render meanwhile (a preview arriving) does not put back the old value.
 */
export function CommitInput({ value, onCommit, ...rest }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      {...rest}
      type="text"
      autocomplete="off"
      value={draft}
      onInput={(e) => setDraft(e.currentTarget.value)}
      onChange={(e) => onCommit(e.currentTarget.value.trim())}
    />
  );
}
