/** A connection URL safe to log: the password is replaced. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    // Without an authority (`scheme://`), what looks like credentials is a path we cannot safely echo.
    if (!url.host) return '<unparseable url>';
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable url>';
  }
}
