// PLACEHOLDER: replaced by the deploy-event handler (issue 4). Exists so the CDK stack can bundle it.
export const handler = async (event: unknown): Promise<unknown> => ({ received: event !== undefined });
