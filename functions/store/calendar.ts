/** The administrator-kept holiday calendar (节假日安排) on DynamoDB (the CalendarStore port). */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CalendarStore } from '../core/ports';
import type { CalendarYear } from '../core/workdays';
import type { TableClient } from './client';
import { ATTR, CALENDAR_PARTITION, calendarYearKey, ITEM_TYPES } from './table';

export class DynamoCalendarStore implements CalendarStore {
  constructor(private readonly t: TableClient) {}

  async list() {
    const items = await this.t.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': CALENDAR_PARTITION } });
    return items.map((i) => ({ year: String(i.year), calendar: i.calendar as CalendarYear, updatedAt: String(i.updatedAt), updatedBy: String(i.updatedBy) }));
  }

  async put(year: string, calendar: CalendarYear, at: string, by: string) {
    await this.t.db.send(new PutCommand({ TableName: this.t.table, Item: { ...calendarYearKey(year), [ATTR.type]: ITEM_TYPES.calendarYear, year, calendar, updatedAt: at, updatedBy: by } }));
  }
}
