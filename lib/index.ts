// The construct's public API, the package's `rollgate/cdk` export: the Rollgate L3 construct, its props types and
// the cdk-nag packs it is checked against. Its Lambda handlers ship prebuilt beside it, so a CDK app needs neither
// esbuild nor Rollgate's sources to synthesize it.

export { applyNagChecks, NAG_PACK_NAMES } from './apply-nag-checks.ts';
export {
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  Rollgate,
  type RollgateHeaderValue,
  type RollgateLogLevel,
  type RollgateMonitor,
  type RollgateMonitorTarget,
  type RollgatePowertools,
  type RollgateProps,
  type RollgateService,
} from './rollgate.ts';
