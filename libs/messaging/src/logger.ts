/** The slice of a pino logger the messaging code needs; keeps this library usable without Nest. */
export interface MessagingLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentLogger: MessagingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function errorDetails(error: unknown): { err: { name: string; message: string } } {
  return error instanceof Error
    ? { err: { name: error.name, message: error.message } }
    : { err: { name: 'Error', message: String(error) } };
}
