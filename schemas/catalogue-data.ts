/**
 * The shipped reference data of the permit catalogue: the items, the standard scope terms and the
 * department directory (schemas/catalogue/*.json, each naming its edition), parsed once on first
 * use so that a bad edit fails loudly instead of routing a notice wrongly.
 */
import departmentsJson from './catalogue/departments.json' with { type: 'json' };
import { CatalogueFile, DepartmentDirectory, ScopeTermFile } from './catalogue';
import { shippedData } from './data-files';

export interface ShippedCatalogue {
  catalogue: CatalogueFile;
  terms: ScopeTermFile;
  departments: DepartmentDirectory;
}

let shipped: ShippedCatalogue | undefined;

export function shippedCatalogue(): ShippedCatalogue {
  shipped ??= {
    catalogue: CatalogueFile.parse(shippedData('catalogue/items.json')),
    terms: ScopeTermFile.parse(shippedData('catalogue/scope-terms.json')),
    departments: DepartmentDirectory.parse(departmentsJson),
  };
  return shipped;
}
