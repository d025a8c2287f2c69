import { describe, expect, it } from 'vitest';
import { ciContextFromEnv, type CiContext } from '../../../../lambda/core/evidence/ci-context.ts';

const GITHUB = {
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_RUN_ID: '7012345678',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/checkout',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_EVENT_NAME: 'push',
};

const GITLAB = {
  CI: 'true',
  GITLAB_CI: 'true',
  CI_PIPELINE_ID: '998877',
  CI_PIPELINE_URL: 'https://gitlab.example/acme/checkout/-/pipelines/998877',
  CI_COMMIT_SHA: 'fedcba9876543210fedcba9876543210fedcba98',
  CI_COMMIT_REF_NAME: 'main',
  CI_PIPELINE_SOURCE: 'merge_request_event',
  CI_PROJECT_PATH: 'acme/checkout',
};

describe('ciContextFromEnv', () => {
  it.each([
    {
      name: 'GitHub Actions',
      env: GITHUB,
      context: {
        provider: 'github-actions',
        run_id: '7012345678',
        run_url: 'https://github.com/acme/checkout/actions/runs/7012345678',
        commit_sha: '0123456789abcdef0123456789abcdef01234567',
        ref: 'refs/heads/main',
        event: 'push',
        repository: 'acme/checkout',
      },
    },
    {
      name: 'GitHub Actions without a server URL',
      env: { GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '1', GITHUB_REPOSITORY: 'acme/checkout' },
      context: { provider: 'github-actions', run_id: '1', repository: 'acme/checkout' },
    },
    {
      name: 'GitLab CI',
      env: GITLAB,
      context: {
        provider: 'gitlab-ci',
        run_id: '998877',
        run_url: 'https://gitlab.example/acme/checkout/-/pipelines/998877',
        commit_sha: 'fedcba9876543210fedcba9876543210fedcba98',
        ref: 'main',
        event: 'merge_request_event',
        repository: 'acme/checkout',
      },
    },
    {
      name: 'a generic CI',
      env: { CI: 'true', CI_RUN_ID: '42', GIT_COMMIT: 'abc1234', CI_REF: 'release/1.4' },
      context: { provider: 'ci', run_id: '42', commit_sha: 'abc1234', ref: 'release/1.4' },
    },
    { name: 'a generic CI with nothing else', env: { CI: '1' }, context: { provider: 'ci' } },
    { name: 'no CI at all', env: {}, context: {} },
    { name: 'CI=false', env: { CI: 'false', CI_RUN_ID: '42' }, context: {} },
    { name: 'CI=0', env: { CI: '0' }, context: {} },
    { name: 'an empty CI variable', env: { CI: '  ', GITHUB_ACTIONS: '' }, context: {} },
    {
      name: 'GitHub Actions with empty optional variables',
      env: { GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '5', GITHUB_REF: '', GITHUB_SHA: ' ' },
      context: { provider: 'github-actions', run_id: '5' },
    },
  ] satisfies Array<{ name: string; env: Record<string, string>; context: CiContext }>)(
    'reads $name',
    ({ env, context }) => {
      expect(ciContextFromEnv(env)).toEqual(context);
    },
  );

  it('caps each value at 512 characters', () => {
    const context = ciContextFromEnv({ CI: 'true', CI_REF: 'r'.repeat(2000) });
    expect(context.ref).toBe('r'.repeat(512));
  });
});
