import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileInside } from './serveFolder';

describe('fileInside', () => {
  const root = resolve('/srv/models');

  it('maps a request path to the file inside the served folder', () => {
    expect(fileInside(root, 'repo/onnx/model.onnx')).toBe(join(root, 'repo', 'onnx', 'model.onnx'));
    expect(fileInside(root, 'a%20b.json')).toBe(join(root, 'a b.json'));
    expect(fileInside(root, 'repo/../catalog.json')).toBe(join(root, 'catalog.json'));
  });

  it('never leaves the folder', () => {
    for (const path of ['../secret', '..%2Fsecret', 'repo/../../secret', '%2e%2e/secret', '..', '']) {
      expect(fileInside(root, path), path).toBeNull();
    }
    // An absolute path after the prefix stays below the root.
    expect(fileInside(root, '/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    // A sibling whose name starts like the root's (/srv/models-private) is outside, though a prefix test would pass it.
    expect(fileInside(root, '../models-private/key')).toBeNull();
  });

  it('refuses malformed escapes and NUL bytes', () => {
    expect(fileInside(root, '%E0%A4%A')).toBeNull();
    expect(fileInside(root, 'model.onnx%00.json')).toBeNull();
  });
});
