// An evidence store that writes each record to its own file under a directory, at the key the S3 store would use
// (deploys/<service>/<environment>/YYYY/MM/DD/..., checks/<monitor>/...): the layout of a bucket copied to disk, so
// local readers and the report are tested on a history of runs rather than on the one file a local gate keeps.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { evidenceKey } from '../../lambda/adapters/evidence-key.ts';
import type { EvidenceDocument } from '../../lambda/core/evidence/evidence.ts';
import type { EvidenceLocation, EvidenceStage, EvidenceStore } from '../../lambda/core/gate/ports.ts';

export class BucketLayoutFsEvidenceStore implements EvidenceStore {
  public constructor(private readonly directory: string) {}

  public locate(document: EvidenceDocument, stage: EvidenceStage): string {
    return join(this.directory, evidenceKey(document, stage));
  }

  public async write(document: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation> {
    const path = this.locate(document, stage);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(document, null, 2)}\n`, { flag: 'wx' });
    return { uri: path };
  }
}
