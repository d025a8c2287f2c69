// The registry layer: the services and monitors the stack knows, as one JSON file in a small Lambda layer built at
// synth, so the handlers read it from /opt at cold start with no AWS call, and no event can change it. It is immutable
// per function version. Its folder is named after its content's hash, so a synth writes nothing new when nothing
// changed, and the layer works the same whether the handlers are bundled from source or shipped prebuilt.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { Registry } from '../lambda/core/config/registry.ts';
import { REGISTRY_FILE_NAME, REGISTRY_LAYER_DIRECTORY } from '../lambda/core/config/stack-contract.ts';

/** The layer's file, as the handlers will validate it: services and monitors, without the CDK-only schedules. */
export function registryDocument(registry: Registry): string {
  const monitors = registry.monitors.map(({ schedule: _schedule, ...monitor }) => monitor);
  return `${JSON.stringify({ services: registry.services, monitors }, null, 2)}\n`;
}

export function createRegistryLayer(scope: Construct, id: string, registry: Registry): lambda.LayerVersion {
  return new lambda.LayerVersion(scope, id, {
    description: 'Rollgate registry: the services and monitors this stack knows (rollgate/registry.json)',
    code: lambda.Code.fromAsset(registryDirectory(registryDocument(registry))),
    compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
    compatibleArchitectures: [lambda.Architecture.ARM_64],
  });
}

/** A folder holding `rollgate/registry.json` with `document`, written once per content. */
function registryDirectory(document: string): string {
  const hash = createHash('sha256').update(document).digest('hex').slice(0, 32);
  const root = path.join(tmpdir(), `rollgate-registry-${hash}`);
  if (existsSync(path.join(root, REGISTRY_LAYER_DIRECTORY, REGISTRY_FILE_NAME))) return root;
  // Written beside and renamed into place, so a concurrent synth never sees half a folder.
  const partial = `${root}.${process.pid}.${Date.now()}`;
  mkdirSync(path.join(partial, REGISTRY_LAYER_DIRECTORY), { recursive: true });
  writeFileSync(path.join(partial, REGISTRY_LAYER_DIRECTORY, REGISTRY_FILE_NAME), document, { mode: 0o644 });
  try {
    renameSync(partial, root);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Another synth got there first with the same content.
    if (!existsSync(root)) throw error;
  }
  return root;
}
