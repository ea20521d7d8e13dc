import BackroomCore
import PostgresNIO

/// `backroom copy`, PostgreSQL's side: tables read in key order a page at
/// a time, rows written with their ids by `COPY`, secondary indexes and
/// foreign keys set aside while the rows go in and built again at the
/// end, identity sequences moved past the copied ids.
extension PostgresShopStore: CopyableStore {
    static func tableName(_ table: CopiedTable) -> String {
        table.name == "user" ? "app_user" : table.name
    }

    public func copyRows(of table: CopiedTable, after key: [CopiedValue]?, limit: Int) async throws -> [[CopiedValue]] {
        let logger = self.logger
        return try await read { connection in
            let keyList = table.key.joined(separator: ", ")
            var statement = Statement(sql: "SELECT \(table.columns.joined(separator: ", ")) FROM \(Self.tableName(table))", values: [])
            if let key {
                statement.sql += " WHERE (\(keyList)) > (\(key.map { _ in "?" }.joined(separator: ", ")))"
                statement.values = key.map(Self.bound)
            }
            statement.sql += " ORDER BY \(keyList) LIMIT \(limit)"
            var rows: [[CopiedValue]] = []
            for try await row in try await connection.query(statement.query, logger: logger) {
                rows.append(try zip(row, table.columns).map { cell, column in try Self.copiedValue(cell, column: column) })
            }
            return rows
        }
    }

    public func insertCopiedRows(_ rows: [[CopiedValue]], into table: CopiedTable) async throws {
        let kept = rows.filter { !(table.name == "store_setting" && $0.first == .text(CopiedTable.unfinishedCopyKey)) }
        guard !kept.isEmpty else { return }
        let logger = self.logger
        guard table.name == "store_setting" else {
            // COPY … FROM STDIN: several times faster than inserts.
            let data = Self.copyText(kept)
            let name = Self.tableName(table)
            try await write { connection, _ in
                try await connection.copyFrom(table: name, columns: table.columns, logger: logger) { writer in
                    try await writer.write(data)
                }
            }
            return
        }
        // The settings (a key and a text each) replace the target's own,
        // its currency included.
        try await write { connection, _ in
            for row in kept {
                guard case .text(let key) = row[0], case .text(let value) = row[1] else {
                    throw BackroomError(.internalError, "store error: a store setting that is not a key and a text")
                }
                _ = try await connection.query("""
                    INSERT INTO store_setting (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, logger: logger)
            }
        }
    }

    public func holdsData() async throws -> Bool {
        let logger = self.logger
        return try await read { connection in
            try await connection.query("""
                SELECT (EXISTS (SELECT 1 FROM product) OR EXISTS (SELECT 1 FROM app_user) OR EXISTS (SELECT 1 FROM shop_order)
                    OR EXISTS (SELECT 1 FROM cart) OR EXISTS (SELECT 1 FROM audit_log) OR EXISTS (SELECT 1 FROM outbox_event)
                    OR EXISTS (SELECT 1 FROM webhook_subscription)
                    OR EXISTS (SELECT 1 FROM store_setting WHERE key = \(CopiedTable.unfinishedCopyKey))) AS held
                """, logger: logger).decoded { try $0.stored("held", as: Bool.self) }.first ?? false
        }
    }

    public func deleteAllData() async throws {
        let logger = self.logger
        let tables = CopiedTable.all.filter { $0.name != "store_setting" }.map(Self.tableName) + ["product_status_count"]
        try await write { connection, changed in
            try await connection.query(PostgresQuery(unsafeSQL: "TRUNCATE \(tables.joined(separator: ", ")) RESTART IDENTITY"), logger: logger)
            try await connection.query("DELETE FROM store_setting WHERE key = \(CopiedTable.unfinishedCopyKey)", logger: logger)
            changed.mark([.catalog, .stock, .orders, .users])
        }
        try await refreshPlannerStatistics()
    }

    /// Marks the store and sets aside what makes a bulk load slow: every
    /// index that backs no key or unique constraint, and every foreign key,
    /// of the copied tables. Kept row by row they cost most of a copy (the
    /// trigram index, nine product indexes, a key lookup per ledger row);
    /// built once over the loaded rows they cost a fraction (PostgreSQL's
    /// "Populating a Database"). What is dropped is recorded in the same
    /// transaction, so a copy killed half-way leaves it for the next.
    public func beginCopy(from source: String) async throws {
        let logger = self.logger
        let tables = CopiedTable.all.map(Self.tableName)
        try await write { connection, _ in
            _ = try await connection.query("""
                INSERT INTO store_setting (key, value) VALUES (\(CopiedTable.unfinishedCopyKey), \(source))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: logger)
            let setAside = try await connection.query("""
                SELECT 'DROP INDEX ' || quote_ident(n.nspname) || '.' || quote_ident(i.relname) AS drop,
                    pg_get_indexdef(i.oid) AS restore
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = current_schema() AND t.relname = ANY(\(tables)::TEXT[])
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.contype IN ('p', 'u', 'x'))
                UNION ALL
                SELECT 'ALTER TABLE ' || quote_ident(n.nspname) || '.' || quote_ident(t.relname) || ' DROP CONSTRAINT ' || quote_ident(c.conname),
                    'ALTER TABLE ' || quote_ident(n.nspname) || '.' || quote_ident(t.relname) || ' ADD CONSTRAINT ' || quote_ident(c.conname)
                        || ' ' || pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = ANY(\(tables)::TEXT[])
                """, logger: logger).decoded { row in (drop: try row.stored("drop", as: String.self), restore: try row.stored("restore", as: String.self)) }
            for definition in setAside {
                try await connection.query("INSERT INTO copy_set_aside (restore) VALUES (\(definition.restore))", logger: logger)
                // Made by the server from the catalog, every name quoted.
                try await connection.query(PostgresQuery(unsafeSQL: definition.drop), logger: logger)
            }
        }
    }

    /// Sequences past the copied ids, the indexes and foreign keys set
    /// aside built again over the copied rows (a row the source let through
    /// and a constraint refuses fails the copy here, mark kept), then the
    /// mark removed, all in one transaction.
    public func finishCopy() async throws {
        let logger = self.logger
        try await write { connection, changed in
            for table in CopiedTable.all where table.key == ["id"] && table.name != "cart" {
                let name = Self.tableName(table)
                try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(name)', 'id'), coalesce((SELECT max(id) FROM \(name)), 0) + 1, false)
                    """), logger: logger)
            }
            let restores = try await connection.query("SELECT restore FROM copy_set_aside ORDER BY position", logger: logger)
                .decoded { try $0.stored("restore", as: String.self) }
            for restore in restores {
                try await connection.query(PostgresQuery(unsafeSQL: restore), logger: logger)
            }
            try await connection.query("DELETE FROM copy_set_aside", logger: logger)
            try await connection.query("DELETE FROM store_setting WHERE key = \(CopiedTable.unfinishedCopyKey)", logger: logger)
            changed.mark([.catalog, .stock, .orders, .users])
        }
        try await refreshPlannerStatistics()
    }

    /// Rows in COPY's text format: tab between values, a line each, `\N`
    /// for NULL, backslash escapes for what would end a value or a line.
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func copyText(_ rows: [[CopiedValue]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.count * 128)
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                switch value {
                case .null:
                    buffer.writeStaticString("\\N")
                case .integer(let number):
                    buffer.writeString(String(number))
                case .text(let text):
                    for byte in text.utf8 {
                        switch byte {
                        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                        case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                        case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                        case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                        default: buffer.writeInteger(byte)
                        }
                    }
                case .blob(let bytes):
                    // bytea's text form, its backslash escaped: \\x00ff…
                    buffer.writeStaticString("\\\\x")
                    for byte in bytes {
                        buffer.writeInteger(hexDigits[Int(byte >> 4)])
                        buffer.writeInteger(hexDigits[Int(byte & 0x0f)])
                    }
                }
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }

    static func copiedValue(_ cell: PostgresCell, column: String) throws -> CopiedValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .bytea: return .blob([UInt8](try cell.decode(ByteBuffer.self).readableBytesView))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            throw BackroomError(.internalError, "store error: column \(column) holds a value that cannot be copied")
        }
    }

    static func bound(_ value: CopiedValue) -> Bound? {
        switch value {
        case .null: nil
        case .integer(let number): number
        case .text(let text): text
        case .blob(let bytes): ByteBuffer(bytes: bytes)
        }
    }
}
