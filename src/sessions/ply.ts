// PLY point clouds: written as binary little-endian (x y z float, red green blue uchar); read back from
// binary little-endian or ASCII files with any extra vertex properties (normals, alpha, doubles) skipped.

export interface PointCloud {
  points: Float32Array;
  /** rgb 0..255 per point. */
  colors: Uint8Array;
}

/** Writes chunks of points (already in the frame to export) as one binary PLY. */
export function writePly(chunks: PointCloud[], comments: string[] = []): Blob {
  const count = chunks.reduce((n, c) => n + c.points.length / 3, 0);
  const header = `${[
    'ply',
    'format binary_little_endian 1.0',
    ...comments.map((c) => `comment ${c}`),
    `element vertex ${count}`,
    'property float x',
    'property float y',
    'property float z',
    'property uchar red',
    'property uchar green',
    'property uchar blue',
    'end_header',
  ].join('\n')}\n`;
  const parts: BlobPart[] = [header];
  for (const c of chunks) {
    const n = c.points.length / 3;
    const body = new DataView(new ArrayBuffer(n * 15));
    for (let i = 0; i < n; i++) {
      const o = i * 15;
      body.setFloat32(o, c.points[3 * i]!, true);
      body.setFloat32(o + 4, c.points[3 * i + 1]!, true);
      body.setFloat32(o + 8, c.points[3 * i + 2]!, true);
      body.setUint8(o + 12, c.colors[3 * i]!);
      body.setUint8(o + 13, c.colors[3 * i + 1]!);
      body.setUint8(o + 14, c.colors[3 * i + 2]!);
    }
    parts.push(body.buffer);
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}

const TYPES: Record<string, { size: number; read: (v: DataView, o: number) => number }> = {
  char: { size: 1, read: (v, o) => v.getInt8(o) },
  int8: { size: 1, read: (v, o) => v.getInt8(o) },
  uchar: { size: 1, read: (v, o) => v.getUint8(o) },
  uint8: { size: 1, read: (v, o) => v.getUint8(o) },
  short: { size: 2, read: (v, o) => v.getInt16(o, true) },
  int16: { size: 2, read: (v, o) => v.getInt16(o, true) },
  ushort: { size: 2, read: (v, o) => v.getUint16(o, true) },
  uint16: { size: 2, read: (v, o) => v.getUint16(o, true) },
  int: { size: 4, read: (v, o) => v.getInt32(o, true) },
  int32: { size: 4, read: (v, o) => v.getInt32(o, true) },
  uint: { size: 4, read: (v, o) => v.getUint32(o, true) },
  uint32: { size: 4, read: (v, o) => v.getUint32(o, true) },
  float: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  float32: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  double: { size: 8, read: (v, o) => v.getFloat64(o, true) },
  float64: { size: 8, read: (v, o) => v.getFloat64(o, true) },
};

export class PlyError extends Error {}

/** The most points an import keeps: what the 3D view holds. A bigger cloud is thinned evenly to this. */
export const MAX_PLY_POINTS = 2_000_000;

/** A PLY file's vertices as read: those with finite coordinates, thinned to at most `MAX_PLY_POINTS`. */
export interface ReadPointCloud extends PointCloud {
  /** Vertices the header declares. */
  declared: number;
  /** Every `step`-th vertex was kept (1: all). */
  step: number;
  /** Vertices left out for non-finite coordinates (NaN or infinity). */
  nonFinite: number;
}

/**
 * Reads the vertices of a PLY file (colours default to grey when absent). The file is untrusted: its header's
 * counts are checked against its length before anything is allocated. Throws PlyError on a file it cannot read.
 */
export function readPly(buffer: ArrayBuffer, maxPoints = MAX_PLY_POINTS): ReadPointCloud {
  const bytes = new Uint8Array(buffer);
  const headEnd = findHeaderEnd(bytes);
  const header = new TextDecoder()
    .decode(bytes.subarray(0, headEnd))
    .split(/\r?\n/)
    .map((l) => l.trim());
  if (header[0] !== 'ply') throw new PlyError('Not a PLY file (it does not start with "ply").');
  const format = header.find((l) => l.startsWith('format '))?.split(/\s+/)[1];
  if (format !== 'ascii' && format !== 'binary_little_endian')
    throw new PlyError(`PLY format "${format ?? 'none'}" is not supported (ascii or binary_little_endian).`);
  // Elements in order; only the vertex element is read, but those before it must be skipped.
  const elements: { name: string; count: number; props: { name: string; type: string; list?: { count: string } }[] }[] = [];
  for (const line of header) {
    const w = line.split(/\s+/);
    if (w[0] === 'element') elements.push({ name: w[1]!, count: Number(w[2]), props: [] });
    else if (w[0] === 'property' && elements.length) {
      const el = elements[elements.length - 1]!;
      if (w[1] === 'list') el.props.push({ name: w[4]!, type: w[3]!, list: { count: w[2]! } });
      else el.props.push({ name: w[2]!, type: w[1]! });
    }
  }
  const vi = elements.findIndex((e) => e.name === 'vertex');
  const vertex = elements[vi];
  if (!vertex || !['x', 'y', 'z'].every((n) => vertex.props.some((p) => p.name === n))) throw new PlyError('The PLY file has no vertices with x, y, z.');
  if (elements.slice(0, vi).some((e) => e.count > 0)) throw new PlyError('The PLY file has elements before its vertices; only point clouds are supported.');
  const n = vertex.count;
  if (!Number.isSafeInteger(n) || n < 0) throw new PlyError('The PLY header has a bad vertex count.');
  for (const p of vertex.props) if (p.list || !TYPES[p.type]) throw new PlyError(`Vertex property "${p.name}" of type "${p.type}" is not supported.`);

  // What the body can hold at most, before any allocation: a header may claim more vertices than the file has.
  const body = bytes.length - headEnd;
  const stride = vertex.props.reduce((sum, p) => sum + TYPES[p.type]!.size, 0);
  const minBytesPerVertex = format === 'ascii' ? 2 * vertex.props.length : stride; // "0 0 0\n": a digit and a separator each
  const room = Math.floor(body / minBytesPerVertex);
  if (room < n)
    throw new PlyError(
      `The PLY file is cut short: its header declares ${n.toLocaleString('en')} vertices, its data holds at most ${room.toLocaleString('en')}.`,
    );

  const col = (name: string) => vertex.props.findIndex((p) => p.name === name);
  const xyz = ['x', 'y', 'z'].map(col);
  const rgb = [
    ['red', 'r', 'diffuse_red'],
    ['green', 'g', 'diffuse_green'],
    ['blue', 'b', 'diffuse_blue'],
  ].map((names) => Math.max(...names.map(col)));
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const points = new Float32Array(Math.ceil(n / step) * 3);
  const colors = new Uint8Array(points.length).fill(200);
  let kept = 0;
  let nonFinite = 0;
  const take = (values: (k: number) => number) => {
    const x = values(xyz[0]!);
    const y = values(xyz[1]!);
    const z = values(xyz[2]!);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      nonFinite++;
      return;
    }
    points[3 * kept] = x;
    points[3 * kept + 1] = y;
    points[3 * kept + 2] = z;
    for (let a = 0; a < 3; a++) if (rgb[a]! >= 0) colors[3 * kept + a] = values(rgb[a]!);
    kept++;
  };
  if (format === 'ascii') {
    const text = new TextDecoder().decode(bytes.subarray(headEnd));
    let at = 0;
    for (let i = 0; i < n; i++) {
      // Blank lines are skipped; a vertex with too few values is a broken file.
      let line = '';
      while (!line && at < text.length) {
        const end = text.indexOf('\n', at);
        line = text.slice(at, end < 0 ? text.length : end).trim();
        at = end < 0 ? text.length : end + 1;
      }
      if (!line) throw new PlyError(`The PLY file is cut short: ${i.toLocaleString('en')} of ${n.toLocaleString('en')} vertices.`);
      if (i % step) continue;
      const v = line.split(/\s+/).map(Number);
      if (v.length < vertex.props.length) throw new PlyError(`PLY vertex ${i + 1} has ${v.length} values, not ${vertex.props.length}.`);
      take((k) => v[k]!);
    }
  } else {
    const offsets: number[] = [];
    let o = 0;
    for (const p of vertex.props) {
      offsets.push(o);
      o += TYPES[p.type]!.size;
    }
    const view = new DataView(buffer, headEnd);
    for (let i = 0; i < n; i += step) take((k) => TYPES[vertex.props[k]!.type]!.read(view, i * stride + offsets[k]!));
  }
  if (n > 0 && kept === 0) throw new PlyError('The PLY file has no point with finite coordinates.');
  return { points: points.slice(0, 3 * kept), colors: colors.slice(0, 3 * kept), declared: n, step, nonFinite };
}

function findHeaderEnd(bytes: Uint8Array): number {
  const marker = new TextEncoder().encode('end_header');
  const limit = Math.min(bytes.length, 64 * 1024);
  for (let i = 0; i + marker.length <= limit; i++) {
    if (marker.every((b, k) => bytes[i + k] === b)) {
      let end = i + marker.length;
      if (bytes[end] === 0x0d) end++;
      if (bytes[end] === 0x0a) end++;
      return end;
    }
  }
  throw new PlyError('Not a PLY file (no "end_header" in its first 64 KiB).');
}
