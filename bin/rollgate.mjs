#!/usr/bin/env node
// The `rollgate` executable: registers tsx so the TypeScript CLI runs straight from the checkout, no build step.
import { register } from 'tsx/esm/api';

register();
await import('./rollgate.ts');
