// The edge build's platform (see platform.ts): workerd has no Worker.

/** Why worker threads cannot run in this build. */
export const NO_WORKERS = 'edge runtimes (workerd) run one thread and have no Worker';
