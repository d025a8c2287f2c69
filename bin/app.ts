#!/usr/bin/env node
// The Rollgate CDK app (cdk.json runs it with tsx). Reads rollgate.config.json, or the shipped example, and prints a
// config problem as one line per bad field rather than a stack trace.
import { createRollgateApp } from '../lib/rollgate-app.ts';
import { RollgateConfigError } from '../lib/rollgate-config-error.ts';

try {
  createRollgateApp().app.synth();
} catch (error) {
  if (!(error instanceof RollgateConfigError)) throw error;
  console.error(`rollgate: ${error.message}`);
  process.exit(1);
}
