/**
 * Webhook signing secrets at rest (the SecretBox port). On AWS they are sealed with a KMS key
 * (kms-secret-box.ts) that only the deliver function may decrypt with; locally with AES-256-GCM
 * under a key kept in `.data/`. Each sealed secret is bound to its subscription (KMS encryption
 * context, GCM additional data), so a sealed value copied to another subscription does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SecretBox } from '../core/ports';

const LOCAL = 'aes';

export class AesGcmSecretBox implements SecretBox {
  constructor(private readonly key: Buffer = randomBytes(32)) {
    if (key.length !== 32) throw new Error('the local secret key must be 32 bytes');
  }

  async seal(plain: string, context: string) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [LOCAL, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  async open(sealed: string, context: string) {
    const [kind, iv, tag, body] = sealed.split('.');
    if (kind !== LOCAL || !iv || !tag || body === undefined) throw new Error('not a secret sealed by the local key');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** The local key, made on first use and readable by this user only. */
export function fileSecretBox(path: string): AesGcmSecretBox {
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
  chmodSync(path, 0o600);
  return new AesGcmSecretBox(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'));
}
