import type { ServerResponse } from 'node:http';

/** Reason phrases as nginx writes them on its own pages. */
const reasons: Record<number, string> = {
  308: 'Permanent Redirect',
  302: 'Moved Temporarily',
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** The page ingress-nginx answers with (nginx's built-in error page, CRLF line ends). */
export function errorPage(status: number): string {
  const title = `${status} ${reasons[status] ?? ''}`.trim();
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** Sends an nginx-style page (and an optional Location) unless headers already went out. */
export function sendPage(res: ServerResponse, status: number, location?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorPage(status);
  const headers: Record<string, string | number> = { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) };
  if (location) headers.Location = location;
  res.writeHead(status, reasons[status], headers);
  res.end(body);
}

/** The reason phrase nginx uses for `status`. */
export function reasonPhrase(status: number): string {
  return reasons[status] ?? '';
}

/** A complete raw HTTP/1.1 response carrying the nginx page for `status`. */
export function rawPage(status: number, opts: { location?: string; close?: boolean } = {}): string {
  const body = errorPage(status);
  let head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  if (opts.location) head += `Location: ${opts.location}\r\n`;
  if (opts.close) head += 'Connection: close\r\n';
  return `${head}\r\n${body}`;
}
