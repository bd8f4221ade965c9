#!/usr/bin/env node
// Writes docs/openapi.json from the contract in packages/shared (run after `npm run build`), or
// with --check fails when the committed document differs, so a contract change shows in the diff.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { BERTH_VERSION, buildOpenApiDocument } from '@berth/shared';

const file = new URL('../docs/openapi.json', import.meta.url);
const fresh = `${JSON.stringify(buildOpenApiDocument(BERTH_VERSION), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing counts as different
  }
  if (committed !== fresh) {
    console.error(
      'docs/openapi.json is out of date: run `npm run build && node scripts/openapi.mjs`',
    );
    process.exit(1);
  }
} else {
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  writeFileSync(file, fresh);
  console.log('wrote docs/openapi.json');
}
