// Loaded only by aws-clients.ts's dynamic import(), on first use. The static import below is why this file exists:
// esbuild turns an import() of an external package into a real ESM import, which neither NODE_PATH nor the Lambda
// runtime's bundled SDK satisfies; an import() of this bundled file becomes a deferred require() of the package.
export { EC2Client } from '@aws-sdk/client-ec2';
