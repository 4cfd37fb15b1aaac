import pino from 'pino';

/** Structured logger (pino): JSON lines to stderr, level from K8TS_LOG_LEVEL (default info). */
export type Logger = pino.Logger;

export function createLogger(component = 'k8ts', level = process.env.K8TS_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: component, level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
