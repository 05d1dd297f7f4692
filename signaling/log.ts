// One-line JSON logs. Topics (room ids) are secrets: never pass one as a field.

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  /** Written whatever the level: tools parse this line to learn the port. */
  always(level: LogLevel, msg: string, fields?: LogFields): void;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => {
    process.stdout.write(`${line}\n`);
  },
): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    write(JSON.stringify({ level: lvl, msg, ...fields, time: new Date().toISOString() }));
  };
  const at =
    (lvl: LogLevel) =>
    (msg: string, fields?: LogFields): void => {
      if (LOG_LEVELS.indexOf(lvl) <= rank) emit(lvl, msg, fields);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), always: emit };
}

export const silentLogger: Logger = createLogger('error', () => {});
