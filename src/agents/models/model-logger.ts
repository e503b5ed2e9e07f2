/** The part of a pino logger the model layer uses; pass the application's logger (or a child of it). */
export interface ModelLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export const silentLogger: ModelLogger = { info: () => {}, warn: () => {} };
