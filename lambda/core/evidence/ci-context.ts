// The CI run a local gate belongs to, read from the usual CI variables, so evidence links back to the pipeline.

export interface CiContext {
  readonly provider?: string;
  readonly run_id?: string;
  readonly run_url?: string;
  readonly commit_sha?: string;
  readonly ref?: string;
  readonly event?: string;
  readonly repository?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const PROVIDERS: ReadonlyArray<{
  readonly when: string;
  readonly name: string;
  readonly read: (env: Env) => CiContext;
}> = [
  {
    when: 'GITHUB_ACTIONS',
    name: 'github-actions',
    read: (env) => ({
      run_id: env.GITHUB_RUN_ID,
      run_url:
        env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
          ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
          : undefined,
      commit_sha: env.GITHUB_SHA,
      ref: env.GITHUB_REF,
      event: env.GITHUB_EVENT_NAME,
      repository: env.GITHUB_REPOSITORY,
    }),
  },
  {
    when: 'GITLAB_CI',
    name: 'gitlab-ci',
    read: (env) => ({
      run_id: env.CI_PIPELINE_ID,
      run_url: env.CI_PIPELINE_URL,
      commit_sha: env.CI_COMMIT_SHA,
      ref: env.CI_COMMIT_REF_NAME,
      event: env.CI_PIPELINE_SOURCE,
      repository: env.CI_PROJECT_PATH,
    }),
  },
  {
    when: 'BUILDKITE',
    name: 'buildkite',
    read: (env) => ({
      run_id: env.BUILDKITE_BUILD_ID,
      run_url: env.BUILDKITE_BUILD_URL,
      commit_sha: env.BUILDKITE_COMMIT,
      ref: env.BUILDKITE_BRANCH,
      repository: env.BUILDKITE_REPO,
    }),
  },
  {
    when: 'CIRCLECI',
    name: 'circleci',
    read: (env) => ({
      run_id: env.CIRCLE_WORKFLOW_ID ?? env.CIRCLE_BUILD_NUM,
      run_url: env.CIRCLE_BUILD_URL,
      commit_sha: env.CIRCLE_SHA1,
      ref: env.CIRCLE_BRANCH ?? env.CIRCLE_TAG,
      repository: env.CIRCLE_PROJECT_REPONAME,
    }),
  },
  {
    when: 'CODEBUILD_BUILD_ID',
    name: 'codebuild',
    read: (env) => ({
      run_id: env.CODEBUILD_BUILD_ID,
      run_url: env.CODEBUILD_BUILD_URL,
      commit_sha: env.CODEBUILD_RESOLVED_SOURCE_VERSION,
      ref: env.CODEBUILD_WEBHOOK_HEAD_REF,
    }),
  },
  {
    when: 'JENKINS_URL',
    name: 'jenkins',
    read: (env) => ({ run_id: env.BUILD_ID, run_url: env.BUILD_URL, commit_sha: env.GIT_COMMIT, ref: env.GIT_BRANCH }),
  },
];

/** Reads the CI context from an environment record; empty when not in a known CI. Values are capped in length. */
export function ciContextFromEnv(env: Env): CiContext {
  const provider = PROVIDERS.find((candidate) => nonEmpty(env[candidate.when]));
  const generic: CiContext = {
    run_id: env.CI_RUN_ID,
    commit_sha: env.CI_COMMIT_SHA ?? env.GIT_COMMIT,
    ref: env.CI_REF,
  };
  const read: Record<string, string | undefined> = provider
    ? { provider: provider.name, ...provider.read(env) }
    : isSet(env.CI)
      ? { provider: 'ci', ...generic }
      : {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(read)) {
    if (nonEmpty(value)) out[key] = value.slice(0, 512);
  }
  return out;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** `CI=true` or `CI=1` says "in CI"; `CI=false`, `CI=0` and `CI=no` are set precisely to say the opposite. */
function isSet(value: string | undefined): boolean {
  return nonEmpty(value) && !/^(false|0|no)$/i.test(value.trim());
}
