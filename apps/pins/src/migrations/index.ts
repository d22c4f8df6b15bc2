import type { SchemaContents } from '@tessera/database';
import { MessagingTablesV11795300000000 } from '@tessera/messaging';
import { KnownApiKeyTables1795800000000 } from '@tessera/service-runtime';
import { ProtectedDomainTable1795800000001 } from './1795800000001-protected-domain-table';
import { PinConfigTables1795800000002 } from './1795800000002-pin-config-tables';
import { PinRotationTables1795800000003 } from './1795800000003-pin-rotation-tables';
import { PinViolationTable1795800000004 } from './1795800000004-pin-violation-table';
import { PinViolationReceivedIndex1795800000005 } from './1795800000005-pin-violation-received-index';

/** The pins schema: its entities and committed migrations, oldest first. Run at startup, or with `main.js migrate`. */
export const pinsSchema: SchemaContents = {
  entities: [],
  migrations: [
    MessagingTablesV11795300000000,
    KnownApiKeyTables1795800000000,
    ProtectedDomainTable1795800000001,
    PinConfigTables1795800000002,
    PinRotationTables1795800000003,
    PinViolationTable1795800000004,
    PinViolationReceivedIndex1795800000005,
  ],
};
