/** The SecretBox port on AWS KMS: the api encrypts with the key, only the deliver function may decrypt. */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SecretBox } from '../core/ports';

const KMS = 'kms';

// The KMS client is loaded on first use (a chunk of its own): the api seals a secret only when a
// subscription's webhook is written, so its cold start does not pay for the client.
const kmsModule = () => import('@aws-sdk/client-kms');

export class KmsSecretBox implements SecretBox {
  private client: Promise<KMSClient> | undefined;

  constructor(
    private readonly keyId: string,
    kms?: KMSClient,
  ) {
    if (kms) this.client = Promise.resolve(kms);
  }

  private kms() {
    return (this.client ??= kmsModule().then(({ KMSClient }) => new KMSClient({ maxAttempts: 3 })));
  }

  private context = (context: string) => ({ purpose: 'webhook-secret', subscription: context });

  async seal(plain: string, context: string) {
    const [kms, { EncryptCommand }] = await Promise.all([this.kms(), kmsModule()]);
    const out = await kms.send(new EncryptCommand({ KeyId: this.keyId, Plaintext: Buffer.from(plain), EncryptionContext: this.context(context) }));
    if (!out.CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return `${KMS}.${Buffer.from(out.CiphertextBlob).toString('base64url')}`;
  }

  async open(sealed: string, context: string) {
    const [kind, blob] = sealed.split('.');
    if (kind !== KMS || !blob) throw new Error('not a secret sealed by KMS');
    const [kms, { DecryptCommand }] = await Promise.all([this.kms(), kmsModule()]);
    const out = await kms.send(new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(blob, 'base64url'), EncryptionContext: this.context(context) }));
    if (!out.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(out.Plaintext).toString('utf8');
  }
}
