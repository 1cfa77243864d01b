/**
 * What marks a folder as a demo's (`lead-etl demo --dir DIR`): the next demo may replace it, and
 * `lead-etl doctor` on its config knows that Lead's side there is the demo's sandbox.
 */
export const DEMO_MARKER = '.lead-etl-demo';

/** The config of the demo's world, in its folder. */
export const DEMO_CONFIG_FILE = 'lead-etl.json';
