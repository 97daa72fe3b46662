/** Reads table items off the stream: which entity changed, as the fan-out core understands it. */
import type { CatalogueChange, ChangedEntity } from '../core/model';
import { strip, type Item } from './client';
import { toNotification } from './notifications';
import { toTask } from './plans';
import { toVersion } from './records';
import { toDirectedEvent } from './credit';
import type { CreditChange } from '../../schemas/credit';
import { ATTR, ITEM_TYPES } from './table';

export function entityFromItem(item: Item | undefined): ChangedEntity | undefined {
  if (!item) return undefined;
  if (item[ATTR.type] === ITEM_TYPES.recordVersion) return { type: 'record-version', value: toVersion(item) };
  if (item[ATTR.type] === ITEM_TYPES.notification) return { type: 'notification', value: toNotification(item) };
  if (item[ATTR.type] === ITEM_TYPES.inspectionTask) return { type: 'inspection-task', value: toTask(item) };
  if (item[ATTR.type] === ITEM_TYPES.creditChange) return { type: 'credit-change', value: strip<CreditChange>(item) };
  if (item[ATTR.type] === ITEM_TYPES.directedEvent) return { type: 'directed-event', value: toDirectedEvent(item) };
  if (item[ATTR.type] === ITEM_TYPES.catalogueChange) return { type: 'catalogue-change', value: strip<CatalogueChange>(item) };
  return { type: 'other' };
}
