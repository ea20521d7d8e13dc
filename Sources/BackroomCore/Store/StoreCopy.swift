/// A stored value as `backroom copy` moves it between stores: the four
/// kinds both SQLite and PostgreSQL columns of Backroom hold.
public enum CopiedValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// One table as the copy moves it: the same name, columns and key on both
/// stores (the PostgreSQL store calls `user` `app_user`). Rows are read in
/// key order, a page at a time.
public struct CopiedTable: Sendable, Hashable {
    public let name: String
    public let columns: [String]
    public let key: [String]

    public init(_ name: String, key: [String] = ["id"], _ columns: [String]) {
        self.name = name
        self.key = key
        self.columns = columns
    }
}

extension CopiedTable {
    /// Every table with data, parents before children. Left out: the
    /// products-per-status counts and the revision counters (each store's
    /// triggers and writes keep its own), SQLite's full-text index (kept
    /// by its triggers).
    public static let all: [CopiedTable] = [
        CopiedTable("store_setting", key: ["key"], ["key", "value"]),
        CopiedTable("product", [
            "id", "sku", "name", "description", "price", "currency", "status", "reorder_point", "on_hand", "held", "allocated",
            "version", "created_at", "updated_at",
        ]),
        CopiedTable("stock_movement", ["id", "product_id", "delta", "reason", "actor", "reference", "on_hand_after", "created_at"]),
        CopiedTable("user", ["id", "email", "display_name", "role", "status", "password_hash", "created_at", "updated_at", "last_login_at"]),
        CopiedTable("api_token", ["id", "user_id", "token_hash", "created_at", "expires_at", "revoked_at"]),
        CopiedTable("shop_order", [
            "id", "status", "customer_id", "email", "currency", "item_count", "subtotal", "total", "ship_name", "ship_line1", "ship_line2",
            "ship_city", "ship_postal_code", "ship_country", "payment_reference", "cart_id", "checkout_key", "placed_at", "updated_at",
        ]),
        CopiedTable("cart", ["id", "customer_id", "status", "currency", "order_id", "first_hold_at", "created_at", "updated_at"]),
        CopiedTable("cart_line", key: ["cart_id", "product_id"], ["cart_id", "product_id", "quantity", "added_at"]),
        CopiedTable("stock_hold", key: ["cart_id", "product_id"], ["cart_id", "product_id", "quantity", "expires_at"]),
        CopiedTable("order_line", key: ["order_id", "line_number"], [
            "order_id", "line_number", "product_id", "sku", "name", "unit_price", "quantity", "line_total",
        ]),
        CopiedTable("order_event", ["id", "order_id", "at", "actor", "event", "from_status", "to_status", "note"]),
        CopiedTable("payment_attempt", [
            "id", "order_id", "sequence", "idempotency_key", "amount", "currency", "state", "lease_until", "provider_reference", "failure",
            "started_at", "settled_at",
        ]),
        CopiedTable("audit_log", ["id", "at", "actor", "actor_id", "action", "target_type", "target_id", "summary"]),
        CopiedTable("idempotent_reply", key: ["actor", "key"], ["actor", "key", "fingerprint", "status", "body", "created_at"]),
        CopiedTable("stock_take", ["id", "actor", "started_at", "updated_at"]),
        CopiedTable("stock_take_line", key: ["take_id", "product_id"], [
            "take_id", "product_id", "expected", "counted", "scans", "last_scanned_at", "needs_recount",
        ]),
        CopiedTable("outbox_event", ["id", "event_id", "type", "resource_type", "resource_id", "at", "actor", "payload"]),
        CopiedTable("webhook_subscription", [
            "id", "url", "events", "description", "secret", "status", "disabled_reason", "failing_since", "cursor", "created_at", "updated_at",
        ]),
        CopiedTable("webhook_delivery", [
            "id", "subscription_id", "event_id", "resource_key", "status", "attempts", "next_attempt_at", "lease_until", "last_attempt_at",
            "last_status_code", "last_error", "created_at",
        ]),
    ]

    /// The setting a copy writes first and removes last: a store that still
    /// has it holds a partial copy, and `check` says so.
    public static let unfinishedCopyKey = "copy_in_progress"
}

/// What a store offers `backroom copy`: its tables row by row, as stored.
public protocol CopyableStore: Sendable {
    /// Up to `limit` rows of `table` after `key` (nil: from the start), in
    /// key order; each row's values in `table.columns` order.
    func copyRows(of table: CopiedTable, after key: [CopiedValue]?, limit: Int) async throws -> [[CopiedValue]]

    /// Writes rows read from another store, keeping their ids.
    func insertCopiedRows(_ rows: [[CopiedValue]], into table: CopiedTable) async throws

    /// Whether the store holds anything a copy would collide with.
    func holdsData() async throws -> Bool

    /// Deletes every row of every copied table (a copy told to replace).
    func deleteAllData() async throws

    /// Marks the store as holding an unfinished copy (`check` reports it).
    func beginCopy(from source: String) async throws

    /// After the last row: sequences past the copied ids, the mark removed.
    func finishCopy() async throws
}

/// Moves a whole store into another, table by table, and reports as it goes.
public struct StoreCopier: Sendable {
    public struct Progress: Sendable {
        public var table: String
        public var tableIndex: Int
        public var tableCount: Int
        public var rows: Int
        /// Rows of every table so far, this one's included.
        public var copied: Int = 0
        /// Every row is in; the target is finishing (PostgreSQL builds the
        /// indexes and keys it set aside, which takes seconds per 100,000
        /// products, and gathers statistics).
        public var isFinishing = false
    }

    let source: any CopyableStore
    let target: any CopyableStore
    let sourceName: String
    let pageSize: Int

    public init(from source: any CopyableStore, named sourceName: String, to target: any CopyableStore, pageSize: Int = 2_000) {
        self.source = source
        self.sourceName = sourceName
        self.target = target
        self.pageSize = pageSize
    }

    /// Copies every table; returns the rows copied. A target with data is
    /// refused unless `replacing` (then emptied first).
    public func run(replacing: Bool, progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Int {
        if try await target.holdsData() {
            guard replacing else {
                throw BackroomError.conflict("The target store is not empty; copy into an empty one, or pass --replace-target to empty it first.")
            }
            try await target.deleteAllData()
        }
        try await target.beginCopy(from: sourceName)
        var total = 0
        for (index, table) in CopiedTable.all.enumerated() {
            var rows = 0
            // The next page is read while this one is written: the source's
            // reads and the target's writes take turns on different threads
            // (and, for PostgreSQL, another process) instead of waiting for
            // each other.
            var reading: Task<[[CopiedValue]], any Error>? = Task { [source, pageSize] in
                try await source.copyRows(of: table, after: nil, limit: pageSize)
            }
            defer { reading?.cancel() }
            while let current = reading {
                let page = try await current.value
                reading = nil
                guard !page.isEmpty else { break }
                if page.count == pageSize, let last = page.last {
                    let after = table.key.map { column in last[table.columns.firstIndex(of: column)!] }
                    reading = Task { [source, pageSize] in try await source.copyRows(of: table, after: after, limit: pageSize) }
                }
                try await target.insertCopiedRows(page, into: table)
                rows += page.count
                total += page.count
                progress(Progress(table: table.name, tableIndex: index, tableCount: CopiedTable.all.count, rows: rows, copied: total))
            }
        }
        progress(Progress(table: "", tableIndex: CopiedTable.all.count, tableCount: CopiedTable.all.count, rows: 0, copied: total, isFinishing: true))
        try await target.finishCopy()
        return total
    }
}
