/** The SecretBox port on AWS KMS: the api encrypts with the key, only the deliver function may decrypt. */
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { SecretBox } from '../core/ports';

const KMS = 'kms';

export class KmsSecretBox implements SecretBox {
  constructor(
    private readonly keyId: string,
    private readonly kms = new KMSClient({ maxAttempts: 3 }),
  ) {}

  private context = (context: string) => ({ purpose: 'webhook-secret', subscription: context });

  async seal(plain: string, context: string) {
    const out = await this.kms.send(new EncryptCommand({ KeyId: this.keyId, Plaintext: Buffer.from(plain), EncryptionContext: this.context(context) }));
    if (!out.CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return `${KMS}.${Buffer.from(out.CiphertextBlob).toString('base64url')}`;
  }

  async open(sealed: string, context: string) {
    const [kind, blob] = sealed.split('.');
    if (kind !== KMS || !blob) throw new Error('not a secret sealed by KMS');
    const out = await this.kms.send(new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(blob, 'base64url'), EncryptionContext: this.context(context) }));
    if (!out.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(out.Plaintext).toString('utf8');
  }
}
