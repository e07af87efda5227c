import { createRequire } from 'node:module';

/**
 * Makes dynalite's item writes crash-atomic on disk.
 *
 * Why: dynalite 4 writes an item's secondary-index entries and the item itself as separate
 * LevelDB writes (index deletes, then index puts, then the item; see `updateIndexes` and the
 * put/update/delete actions in `dynalite/db` and `dynalite/actions`). A process killed between
 * them leaves the index disagreeing with the item: the kill/rerun test found frontier URLs still
 * `queued` in their item but gone from the gsi1 `PENDING` partition (so never recovered), and
 * index entries for items that were never written. LevelDB batches are atomic (one log record),
 * so here the index changes are held back and written in the same batch as the item.
 *
 * How: `updateIndexes` (looked up on the shared `db` module at every call) is replaced by one
 * that computes the same index operations (dynalite's own `getIndexActions`), parks them on the
 * table's item store and calls back at once; the action then calls `itemDb.put`/`itemDb.del`
 * synchronously in that callback (under dynalite's per-key lock), which is patched to write the
 * parked operations and the item in one `batch`. Key prefixes are dynalite's: `item-<table>~`
 * and `index-<local|global>~<table>~<index>~` on the one LevelDB.
 *
 * Applied once per process, on import; only affects dynalite (the embedded store and tests).
 */

type Callback = (error?: unknown) => void;
interface BatchOp {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}
interface SubDb {
  put(key: string, value: unknown, cb: Callback): void;
  del(key: string, cb: Callback): void;
  pendingIndexOps?: BatchOp[];
  atomicPatched?: boolean;
}
interface Store {
  db: { batch(ops: BatchOp[], cb: Callback): void };
  getItemDb(tableName: string): SubDb;
}
interface TableDescription {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}
interface IndexActions {
  puts: { index: string; key: string; item: unknown }[];
  deletes: { index: string; key: string }[];
}
interface DynaliteDbModule {
  updateIndexes(
    store: Store,
    table: TableDescription,
    existingItem: unknown,
    item: unknown,
    cb: Callback,
  ): void;
  getIndexActions(
    indexes: unknown[],
    existingItem: unknown,
    item: unknown,
    table: TableDescription,
  ): IndexActions;
  atomicWritesPatched?: boolean;
}

const require = createRequire(import.meta.url);
const dynaliteDb = require('dynalite/db/index.js') as DynaliteDbModule;

if (!dynaliteDb.atomicWritesPatched) {
  dynaliteDb.atomicWritesPatched = true;
  dynaliteDb.updateIndexes = (store, table, existingItem, item, cb) => {
    if (!existingItem && !item) return cb();
    const ops: BatchOp[] = [];
    for (const kind of ['Local', 'Global'] as const) {
      const indexes = (kind === 'Local' ? table.LocalSecondaryIndexes : table.GlobalSecondaryIndexes) ?? [];
      const actions = dynaliteDb.getIndexActions(indexes, existingItem, item, table);
      const prefix = (index: string) => `index-${kind.toLowerCase()}~${table.TableName}~${index}~`;
      for (const d of actions.deletes) ops.push({ type: 'del', key: prefix(d.index) + d.key });
      for (const p of actions.puts) ops.push({ type: 'put', key: prefix(p.index) + p.key, value: p.item });
    }
    const itemDb = store.getItemDb(table.TableName);
    patchItemDb(store, itemDb, table.TableName);
    itemDb.pendingIndexOps = ops;
    cb();
  };
}

function patchItemDb(store: Store, itemDb: SubDb, tableName: string): void {
  if (itemDb.atomicPatched) return;
  itemDb.atomicPatched = true;
  const put = itemDb.put.bind(itemDb);
  const del = itemDb.del.bind(itemDb);
  const itemKey = (key: string) => `item-${tableName}~${key}`;
  const takeOps = () => {
    const ops = itemDb.pendingIndexOps ?? [];
    itemDb.pendingIndexOps = undefined;
    return ops;
  };
  itemDb.put = (key, value, cb) => {
    const ops = takeOps();
    if (ops.length === 0) return put(key, value, cb);
    store.db.batch([...ops, { type: 'put', key: itemKey(key), value }], cb);
  };
  itemDb.del = (key, cb) => {
    const ops = takeOps();
    if (ops.length === 0) return del(key, cb);
    store.db.batch([...ops, { type: 'del', key: itemKey(key) }], cb);
  };
}
