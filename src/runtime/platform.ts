// What this build of the library can do where it runs; the edge build swaps in platform.workerd.ts (tsup.config.ts).

/** Why worker threads cannot run in this build, or '' where they may. */
export const NO_WORKERS = '';
