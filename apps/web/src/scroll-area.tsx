import type { ComponentChildren } from 'preact';

/**
 * A wide table's sideways-scrolling box: a named region keyboard users can
 * focus to scroll it (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function ScrollArea({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus, or the keyboard cannot scroll it.
    <section class="scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
