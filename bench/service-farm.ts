// Starts the loopback service farm in a process of its own, so that serving a thousand delayed responses never competes
// with the event loop being measured, and stops it again by its pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { farmUrls } from './farm-urls.ts';
import { BenchChildError, REPO_ROOT, tsxArgs } from './node-child.ts';
import type { FarmServerConfig } from './service-farm-server.ts';

const SERVER_ENTRY = 'bench/service-farm-server.ts';
const STOP_GRACE_MS = 3_000;

export interface FarmOptions extends FarmServerConfig {
  readonly readyTimeoutMs: number;
}

export interface ServiceFarm {
  readonly pid: number;
  readonly ports: readonly number[];
  readonly delayMs: number;
  /** `count` distinct URLs, the same ones on every call. */
  urls(count: number): string[];
  stop(): Promise<void>;
}

export async function startServiceFarm(options: FarmOptions): Promise<ServiceFarm> {
  const config: FarmServerConfig = {
    ports: options.ports,
    delayMs: options.delayMs,
    maxLifetimeMs: options.maxLifetimeMs,
  };
  const child = spawn(process.execPath, tsxArgs(SERVER_ENTRY, JSON.stringify(config)), {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Should this process die without calling stop(), the child sees the IPC channel close and exits by itself.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let ports: number[];
  try {
    ports = await waitUntilReady(child, options.readyTimeoutMs);
  } catch (error) {
    await stopChild(child);
    process.removeListener('exit', killOnExit);
    throw error;
  }
  return {
    pid: child.pid!,
    ports,
    delayMs: options.delayMs,
    urls: (count) => farmUrls(ports, count),
    stop: async () => {
      await stopChild(child);
      process.removeListener('exit', killOnExit);
    },
  };
}

function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BenchChildError(`service farm not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('message', (message: { type?: string; ports?: number[] }) => {
      clearTimeout(timer);
      if (message.type === 'ready' && Array.isArray(message.ports)) resolve(message.ports);
      else reject(new BenchChildError(`service farm sent ${JSON.stringify(message)} instead of its ports`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new BenchChildError(`service farm exited before it was ready (code ${String(code)}, signal ${String(signal)})`),
      );
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
