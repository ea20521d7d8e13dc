import GRDB

/// The schema, as an ordered list of migrations. A migration that has
/// shipped is never edited: a change is a new migration appended here.
enum StoreMigrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createSchemaV1)
        migrator.registerMigration("v2 low-stock figures index", migrate: indexLowStockFigures)
        migrator.registerMigration("v3 product counts by status", migrate: countProductsByStatus)
        migrator.registerMigration("v4 payment attempts, hold lifetime, scoped checkout keys", migrate: claimPaymentsAndBoundHolds)
        migrator.registerMigration("v5 audit by actor and action", migrate: indexAuditByActorAndAction)
        migrator.registerMigration("v6 idempotent replies", migrate: keepIdempotentReplies)
        migrator.registerMigration("v7 stock takes", migrate: draftStockTakes)
        migrator.registerMigration("v8 outbox and webhooks", migrate: createOutboxAndWebhooks)
        migrator.registerMigration("v9 no sort indexes on columns every checkout writes", migrate: dropHotSortIndexes)
        migrator.registerMigration("v10 node heartbeats", migrate: createNodeHeartbeats)
        return migrator
    }

    private static func createSchemaV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE store_revision (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                catalog INTEGER NOT NULL DEFAULT 0,
                stock INTEGER NOT NULL DEFAULT 0,
                orders INTEGER NOT NULL DEFAULT 0,
                users INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO store_revision (id) VALUES (1);

            CREATE TABLE product (
                id INTEGER PRIMARY KEY,
                sku TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
                name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 200),
                description TEXT NOT NULL DEFAULT '',
                price INTEGER NOT NULL CHECK (price >= 0),
                currency TEXT NOT NULL CHECK (length(currency) = 3),
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
                reorder_point INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
                on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
                -- The sum of every hold row, expired or not: readers subtract
                -- expired holds, writers release them before deciding.
                held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
                allocated INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0),
                version INTEGER NOT NULL DEFAULT 1,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                CHECK (on_hand >= held + allocated)
            );
            CREATE INDEX product_by_name ON product (name);
            CREATE INDEX product_by_on_hand ON product (on_hand);
            CREATE INDEX product_by_held ON product (held);
            CREATE INDEX product_by_allocated ON product (allocated);
            CREATE INDEX product_by_available ON product (on_hand - held - allocated);
            CREATE INDEX product_by_reorder_point ON product (reorder_point);
            CREATE INDEX product_by_price ON product (price);
            CREATE INDEX product_by_status ON product (status);
            CREATE INDEX product_by_updated_at ON product (updated_at);
            CREATE INDEX product_low_stock ON product (sku)
                WHERE on_hand - held - allocated <= reorder_point;

            CREATE VIRTUAL TABLE product_fts USING fts5 (
                sku, name, content = 'product', content_rowid = 'id',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER product_fts_insert AFTER INSERT ON product BEGIN
                INSERT INTO product_fts (rowid, sku, name) VALUES (new.id, new.sku, new.name);
            END;
            CREATE TRIGGER product_fts_delete AFTER DELETE ON product BEGIN
                INSERT INTO product_fts (product_fts, rowid, sku, name) VALUES ('delete', old.id, old.sku, old.name);
            END;
            CREATE TRIGGER product_fts_update AFTER UPDATE OF sku, name ON product BEGIN
                INSERT INTO product_fts (product_fts, rowid, sku, name) VALUES ('delete', old.id, old.sku, old.name);
                INSERT INTO product_fts (rowid, sku, name) VALUES (new.id, new.sku, new.name);
            END;

            CREATE TABLE stock_movement (
                id INTEGER PRIMARY KEY,
                product_id INTEGER NOT NULL REFERENCES product (id),
                delta INTEGER NOT NULL CHECK (delta != 0),
                reason TEXT NOT NULL CHECK (reason IN ('received', 'correction', 'cycle_count', 'damaged', 'shrinkage', 'return', 'sale')),
                actor TEXT NOT NULL,
                reference TEXT,
                on_hand_after INTEGER NOT NULL CHECK (on_hand_after >= 0),
                created_at INTEGER NOT NULL
            );
            CREATE INDEX stock_movement_by_product ON stock_movement (product_id, id);

            CREATE TABLE user (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
                display_name TEXT NOT NULL COLLATE NOCASE CHECK (length(display_name) BETWEEN 1 AND 100),
                role TEXT NOT NULL CHECK (role IN ('customer', 'viewer', 'operator', 'admin')),
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
                password_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                last_login_at INTEGER
            );
            CREATE INDEX user_by_name ON user (display_name);
            CREATE INDEX user_by_role ON user (role);
            CREATE INDEX user_by_status ON user (status);
            CREATE INDEX user_by_last_login ON user (ifnull(last_login_at, 0));
            CREATE INDEX user_by_created_at ON user (created_at);

            CREATE VIRTUAL TABLE user_fts USING fts5 (
                email, display_name, content = 'user', content_rowid = 'id',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER user_fts_insert AFTER INSERT ON user BEGIN
                INSERT INTO user_fts (rowid, email, display_name) VALUES (new.id, new.email, new.display_name);
            END;
            CREATE TRIGGER user_fts_delete AFTER DELETE ON user BEGIN
                INSERT INTO user_fts (user_fts, rowid, email, display_name) VALUES ('delete', old.id, old.email, old.display_name);
            END;
            CREATE TRIGGER user_fts_update AFTER UPDATE OF email, display_name ON user BEGIN
                INSERT INTO user_fts (user_fts, rowid, email, display_name) VALUES ('delete', old.id, old.email, old.display_name);
                INSERT INTO user_fts (rowid, email, display_name) VALUES (new.id, new.email, new.display_name);
            END;

            CREATE TABLE api_token (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES user (id),
                token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            CREATE INDEX api_token_by_user ON api_token (user_id);

            CREATE TABLE cart (
                id TEXT PRIMARY KEY,
                customer_id INTEGER REFERENCES user (id),
                status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'checked_out')),
                currency TEXT NOT NULL,
                order_id INTEGER REFERENCES shop_order (id),
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE cart_line (
                cart_id TEXT NOT NULL REFERENCES cart (id),
                product_id INTEGER NOT NULL REFERENCES product (id),
                quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 999),
                added_at INTEGER NOT NULL,
                PRIMARY KEY (cart_id, product_id)
            ) WITHOUT ROWID;

            CREATE TABLE stock_hold (
                cart_id TEXT NOT NULL REFERENCES cart (id),
                product_id INTEGER NOT NULL REFERENCES product (id),
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (cart_id, product_id)
            ) WITHOUT ROWID;
            CREATE INDEX stock_hold_by_product ON stock_hold (product_id, expires_at);
            CREATE INDEX stock_hold_by_expiry ON stock_hold (expires_at);

            CREATE TABLE shop_order (
                id INTEGER PRIMARY KEY,
                status TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
                customer_id INTEGER REFERENCES user (id),
                email TEXT NOT NULL,
                currency TEXT NOT NULL,
                item_count INTEGER NOT NULL CHECK (item_count > 0),
                subtotal INTEGER NOT NULL CHECK (subtotal >= 0),
                total INTEGER NOT NULL CHECK (total >= 0),
                ship_name TEXT NOT NULL,
                ship_line1 TEXT NOT NULL,
                ship_line2 TEXT,
                ship_city TEXT NOT NULL,
                ship_postal_code TEXT NOT NULL,
                ship_country TEXT NOT NULL,
                payment_reference TEXT,
                cart_id TEXT UNIQUE,
                idempotency_key TEXT UNIQUE,
                placed_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX shop_order_by_status ON shop_order (status);
            CREATE INDEX shop_order_by_email ON shop_order (email);
            CREATE INDEX shop_order_by_customer ON shop_order (customer_id);
            CREATE INDEX shop_order_by_items ON shop_order (item_count);
            CREATE INDEX shop_order_by_total ON shop_order (total);
            CREATE INDEX shop_order_by_placed_at ON shop_order (placed_at);

            CREATE TABLE order_line (
                order_id INTEGER NOT NULL REFERENCES shop_order (id),
                line_number INTEGER NOT NULL,
                product_id INTEGER NOT NULL REFERENCES product (id),
                sku TEXT NOT NULL,
                name TEXT NOT NULL,
                unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                line_total INTEGER NOT NULL CHECK (line_total >= 0),
                PRIMARY KEY (order_id, line_number)
            ) WITHOUT ROWID;
            CREATE INDEX order_line_by_product ON order_line (product_id);

            CREATE TABLE order_event (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES shop_order (id),
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                event TEXT NOT NULL,
                from_status TEXT,
                to_status TEXT NOT NULL,
                note TEXT
            );
            CREATE INDEX order_event_by_order ON order_event (order_id, id);

            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                actor_id INTEGER,
                action TEXT NOT NULL,
                target_type TEXT NOT NULL,
                target_id TEXT NOT NULL,
                summary TEXT NOT NULL
            );

            CREATE TABLE store_setting (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// A second partial index over the low-stock rows carries every column
    /// the low-stock test and the status filter read, so counting low SKUs
    /// (the console's header, the summary) never visits the table: 33–59 ms
    /// instead of 220 ms for the 87,000 low SKUs of a million-product store.
    /// The listing keeps `product_low_stock`, led by sku: given one index for
    /// both, the planner walks the whole sku index on a fresh store.
    private static func indexLowStockFigures(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX product_low_stock_figures ON product (status, on_hand, held, allocated, reorder_point)
                WHERE on_hand - held - allocated <= reorder_point;
            """)
    }

    /// How many products each status has, kept by triggers, so the count
    /// of a whole catalog (the console's header, an unfiltered list's total)
    /// is one row read instead of a scan of a million index entries. A bulk
    /// load drops `*_insert` triggers (this one cost 12 µs a row: seeding a
    /// million products went from 30,000/s to 22,000/s) and recounts after
    /// (`SQLiteShopStore.recountProductsByStatus`). `check` verifies the counts.
    private static func countProductsByStatus(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE product_status_count (
                status TEXT PRIMARY KEY,
                products INTEGER NOT NULL CHECK (products >= 0)
            ) WITHOUT ROWID;
            INSERT INTO product_status_count (status, products)
                SELECT status, COUNT(*) FROM product GROUP BY status;
            CREATE TRIGGER product_count_insert AFTER INSERT ON product BEGIN
                INSERT INTO product_status_count (status, products) VALUES (NEW.status, 1)
                    ON CONFLICT (status) DO UPDATE SET products = products + 1;
            END;
            CREATE TRIGGER product_recounted AFTER UPDATE OF status ON product WHEN OLD.status IS NOT NEW.status BEGIN
                UPDATE product_status_count SET products = products - 1 WHERE status = OLD.status;
                INSERT INTO product_status_count (status, products) VALUES (NEW.status, 1)
                    ON CONFLICT (status) DO UPDATE SET products = products + 1;
            END;
            CREATE TRIGGER product_uncounted AFTER DELETE ON product BEGIN
                UPDATE product_status_count SET products = products - 1 WHERE status = OLD.status;
            END;
            """)
    }

    /// Exactly-once payment and bounded holds.
    ///
    /// - `payment_attempt`: a charge is claimed here before the provider is
    ///   called; the partial unique index allows one open (pending or
    ///   succeeded) attempt per order, so concurrent pays cannot both charge.
    /// - `cart.first_hold_at`: every hold of a cart ends at most a set time
    ///   after its first one, however often its lines are put again.
    /// - `shop_order.checkout_key`: the idempotency key of the checkout that
    ///   placed the order, scoped to its cart (one order per cart). The v1
    ///   column `idempotency_key` was unique across carts; it is no longer
    ///   written (dropping it would rebuild the table).
    private static func claimPaymentsAndBoundHolds(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE payment_attempt (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES shop_order (id),
                sequence INTEGER NOT NULL CHECK (sequence >= 1),
                idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
                amount INTEGER NOT NULL CHECK (amount >= 0),
                currency TEXT NOT NULL CHECK (length(currency) = 3),
                state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'declined', 'abandoned')),
                lease_until INTEGER NOT NULL,
                provider_reference TEXT,
                failure TEXT,
                started_at INTEGER NOT NULL,
                settled_at INTEGER,
                UNIQUE (order_id, sequence),
                CHECK (state != 'succeeded' OR provider_reference IS NOT NULL)
            );
            CREATE UNIQUE INDEX payment_attempt_open ON payment_attempt (order_id) WHERE state IN ('pending', 'succeeded');
            CREATE INDEX payment_attempt_pending ON payment_attempt (lease_until) WHERE state = 'pending';
            ALTER TABLE cart ADD COLUMN first_hold_at INTEGER;
            ALTER TABLE shop_order ADD COLUMN checkout_key TEXT;
            """)
    }

    /// The console's audit pane filters by actor and by action, newest
    /// first: each filter reads its own index in id order instead of the
    /// whole log.
    private static func indexAuditByActorAndAction(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
            CREATE INDEX audit_log_by_action ON audit_log (action, id);
            """)
    }

    /// The reply to a batch request sent with an `Idempotency-Key`, kept
    /// with the batch's writes (same transaction) so a retry gets it again
    /// instead of writing twice. Kept a day.
    private static func keepIdempotentReplies(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE idempotent_reply (
                actor TEXT NOT NULL,
                key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
                fingerprint TEXT NOT NULL,
                status INTEGER NOT NULL,
                body BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (actor, key)
            ) WITHOUT ROWID;
            CREATE INDEX idempotent_reply_by_age ON idempotent_reply (created_at);
            """)
    }

    /// Stock takes in progress, kept as drafts so a console that crashes
    /// loses no count; committed or discarded ones are deleted.
    private static func draftStockTakes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE stock_take (
                -- Never reused: ledger rows name the take by its id.
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                actor TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX stock_take_by_actor ON stock_take (actor);
            CREATE TABLE stock_take_line (
                take_id INTEGER NOT NULL REFERENCES stock_take (id) ON DELETE CASCADE,
                product_id INTEGER NOT NULL REFERENCES product (id),
                expected INTEGER NOT NULL CHECK (expected >= 0),
                counted INTEGER NOT NULL CHECK (counted >= 0),
                scans INTEGER NOT NULL CHECK (scans >= 0),
                last_scanned_at INTEGER NOT NULL,
                needs_recount INTEGER NOT NULL DEFAULT 0 CHECK (needs_recount IN (0, 1)),
                PRIMARY KEY (take_id, product_id)
            ) WITHOUT ROWID;
            """)
    }

    private static func createOutboxAndWebhooks(_ db: Database) throws {
        try db.execute(sql: """
            -- Domain events, each written with its change. Ids are never
            -- reused: subscriptions remember how far they have read.
            CREATE TABLE outbox_event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                resource_type TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                payload TEXT NOT NULL
            );
            CREATE TABLE webhook_subscription (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                url TEXT NOT NULL,
                events TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                secret TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
                disabled_reason TEXT,
                failing_since INTEGER,
                -- The last outbox event offered to this subscription.
                cursor INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE webhook_delivery (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                subscription_id INTEGER NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
                event_id INTEGER NOT NULL REFERENCES outbox_event (id) ON DELETE CASCADE,
                -- Deliveries with one key reach their subscription in event order.
                resource_key TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                -- A sender holds a claimed delivery until then; after a crash
                -- it becomes due again (at least once).
                lease_until INTEGER NOT NULL DEFAULT 0,
                last_attempt_at INTEGER,
                last_status_code INTEGER,
                last_error TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX webhook_delivery_in_order ON webhook_delivery (subscription_id, resource_key, event_id) WHERE status = 'pending';
            CREATE INDEX webhook_delivery_failed ON webhook_delivery (subscription_id) WHERE status = 'failed';
            CREATE INDEX webhook_delivery_by_subscription ON webhook_delivery (subscription_id, id);
            CREATE INDEX webhook_delivery_by_event ON webhook_delivery (event_id);
            """)
    }

    /// Every checkout rewrote the entries of `held` and `allocated` in their
    /// sort indexes, every shipment those of `on_hand`, and every order
    /// inserted entries for `item_count` and `total`, only so that a
    /// console list could sort by them. Those sorts stay, as a sort of the
    /// rows (filtered first when a filter is set); the write path stops
    /// paying for them. `docs/INDEXES.md` lists what needs each index left.
    private static func dropHotSortIndexes(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX product_by_on_hand;
            DROP INDEX product_by_held;
            DROP INDEX product_by_allocated;
            DROP INDEX shop_order_by_items;
            DROP INDEX shop_order_by_total;
            """)
    }

    /// API nodes sharing the store (several `serve` processes on one file
    /// do too). Not shop data: `backroom copy` leaves it behind.
    private static func createNodeHeartbeats(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE node_heartbeat (
                name TEXT PRIMARY KEY NOT NULL,
                url TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                seen_at INTEGER NOT NULL,
                version TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
    }
}
