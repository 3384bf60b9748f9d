// Serves a folder over HTTP the way a model host does: plain GETs, single Range requests (206 + Content-Range,
// 416 past the end) and 404 (never an HTML fallback) for anything missing. Used by the dev / preview servers for the
// fixture models, and by the tests, which also throttle it so a download can be paused half-way.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
};

export interface ServeFolderOptions {
  /** Send at most this many bytes per second (tests; 0 or absent: full speed). */
  bytesPerSecond?: number;
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against a size: [start, end] inclusive, 'unsatisfiable', or null (no usable range). */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  const m = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // absent, multi-range or malformed: send the whole file
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start >= size || start > end ? 'unsatisfiable' : [start, end];
}

/**
 * The file a request path names inside `root`, or null when it names none: malformed escapes, NUL bytes, and any path
 * that leaves `root` (`..`, an absolute path, or a sibling folder whose name merely starts like root's).
 */
export function fileInside(root: string, urlPath: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${rel}`);
  const inside = relative(base, file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? file : null;
}

type Next = (err?: unknown) => void;

export function serveFolder(prefix: string, root: string, options: ServeFolderOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(prefix)) {
      next();
      return;
    }
    const file = fileInside(root, url.slice(prefix.length));
    const ok = file !== null && existsSync(file) && statSync(file).isFile();
    if (!ok) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const size = statSync(file).size;
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Accept-Ranges', 'bytes');
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${size}`);
      res.end();
      return;
    }
    const [start, end] = range ?? [0, size - 1];
    if (range) {
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
    }
    res.setHeader('Content-Length', String(size === 0 ? 0 : end - start + 1));
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    const stream = createReadStream(file, { start, end, highWaterMark: 16 * 1024 });
    const rate = options.bytesPerSecond ?? 0;
    if (!rate) {
      stream.pipe(res);
      return;
    }
    // Throttled: pause the file stream after each chunk for as long as the chunk "costs" at the given rate.
    stream.on('data', (chunk) => {
      res.write(chunk);
      stream.pause();
      setTimeout(() => stream.resume(), (1000 * chunk.length) / rate);
    });
    stream.on('end', () => res.end());
    res.on('close', () => stream.destroy());
  };
}
