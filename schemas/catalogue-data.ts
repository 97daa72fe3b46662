/**
 * The shipped reference data of the permit catalogue: the items, the standard scope terms and the
 * department directory (schemas/catalogue/*.json, each naming its edition), parsed once on first
 * use so that a bad edit fails loudly instead of routing a notice wrongly.
 */
import departmentsJson from './catalogue/departments.json' with { type: 'json' };
import itemsJson from './catalogue/items.json' with { type: 'json' };
import termsJson from './catalogue/scope-terms.json' with { type: 'json' };
import { CatalogueFile, DepartmentDirectory, ScopeTermFile } from './catalogue';

export interface ShippedCatalogue {
  catalogue: CatalogueFile;
  terms: ScopeTermFile;
  departments: DepartmentDirectory;
}

let shipped: ShippedCatalogue | undefined;

export function shippedCatalogue(): ShippedCatalogue {
  shipped ??= {
    catalogue: CatalogueFile.parse(itemsJson),
    terms: ScopeTermFile.parse(termsJson),
    departments: DepartmentDirectory.parse(departmentsJson),
  };
  return shipped;
}
