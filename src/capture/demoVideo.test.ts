// Against a real local HTTP server: what each kind of failed download tells the user.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadDemoVideo } from './demoVideo';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/room.webm') {
      res.writeHead(200, { 'Content-Type': 'video/webm' });
      res.end(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    } else if (req.url === '/page.webm') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html>');
    } else {
      res.writeHead(404, 'Not Found');
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('downloadDemoVideo', () => {
  it('returns the video as a File named after the URL', async () => {
    const file = await downloadDemoVideo(`${base}/room.webm`);
    expect(file.name).toBe('room.webm');
    expect(file.type).toBe('video/webm');
    expect(file.size).toBe(4);
  });

  it('says when the server has no such video', async () => {
    await expect(downloadDemoVideo(`${base}/missing.webm`)).rejects.toThrow(`The demo video is not available: ${base}/missing.webm answered 404 Not Found.`);
  });

  it('says when the URL returns a page instead of a video', async () => {
    await expect(downloadDemoVideo(`${base}/page.webm`)).rejects.toThrow('did not return a video (it sent text/html)');
  });

  it('says when the host cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(downloadDemoVideo(`http://127.0.0.1:${port}/room.webm`)).rejects.toThrow('Could not download the demo video');
  });
});
