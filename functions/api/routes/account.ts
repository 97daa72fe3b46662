/** Who the calling client is. */
import type { RouteModule } from '../http';

export const handlers: RouteModule<'account'>['handlers'] = () => ({
  me: (c) => {
    const { clientId, department, name, scopes } = c.get('client');
    return c.json({ clientId, department, name, scopes });
  },
});
