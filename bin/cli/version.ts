// The CLI's version, from package.json (inlined when the CLI is bundled).
import packageJson from '../../package.json' with { type: 'json' };

export const ROLLGATE_VERSION: string = packageJson.version;
