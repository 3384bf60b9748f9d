// Where the tests find the shared (never copied) VSI-Bench data, and whether it is there.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const SHARED_META_DIR = join(root, '../shared/data/vsibench-meta');
export const SHARED_DEMO_META = join(root, '../shared/data/arkitscenes-47334096/meta.json');
export const hasSharedMeta = existsSync(join(SHARED_META_DIR, 'arkitscenes_meta_info_val.json'));
export const hasDemoMeta = existsSync(SHARED_DEMO_META);
export const SKIP_MESSAGE = '../shared/data is absent: skipping the tests on the real VSI-Bench metadata';
