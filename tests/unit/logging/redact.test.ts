/** Secrets never reach a log line or a stored output, whatever their length or shape. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SecretBag } from '../../../src-main/hooks/secrets';
import { createLogger, redactText, registerSecret } from '../../../src-main/logging';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, log: createLogger('info', stream) };
}

describe('redactText', () => {
  it('redacts a registered secret of any length, even one character, raw, URL-encoded and JSON-escaped', () => {
    registerSecret('connection password', 'Zq');
    registerSecret('connection password', 'p@ss "w"/1');
    expect(redactText('pw=Zq!')).toBe('pw=[redacted:connection password]!');
    expect(redactText('postgres://app:p%40ss%20%22w%22%2F1@db/x')).toBe('postgres://app:[redacted:connection password]@db/x');
    expect(redactText(JSON.stringify({ out: 'p@ss "w"/1' }))).toBe('{"out":"[redacted:connection password]"}');
  });

  it('redacts the password of any URL and of libpq keyword strings, even unknown ones', () => {
    expect(redactText('could not connect to postgresql://svc:Unknown-9@10.0.0.5:5432/app')).toBe('could not connect to postgresql://svc:[redacted]@10.0.0.5:5432/app');
    expect(redactText("host=db user=app password='a b c' dbname=x")).toBe('host=db user=app password=[redacted] dbname=x');
    expect(redactText('host=db password=s3cr3t dbname=x')).toBe('host=db password=[redacted] dbname=x');
  });

  it('redacts PGPASSWORD and the password of DATABASE_URL from the environment', () => {
    const env = { PGPASSWORD: 'envpw', DATABASE_URL: 'postgres://u:url%2Fpw@h/db' };
    expect(redactText('a envpw b url/pw c', undefined, env)).toBe('a [redacted:PGPASSWORD] b [redacted:DATABASE_URL password] c');
  });

  it('leaves text without secrets alone', () => {
    expect(redactText('CREATE INDEX CONCURRENTLY orders_created_at ON orders (created_at)')).toBe('CREATE INDEX CONCURRENTLY orders_created_at ON orders (created_at)');
  });
});

describe('SecretBag', () => {
  it('redacts a three-character secret resolved from ${env:…} (it used to be kept below four)', () => {
    const bag = new SecretBag();
    bag.add('API_KEY', 'k9x');
    expect(bag.redact('Authorization: k9x')).toBe('Authorization: [redacted:API_KEY]');
    expect(bag.redact(null)).toBeNull();
  });
});

describe('the logger', () => {
  it('redacts secrets inside messages, nested fields and errors, not only known keys', () => {
    registerSecret('connection password', 'Log-Secret-77');
    const { lines, log } = capture();
    log.warn({ detail: { note: 'tried Log-Secret-77' }, err: new Error('auth failed for Log-Secret-77'), password: 'x' }, 'retrying with Log-Secret-77');
    log.error('postgres://u:Other-Pw@h/db refused');
    const text = lines.join('');
    expect(text).not.toContain('Log-Secret-77');
    expect(text).not.toContain('Other-Pw');
    const first = JSON.parse(lines[0]!) as { msg: string; detail: { note: string }; err: { message: string }; password: string };
    expect(first.msg).toBe('retrying with [redacted:connection password]');
    expect(first.detail.note).toBe('tried [redacted:connection password]');
    expect(first.err.message).toBe('auth failed for [redacted:connection password]');
    expect(first.password).toBe('[redacted]');
  });
});
