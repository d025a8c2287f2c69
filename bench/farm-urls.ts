// The service farm's address plan and health body, shared by the farm process and by everything that probes it.
// Kept free of imports so that a child loading it pays nothing for it in memory or start-up time.

export const FARM_VERSION = 'v1.4.2';
export const FARM_HEALTH_BODY = JSON.stringify({ status: 'ok', version: FARM_VERSION });
export const FARM_HOST = '127.0.0.1';

/** `count` distinct health URLs, spread round-robin over the farm's ports, each with a path of its own. */
export function farmUrls(ports: readonly number[], count: number): string[] {
  if (ports.length === 0) throw new RangeError('the farm has no ports');
  return Array.from({ length: count }, (_, index) => {
    const port = ports[index % ports.length]!;
    return `http://${FARM_HOST}:${port}/services/svc-${index}/health`;
  });
}
