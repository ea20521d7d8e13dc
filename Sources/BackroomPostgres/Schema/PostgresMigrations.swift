import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema, as an ordered list of migrations recorded in
/// `backroom_migration`. A migration that has shipped is never edited: a
/// change is a new migration appended here.
///
/// v1 took its final shape when `--db postgres://` first worked; it has
/// shipped, like every migration here.
///
/// It starts from the SQLite schema's present shape (its migrations v1–v9),
/// not from its history, with the same names, columns and `CHECK`
/// constraints, so that `backroom copy` moves rows column for column.
/// Timestamps are milliseconds since 1970 (`BIGINT`) as in SQLite. What
/// differs, and why:
///
/// - SKUs are unique case-insensitively through an index on
///   `backroom_nocase(sku)` (SQLite: `COLLATE NOCASE`, which folds ASCII
///   only, as `lower` does under the `C` collation); text sorts compare
///   bytes (`COLLATE "C"`), as SQLite does.
/// - The text filter reads a trigram index over `backroom_fold(...)`
///   (lower case, accents removed: `unaccent`), where SQLite has FTS5 with
///   `remove_diacritics`.
/// - Products per status are counted by triggers as in SQLite.
/// - The revision counters are spread over rows (`store_revision_shard`):
///   one row per area would make every write of every node wait for the
///   previous one's commit.
/// - `user` is a reserved word: the table is `app_user`.
enum PostgresMigrations {
    struct Migration {
        let identifier: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(identifier: "v1", statements: schemaV1),
        Migration(identifier: "v2 node heartbeats", statements: nodeHeartbeats),
        Migration(identifier: "v3 product counts per statement", statements: productCountsPerStatement),
        Migration(identifier: "v4 definitions a copy sets aside", statements: copySetAside),
    ]

    /// Applies the migrations this database has not had, in order, each in
    /// a transaction of its own. A transaction-level advisory lock lets
    /// several nodes start at once: one migrates, the others wait and then
    /// find nothing to do.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        for migration in all {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                // Under the lock: two nodes creating it at once would collide.
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS backroom_migration (identifier TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", logger: logger
                )
                let applied = try await connection.query(
                    "SELECT 1 FROM backroom_migration WHERE identifier = \(migration.identifier)", logger: logger
                ).collect()
                guard applied.isEmpty else { return }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await connection.query(
                    "INSERT INTO backroom_migration (identifier, applied_at) VALUES (\(migration.identifier), \(now))", logger: logger
                )
            }
        }
    }

    /// Backroom's advisory lock key ("BR" + "migrate").
    static let lockKey: Int64 = 0x4252_6D69_6772_6174

    static let schemaV1: [String] = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        // unaccent() is only STABLE (its dictionary could change); naming
        // the dictionary makes the fold safe to index. Accents go first
        // ("Æ" is "AE"), then case, for every script (ICU's root locale),
        // as FTS5's unicode61 tokenizer with remove_diacritics folds.
        """
        CREATE FUNCTION backroom_fold(value TEXT) RETURNS TEXT
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            RETURN lower(public.unaccent('public.unaccent'::regdictionary, value) COLLATE "und-x-icu")
        """,
        // A typed word as a pattern: folded, escaped, anchored at a word
        // start (the text's start, or after an ASCII character that is not
        // a letter or digit; FTS5 also splits at non-ASCII punctuation).
        #"""
        CREATE FUNCTION backroom_word_prefix(word TEXT) RETURNS TEXT
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            RETURN '(^|[^a-z0-9\u0080-\U0010FFFF])'
                || regexp_replace(backroom_fold(word), '([^a-z0-9\u0080-\U0010FFFF])', '\\\1', 'g')
        """#,
        // SQLite's NOCASE: ASCII letters folded, nothing else, whatever the
        // database's own collation.
        """
        CREATE FUNCTION backroom_nocase(value TEXT) RETURNS TEXT
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            RETURN lower(value COLLATE "C")
        """,
        // What changed, for caches and other nodes: a count of commits per
        // area, spread over 64 rows, one per pool connection, so that
        // concurrent writers do not wait on each other's commit. A revision
        // is the sum of an area's rows; it only moves when a write commits
        // (a sequence would move before).
        """
        CREATE TABLE store_revision_shard (
            area TEXT NOT NULL CHECK (area IN ('catalog', 'stock', 'orders', 'users')),
            shard INTEGER NOT NULL CHECK (shard BETWEEN 0 AND 63),
            count BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (area, shard)
        )
        """,
        """
        INSERT INTO store_revision_shard (area, shard)
            SELECT area, shard FROM unnest(ARRAY['catalog', 'stock', 'orders', 'users']) AS area, generate_series(0, 63) AS shard
        """,
        """
        CREATE TABLE store_setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE product (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            sku TEXT NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            description TEXT NOT NULL DEFAULT '',
            price BIGINT NOT NULL CHECK (price >= 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
            reorder_point BIGINT NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
            on_hand BIGINT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
            held BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
            allocated BIGINT NOT NULL DEFAULT 0 CHECK (allocated >= 0),
            version BIGINT NOT NULL DEFAULT 1,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            CHECK (on_hand >= held + allocated)
        )
        """,
        "CREATE UNIQUE INDEX product_by_sku ON product (backroom_nocase(sku))",
        "CREATE INDEX product_by_sku_order ON product ((backroom_nocase(sku)) COLLATE \"C\")",
        "CREATE INDEX product_by_name ON product ((backroom_nocase(name)) COLLATE \"C\")",
        "CREATE INDEX product_by_available ON product ((on_hand - held - allocated))",
        "CREATE INDEX product_by_reorder_point ON product (reorder_point)",
        "CREATE INDEX product_by_price ON product (price)",
        "CREATE INDEX product_by_status ON product (status)",
        "CREATE INDEX product_by_updated_at ON product (updated_at)",
        "CREATE INDEX product_low_stock ON product ((backroom_nocase(sku)) COLLATE \"C\") WHERE on_hand - held - allocated <= reorder_point",
        "CREATE INDEX product_text ON product USING gin (backroom_fold(sku || ' ' || name) gin_trgm_ops)",
        """
        CREATE TABLE product_status_count (
            status TEXT PRIMARY KEY,
            products BIGINT NOT NULL CHECK (products >= 0)
        )
        """,
        """
        CREATE FUNCTION product_status_counted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE product_status_count SET products = products - 1 WHERE status = OLD.status;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO product_status_count (status, products) VALUES (NEW.status, 1)
                    ON CONFLICT (status) DO UPDATE SET products = product_status_count.products + 1;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER product_count_insert AFTER INSERT OR DELETE ON product FOR EACH ROW EXECUTE FUNCTION product_status_counted()",
        """
        CREATE TRIGGER product_recounted AFTER UPDATE OF status ON product FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION product_status_counted()
        """,
        """
        CREATE TABLE stock_movement (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            product_id BIGINT NOT NULL REFERENCES product (id),
            delta BIGINT NOT NULL CHECK (delta != 0),
            reason TEXT NOT NULL CHECK (reason IN ('received', 'correction', 'cycle_count', 'damaged', 'shrinkage', 'return', 'sale')),
            actor TEXT NOT NULL,
            reference TEXT,
            on_hand_after BIGINT NOT NULL CHECK (on_hand_after >= 0),
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX stock_movement_by_product ON stock_movement (product_id, id)",
        """
        CREATE TABLE app_user (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
            display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
            role TEXT NOT NULL CHECK (role IN ('customer', 'viewer', 'operator', 'admin')),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
            password_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            last_login_at BIGINT
        )
        """,
        "CREATE INDEX user_by_name ON app_user ((backroom_nocase(display_name)) COLLATE \"C\")",
        "CREATE INDEX user_by_role ON app_user (role)",
        "CREATE INDEX user_by_status ON app_user (status)",
        "CREATE INDEX user_by_last_login ON app_user ((coalesce(last_login_at, 0)))",
        "CREATE INDEX user_by_created_at ON app_user (created_at)",
        "CREATE INDEX user_text ON app_user USING gin (backroom_fold(email || ' ' || display_name) gin_trgm_ops)",
        """
        CREATE TABLE api_token (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES app_user (id),
            token_hash BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            revoked_at BIGINT
        )
        """,
        "CREATE INDEX api_token_by_user ON api_token (user_id)",
        """
        CREATE TABLE shop_order (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
            customer_id BIGINT REFERENCES app_user (id),
            email TEXT NOT NULL,
            currency TEXT NOT NULL,
            item_count BIGINT NOT NULL CHECK (item_count > 0),
            subtotal BIGINT NOT NULL CHECK (subtotal >= 0),
            total BIGINT NOT NULL CHECK (total >= 0),
            ship_name TEXT NOT NULL,
            ship_line1 TEXT NOT NULL,
            ship_line2 TEXT,
            ship_city TEXT NOT NULL,
            ship_postal_code TEXT NOT NULL,
            ship_country TEXT NOT NULL,
            payment_reference TEXT,
            cart_id TEXT UNIQUE,
            checkout_key TEXT,
            placed_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX shop_order_by_status ON shop_order (status)",
        "CREATE INDEX shop_order_by_email ON shop_order (email)",
        "CREATE INDEX shop_order_by_customer ON shop_order (customer_id)",
        "CREATE INDEX shop_order_by_placed_at ON shop_order (placed_at)",
        """
        CREATE TABLE cart (
            id TEXT PRIMARY KEY,
            customer_id BIGINT REFERENCES app_user (id),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'checked_out')),
            currency TEXT NOT NULL,
            order_id BIGINT REFERENCES shop_order (id),
            first_hold_at BIGINT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE cart_line (
            cart_id TEXT NOT NULL REFERENCES cart (id),
            product_id BIGINT NOT NULL REFERENCES product (id),
            quantity BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 999),
            added_at BIGINT NOT NULL,
            PRIMARY KEY (cart_id, product_id)
        )
        """,
        """
        CREATE TABLE stock_hold (
            cart_id TEXT NOT NULL REFERENCES cart (id),
            product_id BIGINT NOT NULL REFERENCES product (id),
            quantity BIGINT NOT NULL CHECK (quantity > 0),
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (cart_id, product_id)
        )
        """,
        "CREATE INDEX stock_hold_by_product ON stock_hold (product_id, expires_at)",
        "CREATE INDEX stock_hold_by_expiry ON stock_hold (expires_at)",
        """
        CREATE TABLE order_line (
            order_id BIGINT NOT NULL REFERENCES shop_order (id),
            line_number BIGINT NOT NULL,
            product_id BIGINT NOT NULL REFERENCES product (id),
            sku TEXT NOT NULL,
            name TEXT NOT NULL,
            unit_price BIGINT NOT NULL CHECK (unit_price >= 0),
            quantity BIGINT NOT NULL CHECK (quantity > 0),
            line_total BIGINT NOT NULL CHECK (line_total >= 0),
            PRIMARY KEY (order_id, line_number)
        )
        """,
        "CREATE INDEX order_line_by_product ON order_line (product_id)",
        """
        CREATE TABLE order_event (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            order_id BIGINT NOT NULL REFERENCES shop_order (id),
            at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            event TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            note TEXT
        )
        """,
        "CREATE INDEX order_event_by_order ON order_event (order_id, id)",
        """
        CREATE TABLE payment_attempt (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            order_id BIGINT NOT NULL REFERENCES shop_order (id),
            sequence BIGINT NOT NULL CHECK (sequence >= 1),
            idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
            amount BIGINT NOT NULL CHECK (amount >= 0),
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            state TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'declined', 'abandoned')),
            lease_until BIGINT NOT NULL,
            provider_reference TEXT,
            failure TEXT,
            started_at BIGINT NOT NULL,
            settled_at BIGINT,
            UNIQUE (order_id, sequence),
            CHECK (state != 'succeeded' OR provider_reference IS NOT NULL)
        )
        """,
        "CREATE UNIQUE INDEX payment_attempt_open ON payment_attempt (order_id) WHERE state IN ('pending', 'succeeded')",
        "CREATE INDEX payment_attempt_pending ON payment_attempt (lease_until) WHERE state = 'pending'",
        """
        CREATE TABLE audit_log (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            actor_id BIGINT,
            action TEXT NOT NULL,
            target_type TEXT NOT NULL,
            target_id TEXT NOT NULL,
            summary TEXT NOT NULL
        )
        """,
        "CREATE INDEX audit_log_by_actor ON audit_log (actor, id)",
        "CREATE INDEX audit_log_by_action ON audit_log (action, id)",
        """
        CREATE TABLE idempotent_reply (
            actor TEXT NOT NULL,
            key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
            fingerprint TEXT NOT NULL,
            status BIGINT NOT NULL,
            body BYTEA NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (actor, key)
        )
        """,
        "CREATE INDEX idempotent_reply_by_age ON idempotent_reply (created_at)",
        """
        CREATE TABLE stock_take (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            actor TEXT NOT NULL UNIQUE,
            started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE stock_take_line (
            take_id BIGINT NOT NULL REFERENCES stock_take (id) ON DELETE CASCADE,
            product_id BIGINT NOT NULL REFERENCES product (id),
            expected BIGINT NOT NULL CHECK (expected >= 0),
            counted BIGINT NOT NULL CHECK (counted >= 0),
            scans BIGINT NOT NULL CHECK (scans >= 0),
            last_scanned_at BIGINT NOT NULL,
            needs_recount BIGINT NOT NULL DEFAULT 0 CHECK (needs_recount IN (0, 1)),
            PRIMARY KEY (take_id, product_id)
        )
        """,
        """
        CREATE TABLE outbox_event (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            resource_type TEXT NOT NULL,
            resource_id TEXT NOT NULL,
            at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            payload TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE webhook_subscription (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            secret TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
            disabled_reason TEXT,
            failing_since BIGINT,
            cursor BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE webhook_delivery (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            subscription_id BIGINT NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
            event_id BIGINT NOT NULL REFERENCES outbox_event (id) ON DELETE CASCADE,
            resource_key TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            lease_until BIGINT NOT NULL DEFAULT 0,
            last_attempt_at BIGINT,
            last_status_code BIGINT,
            last_error TEXT,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX webhook_delivery_in_order ON webhook_delivery (subscription_id, resource_key, event_id) WHERE status = 'pending'",
        "CREATE INDEX webhook_delivery_failed ON webhook_delivery (subscription_id) WHERE status = 'failed'",
        "CREATE INDEX webhook_delivery_by_subscription ON webhook_delivery (subscription_id, id)",
        "CREATE INDEX webhook_delivery_by_event ON webhook_delivery (event_id)",
    ]

    /// The API nodes sharing this database (SQLite's v10). Not shop data:
    /// `backroom copy` leaves it behind.
    static let nodeHeartbeats: [String] = [
        """
        CREATE TABLE node_heartbeat (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            seen_at BIGINT NOT NULL,
            version TEXT NOT NULL
        )
        """,
    ]

    /// Products per status, counted once per statement for inserts and
    /// deletes (transition tables), where v1 counted once per row: a bulk
    /// insert of 20,000 products spent two thirds of its time updating the
    /// same counter row 20,000 times (`backroom copy`, imports). A change
    /// of status stays a row trigger: it fires only when a status changes,
    /// and an update trigger with transition tables would run on every
    /// stock change of every checkout.
    static let productCountsPerStatement: [String] = [
        "DROP TRIGGER product_count_insert ON product",
        """
        CREATE FUNCTION product_status_counted_in() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO product_status_count (status, products)
                SELECT status, count(*) FROM inserted GROUP BY status ORDER BY status
                ON CONFLICT (status) DO UPDATE SET products = product_status_count.products + excluded.products;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE FUNCTION product_status_counted_out() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE product_status_count c SET products = c.products - d.products
                FROM (SELECT status, count(*) AS products FROM deleted GROUP BY status) d
                WHERE c.status = d.status;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER product_counted_in AFTER INSERT ON product REFERENCING NEW TABLE AS inserted
            FOR EACH STATEMENT EXECUTE FUNCTION product_status_counted_in()
        """,
        """
        CREATE TRIGGER product_counted_out AFTER DELETE ON product REFERENCING OLD TABLE AS deleted
            FOR EACH STATEMENT EXECUTE FUNCTION product_status_counted_out()
        """,
    ]

    /// The secondary indexes and foreign keys `backroom copy` drops while
    /// it loads and creates again at its end (`PostgresShopStore+Copy`),
    /// each as the statement that restores it. Kept in the database, in
    /// the transaction that drops them, so that a copy killed half-way
    /// leaves them recorded for the copy that replaces it.
    static let copySetAside: [String] = [
        """
        CREATE TABLE copy_set_aside (
            position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            restore TEXT NOT NULL
        )
        """,
    ]
}
