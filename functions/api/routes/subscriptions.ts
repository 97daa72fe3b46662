/** Subscriptions (订阅) and their webhook signing secrets. */
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, retirePreviousSecret, rotateSecret, STRICT_WEBHOOKS, updateSubscription } from '../../core/subscriptions';
import { jsonBody, type RouteModule } from '../http';

export const handlers: RouteModule<'subscriptions'>['handlers'] = ({ ports, options }) => {
  const webhooks = options.webhookPolicy ?? STRICT_WEBHOOKS;
  return {
    createSubscription: async (c) => c.json(await createSubscription(ports, c.get('client'), await jsonBody(c), webhooks, options.subscriptions), 201),
    listSubscriptions: async (c) => c.json({ items: await listSubscriptions(ports, c.get('client')) }),
    getSubscription: async (c) => c.json(await getSubscription(ports, c.get('client'), c.req.param('id') ?? '')),
    updateSubscription: async (c) => c.json(await updateSubscription(ports, c.get('client'), c.req.param('id') ?? '', await jsonBody(c), webhooks)),
    deleteSubscription: async (c) => {
      await deleteSubscription(ports, c.get('client'), c.req.param('id') ?? '');
      return c.body(null, 204);
    },
    rotateSecret: async (c) => c.json(await rotateSecret(ports, c.get('client'), c.req.param('id') ?? '', c.req.header('content-type') ? await jsonBody(c) : {})),
    retirePreviousSecret: async (c) => c.json(await retirePreviousSecret(ports, c.get('client'), c.req.param('id') ?? '')),
  };
};
