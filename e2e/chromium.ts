// Debian's Chromium with the flags that work in this sandbox (no downloads of Playwright's own browser).
import { resolve } from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** The shared real data, beside the repo (never copied into it). */
export const SHARED_DATA = resolve(process.cwd(), '..', 'shared', 'data');

/** Chromium's fake camera fed with a real recording. */
export function fakeCameraArgs(mjpeg: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${mjpeg}`];
}
