import { SYNC_OF } from './005-search'
import type { Migration } from './migration'

/**
 * The relay's mark-sent step, cheaper (issue 14's drain profile).
 *
 * 005's `outbox_facets_update` ran three UPDATEs of `order_facets` for every
 * outbox row whose status changed: subtract the old status, add the new one,
 * then recompute `sync`. Marking a batch of 100 events sent spent about two
 * thirds of its CPU there. An event never moves to another order in practice,
 * so for that case one UPDATE applies the deltas and derives `sync` from the
 * new counts in the same statement (SET expressions see the row's old values,
 * so the new counts are written out in the CASE). It runs only when the status
 * or the discard mark really changed. The general body stays for an event
 * whose aggregate_id changes, so the facets stay right for any writer.
 *
 * `sync` must mean what 005's SYNC_OF says: dead (live → attention, else
 * discarded), then pending → waiting, else sent. The test for this migration
 * replays status changes and compares with a recount from the outbox.
 */
const D_PENDING = `((new.status = 'pending') - (old.status = 'pending'))`
const D_DEAD = `((new.status = 'dead') - (old.status = 'dead'))`
const D_LIVE = `((new.status = 'dead' AND new.discarded_at IS NULL) - (old.status = 'dead' AND old.discarded_at IS NULL))`

export const migration008: Migration = {
  version: 8,
  name: 'one facets update per outbox status change',
  up: `
    DROP TRIGGER outbox_facets_update;
    CREATE TRIGGER outbox_facets_update_same AFTER UPDATE OF status, discarded_at, aggregate_id ON outbox
      WHEN old.aggregate_id = new.aggregate_id
        AND (old.status IS NOT new.status OR old.discarded_at IS NOT new.discarded_at) BEGIN
      UPDATE order_facets SET
        pending = pending + ${D_PENDING},
        dead = dead + ${D_DEAD},
        live_dead = live_dead + ${D_LIVE},
        sync = CASE
          WHEN dead + ${D_DEAD} > 0 THEN CASE WHEN live_dead + ${D_LIVE} > 0 THEN 'attention' ELSE 'discarded' END
          WHEN pending + ${D_PENDING} > 0 THEN 'waiting'
          ELSE 'sent' END
        WHERE order_id = new.aggregate_id;
    END;
    CREATE TRIGGER outbox_facets_update_moved AFTER UPDATE OF status, discarded_at, aggregate_id ON outbox
      WHEN old.aggregate_id IS NOT new.aggregate_id BEGIN
      UPDATE order_facets SET pending = pending - (old.status = 'pending'), dead = dead - (old.status = 'dead'),
        live_dead = live_dead - (old.status = 'dead' AND old.discarded_at IS NULL)
        WHERE order_id = old.aggregate_id;
      UPDATE order_facets SET pending = pending + (new.status = 'pending'), dead = dead + (new.status = 'dead'),
        live_dead = live_dead + (new.status = 'dead' AND new.discarded_at IS NULL)
        WHERE order_id = new.aggregate_id;
      UPDATE order_facets SET sync = ${SYNC_OF('order_facets')} WHERE order_id IN (old.aggregate_id, new.aggregate_id);
    END;
  `,
}
