import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const DIST = join(__dirname, '..', 'dist');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)],
  );
}

/** Values that look like credentials: key=value pairs with a secret-ish key, AWS key ids, PEM keys. */
const CREDENTIAL =
  /(password|passwd|secret_key|secretkey|access_key|accesskey|client_secret|storage_account_key|api[_-]?key|token)["' ]*[:=] *["']?(?!\$\{)[A-Za-z0-9/+_.-]{6,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|"private_key"/i;

describe('dist/ holds no credentials (it is committed to git)', () => {
  const all = files(DIST);

  test('the scan covers every synthesized file', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  test.each(all.map((f) => [f.slice(DIST.length + 1), f]))(
    '%s has no credential-looking value',
    (_rel, file) => {
      const hits = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => CREDENTIAL.test(line) && !line.includes('secretKeyRef'));
      expect(hits).toEqual([]);
    },
  );

  test('no Secret objects are written; credentials are referenced by name only', () => {
    for (const file of all) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8')))
        expect(doc.get('kind')).not.toBe('Secret');
    }
  });

  test('the scanner itself catches what it should', () => {
    for (const bad of [
      'access_key: minio123456',
      'secret_key: "wJalrXUtnFEMI/K7MDENG"',
      'AKIAIOSFODNN7EXAMPLE',
      'storage_account_key: abcdefgh==',
      '-----BEGIN RSA PRIVATE KEY-----',
    ]) {
      expect(CREDENTIAL.test(bad)).toBe(true);
    }
    for (const good of [
      'access_key: ${TEMPO_S3_ACCESS_KEY_ID}',
      'secret_key: ${TEMPO_S3_SECRET_ACCESS_KEY}',
      'key: AWS_SECRET_ACCESS_KEY',
    ]) {
      expect(CREDENTIAL.test(good)).toBe(false);
    }
  });
});
