// Athena over the evidence on the synthesized template: a Glue database with a deploys and a checks table read with
// the Ion SerDe (the records are pretty-printed JSON), partition projection on the keys' names (the registered ones)
// and day folders as far back as each prefix is kept, a workgroup whose results are encrypted with the Rollgate key
// into a bucket of their own; and every column checked against schema/evidence.schema.json: each exists there with a
// compatible type, at every depth, and every field of the document has its column.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_JSON_SCHEMA_FILE } from '../../lambda/core/evidence/evidence-json-schema.ts';
import { EVIDENCE_COLUMNS } from '../../lib/evidence-athena-columns.ts';
import { EvidenceAthena } from '../../lib/evidence-athena.ts';
import { REPO_ROOT, removeOutdir, synthRollgateConstruct, type SynthesizedConstruct } from '../support/synth-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type TableInput = {
  Name: string;
  PartitionKeys: Array<{ Name: string; Type: string }>;
  Parameters: Record<string, unknown>;
  StorageDescriptor: {
    Location: unknown;
    InputFormat: string;
    OutputFormat: string;
    SerdeInfo: { SerializationLibrary: string };
    Columns: Array<{ Name: string; Type: string }>;
  };
};

let synth: SynthesizedConstruct;
let resources: Record<string, Resource>;

beforeAll(() => {
  synth = synthRollgateConstruct(
    {
      services: [
        { service: 'checkout', environment: 'prod', targets: [{ url: 'https://checkout.example.com/health' }] },
        { service: 'checkout', environment: 'staging', targets: [{ url: 'https://staging.example.com/health' }] },
        { service: 'orders', environment: 'prod', targets: [{ url: 'https://orders.example.com/health' }] },
      ],
      monitors: [{ name: 'status-page', urls: ['https://status.example.com/'] }],
      checksExpiration: Duration.days(14),
    },
    { bundling: false },
  );
  resources = (synth.template.toJSON() as { Resources: Record<string, Resource> }).Resources;
});
afterAll(() => removeOutdir(synth));

const bucketRef = () => ({ Ref: synth.stack.getLogicalId(synth.rollgate.evidenceBucket.node.defaultChild as never) });

function table(name: string): TableInput {
  const found = Object.values(resources).find(
    (resource) => resource.Type === 'AWS::Glue::Table' && (resource.Properties.TableInput as TableInput).Name === name,
  );
  if (found === undefined) throw new Error(`no Glue table ${name}`);
  return found.Properties.TableInput as TableInput;
}

describe('the evidence tables', () => {
  it('read deploys/<service>/<environment>/<day>/ with the registered names and a year of days', () => {
    const deploys = table('deploys');
    expect(deploys.PartitionKeys).toEqual([
      { Name: 'service', Type: 'string' },
      { Name: 'environment', Type: 'string' },
      { Name: 'day', Type: 'string' },
    ]);
    expect(deploys.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.service.type': 'enum',
      'projection.service.values': 'checkout,orders',
      'projection.environment.type': 'enum',
      'projection.environment.values': 'prod,staging',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy/MM/dd',
      'projection.day.range': 'NOW-365DAYS,NOW',
      'projection.day.interval': '1',
      'projection.day.interval.unit': 'DAYS',
      'storage.location.template': {
        'Fn::Join': ['', ['s3://', bucketRef(), '/deploys/${service}/${environment}/${day}/']],
      },
    });
    expect(deploys.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', bucketRef(), '/deploys/']] });
  });

  it('read checks/<monitor>/<day>/ for as long as checks are kept', () => {
    const checks = table('checks');
    expect(checks.PartitionKeys.map((key) => key.Name)).toEqual(['monitor', 'day']);
    expect(checks.Parameters).toMatchObject({
      'projection.monitor.type': 'enum',
      'projection.monitor.values': 'status-page',
      'projection.day.range': 'NOW-14DAYS,NOW',
      'storage.location.template': { 'Fn::Join': ['', ['s3://', bucketRef(), '/checks/${monitor}/${day}/']] },
    });
  });

  it('read the pretty-printed records with the Ion SerDe, which does not need one record per line', () => {
    for (const name of ['deploys', 'checks']) {
      expect(table(name).StorageDescriptor).toMatchObject({
        InputFormat: 'com.amazon.ionhiveserde.formats.IonInputFormat',
        OutputFormat: 'com.amazon.ionhiveserde.formats.IonOutputFormat',
        SerdeInfo: { SerializationLibrary: 'com.amazon.ionhiveserde.IonHiveSerDe' },
      });
      expect(table(name).StorageDescriptor.Columns.map((column) => column.Name)).toEqual(
        EVIDENCE_COLUMNS.map((column) => column.name),
      );
    }
  });

  it('are in a database of their own, in the account catalog', () => {
    const [database] = Object.values(resources).filter((resource) => resource.Type === 'AWS::Glue::Database');
    expect(database?.Properties).toMatchObject({
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: { Name: synth.rollgate.evidenceAthena.databaseName },
    });
    expect(synth.rollgate.evidenceAthena.databaseName).toMatch(/^[a-z0-9_]{1,64}$/);
  });
});

describe('the workgroup', () => {
  it('writes every query result encrypted with the Rollgate key into its results bucket, whatever the client asks', () => {
    const [workGroup] = Object.values(resources).filter((resource) => resource.Type === 'AWS::Athena::WorkGroup');
    const resultsBucket = synth.stack.getLogicalId(
      synth.rollgate.evidenceAthena.resultsBucket.node.defaultChild as never,
    );
    expect(workGroup?.Properties.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      ResultConfiguration: {
        OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: resultsBucket }, '/results/']] },
        EncryptionConfiguration: {
          EncryptionOption: 'SSE_KMS',
          KmsKey: { 'Fn::GetAtt': [synth.stack.getLogicalId(synth.rollgate.key.node.defaultChild as never), 'Arn'] },
        },
      },
    });
    expect(resources[resultsBucket]?.Properties).toMatchObject({
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, Status: 'Enabled' }] },
      LoggingConfiguration: { LogFilePrefix: 'athena-results/' },
    });
  });
});

describe('a query role', () => {
  it('gets the workgroup, the tables, the evidence prefixes and the results, with the key: nothing else', () => {
    const app = new App();
    const stack = new Stack(app, 'Queries');
    const key = new kms.Key(stack, 'Key');
    const athena = new EvidenceAthena(stack, 'Athena', {
      evidenceBucket: new s3.Bucket(stack, 'Evidence'),
      encryptionKey: key,
      services: [],
      monitors: [],
      deploysRetention: Duration.days(365),
      checksRetention: Duration.days(30),
    });
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    athena.grantQuery(role);
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
    const actions = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap(
        (policy) => (policy.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement,
      )
      .flatMap((statement) => statement.Action);
    expect(new Set(actions)).toEqual(
      new Set([
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartitions',
        's3:GetObject*',
        's3:GetBucket*',
        's3:List*',
        's3:PutObject',
        's3:PutObjectLegalHold',
        's3:PutObjectRetention',
        's3:PutObjectTagging',
        's3:PutObjectVersionTagging',
        's3:Abort*',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:Encrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
      ]),
    );
    // With no registered names, a query names them in its WHERE clause.
    const tables = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Glue::Table');
    for (const found of tables) {
      const parameters = (found.Properties.TableInput as TableInput).Parameters;
      expect(
        Object.entries(parameters).filter(([name]) => /^projection\.(service|environment|monitor)\.type$/.test(name)),
      ).toEqual(expect.arrayContaining([expect.arrayContaining(['injected'])]));
    }
  });
});

// --- The columns against the published JSON Schema ---------------------------------------------------------------

type HiveType =
  | { kind: 'primitive'; name: string }
  | { kind: 'array'; of: HiveType }
  | { kind: 'struct'; fields: Array<[string, HiveType]> };

/** A Hive type string (`struct<a:int,b:array<string>>`) as a tree. */
function parseHiveType(text: string): HiveType {
  let at = 0;
  const name = () => {
    const match = /^[a-z_][a-z0-9_]*(\(\d+,\d+\))?/i.exec(text.slice(at));
    if (match === null) throw new Error(`bad Hive type at ${at}: ${text}`);
    at += match[0].length;
    return match[0];
  };
  const expect = (char: string) => {
    if (text[at] !== char) throw new Error(`expected ${char} at ${at}: ${text}`);
    at += 1;
  };
  const type = (): HiveType => {
    const head = name();
    if (head === 'array') {
      expect('<');
      const of = type();
      expect('>');
      return { kind: 'array', of };
    }
    if (head === 'struct') {
      expect('<');
      const fields: Array<[string, HiveType]> = [];
      for (;;) {
        const field = name();
        expect(':');
        fields.push([field, type()]);
        if (text[at] === ',') at += 1;
        else break;
      }
      expect('>');
      return { kind: 'struct', fields };
    }
    return { kind: 'primitive', name: head };
  };
  const parsed = type();
  if (at !== text.length) throw new Error(`trailing text at ${at}: ${text}`);
  return parsed;
}

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
};

/** The JSON types a schema allows, null aside. */
function jsonTypesOf(schema: JsonSchema): { types: Set<string>; variants: JsonSchema[] } {
  const variants = (schema.anyOf ?? [schema]).filter((variant) => variant.type !== 'null');
  const types = new Set(
    variants.flatMap((variant) => {
      const listed = Array.isArray(variant.type) ? variant.type : variant.type !== undefined ? [variant.type] : [];
      // A numeric constant that is whole (schema_version: 1) is an integer.
      return listed
        .filter((type) => type !== 'null')
        .map((type) => (type === 'number' && Number.isInteger(variant.const) ? 'integer' : type));
    }),
  );
  return { types, variants };
}

const COMPATIBLE: Record<string, string[]> = {
  string: ['string'],
  boolean: ['boolean'],
  int: ['integer'],
  bigint: ['integer'],
  double: ['number', 'integer'],
};

/** What is wrong between a column's type and the schema at `where`, one line each; empty when they agree. */
function mismatches(where: string, hive: HiveType, schema: JsonSchema | undefined): string[] {
  if (schema === undefined) return [`${where}: not in the JSON Schema`];
  const { types, variants } = jsonTypesOf(schema);
  const one = (type: string) => types.size === 1 && types.has(type);
  switch (hive.kind) {
    case 'array':
      return one('array')
        ? mismatches(`${where}[]`, hive.of, variants[0]?.items)
        : [`${where}: array, JSON ${[...types]}`];
    case 'struct': {
      if (!one('object')) return [`${where}: struct, JSON ${[...types]}`];
      const properties = variants[0]?.properties ?? {};
      // The Ion SerDe matches keys without regard to case.
      const byLowerName = new Map(Object.entries(properties).map(([key, value]) => [key.toLowerCase(), value]));
      return hive.fields.flatMap(([field, type]) => mismatches(`${where}.${field}`, type, byLowerName.get(field)));
    }
    case 'primitive': {
      const allowed = hive.name.startsWith('decimal(') ? ['number', 'integer'] : (COMPATIBLE[hive.name] ?? []);
      const ok = types.size > 0 && [...types].every((type) => allowed.includes(type));
      return ok ? [] : [`${where}: ${hive.name}, JSON ${[...types].join('|')}`];
    }
  }
}

/** Every property path of the schema (objects and arrays walked), for the reverse check. */
function propertyPaths(schema: JsonSchema, where: string): string[] {
  const { variants } = jsonTypesOf(schema);
  return variants.flatMap((variant) => [
    ...Object.entries(variant.properties ?? {}).flatMap(([key, value]) => [
      `${where}.${key.toLowerCase()}`,
      ...propertyPaths(value, `${where}.${key.toLowerCase()}`),
    ]),
    ...(variant.items !== undefined ? propertyPaths(variant.items, `${where}[]`) : []),
  ]);
}

/** Every path a column's type reaches. */
function hivePaths(hive: HiveType, where: string): string[] {
  if (hive.kind === 'array') return hivePaths(hive.of, `${where}[]`);
  if (hive.kind === 'struct') {
    return hive.fields.flatMap(([field, type]) => [`${where}.${field}`, ...hivePaths(type, `${where}.${field}`)]);
  }
  return [];
}

describe('the columns against schema/evidence.schema.json', () => {
  const published = JSON.parse(readFileSync(path.join(REPO_ROOT, EVIDENCE_JSON_SCHEMA_FILE), 'utf8')) as JsonSchema;

  it('each exist in the JSON Schema with a compatible type, at every depth', () => {
    const problems = EVIDENCE_COLUMNS.flatMap((column) =>
      mismatches(column.name, parseHiveType(column.type), published.properties?.[column.name]),
    );
    expect(problems).toEqual([]);
  });

  it('leave no field of the document without its column', () => {
    const covered = new Set(
      EVIDENCE_COLUMNS.flatMap((column) => [
        `.${column.name}`,
        ...hivePaths(parseHiveType(column.type), `.${column.name}`),
      ]),
    );
    expect(propertyPaths(published, '').filter((field) => !covered.has(field))).toEqual([]);
  });

  it('would catch a column of the wrong type or a field the schema does not have', () => {
    const schema = published.properties!;
    expect(mismatches('duration_ms', parseHiveType('string'), schema.duration_ms)).toEqual([
      'duration_ms: string, JSON integer',
    ]);
    expect(mismatches('summary', parseHiveType('struct<totl:int>'), schema.summary)).toEqual([
      'summary.totl: not in the JSON Schema',
    ]);
    expect(
      mismatches('window', parseHiveType('struct<rounds:array<struct<elapsed_s:bigint>>>'), schema.window),
    ).toEqual(['window.rounds[].elapsed_s: bigint, JSON number']);
  });
});
