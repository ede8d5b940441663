/** A stylesheet imported for its effect: Vite bundles it beside the script (no inline style: the CSP). */
declare module '*.css';
