// Where the construct takes each handler's code from: the prebuilt bundles beside it in the installed package, or,
// in this repository (no such folder), the sources.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prebuiltHandlers, readPrebuiltHandlers } from '../../lib/prebuilt-handlers.ts';
import { captureError } from '../support/capture-error.ts';

function assetsFolder(manifest: unknown, bundles: readonly string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-assets-'));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const bundle of bundles) {
    mkdirSync(path.join(dir, bundle), { recursive: true });
    writeFileSync(path.join(dir, bundle, 'index.js'), 'exports.handler = async () => ({});\n');
  }
  return dir;
}

describe('prebuilt handlers', () => {
  it('are absent in this repository, so the construct bundles from source', () => {
    expect(prebuiltHandlers()).toBeUndefined();
  });

  it('give each handler its bundle folder and the Powertools version they were built with', () => {
    const dir = assetsFolder(
      { powertoolsVersion: '2.35.0', handlers: { 'deploy-event': { layer: 'de/layer', bundled: 'de/bundled' } } },
      ['de/layer', 'de/bundled'],
    );
    const prebuilt = readPrebuiltHandlers(dir)!;
    expect(prebuilt.powertoolsVersion).toBe('2.35.0');
    expect(prebuilt.directory('deploy-event', 'layer')).toBe(path.join(dir, 'de/layer'));
    expect(prebuilt.directory('deploy-event', 'bundled')).toBe(path.join(dir, 'de/bundled'));
  });

  it('name the handler that is missing from a damaged package rather than deploy an empty asset', () => {
    const dir = assetsFolder(
      { powertoolsVersion: '2.35.0', handlers: { 'deploy-event': { layer: 'de/layer', bundled: 'de/bundled' } } },
      ['de/layer'],
    );
    const prebuilt = readPrebuiltHandlers(dir)!;
    expect(String(captureError(() => prebuilt.directory('deploy-event', 'bundled')))).toContain(
      'the prebuilt deploy-event handler (bundled Powertools) is missing',
    );
    expect(String(captureError(() => prebuilt.directory('scheduled-check', 'layer')))).toContain(
      'the prebuilt scheduled-check handler (layer Powertools) is missing',
    );
  });
});
