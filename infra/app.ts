/** CDK app: bundles the functions, then defines the stack. `npm run synth` (works offline). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildFunctions } from '../scripts/build';
import { ExchangeStack } from './stack';

await buildFunctions('dist');
const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
new ExchangeStack(app, 'EnterpriseDataExchange', {
  assetsDir: 'dist',
  // The API key marker: `npx cdk deploy -c environment=test` for a second deployment beside production.
  environment: String(app.node.tryGetContext('environment') ?? 'prod'),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'cn-north-1' },
});
app.synth();
