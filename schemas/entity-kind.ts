/**
 * Kind of market entity from characters 1-2 of a unified social credit code (GB 32100-2015).
 * Kept apart from the credit code schema so that modules bundled without zod can use it.
 */
export type EntityKind = 'enterprise' | 'individual-business' | 'farmers-cooperative' | 'other';

export function entityKind(code: string): EntityKind {
  switch (code.slice(0, 2)) {
    case '91':
      return 'enterprise';
    case '92':
      return 'individual-business';
    case '93':
      return 'farmers-cooperative';
    default:
      return 'other';
  }
}
