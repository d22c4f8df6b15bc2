import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './test-environment';

const FIXTURES = path.join(repoRoot, 'libs', 'apk', 'test-fixtures');

/** One real APK of libs/apk/test-fixtures, with what apksigner and aapt say about it (expected.json). */
export interface ApkVector {
  file: string;
  /** Absolute path, to hand to the CLI. */
  path: string;
  expected: 'accept' | 'reject';
  packageName: string;
  versionCode: number | null;
  versionName: string | null;
  signerCertSha256: string[];
  lineageCertSha256: string[] | null;
}

export function apkVector(file: string): ApkVector {
  const { vectors } = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as {
    vectors: Omit<ApkVector, 'path'>[];
  };
  const vector = vectors.find((v) => v.file === file);
  if (!vector) throw new Error(`${file} is not in ${FIXTURES}/expected.json`);
  return { ...vector, path: path.join(FIXTURES, file) };
}
