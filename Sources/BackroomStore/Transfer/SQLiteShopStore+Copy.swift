import BackroomCore
import Foundation
import GRDB

/// `backroom copy`, SQLite's side: tables read in key order a page at a
/// time, rows written with their ids, one transaction per page.
extension SQLiteShopStore: CopyableStore {
    public func copyRows(of table: CopiedTable, after key: [CopiedValue]?, limit: Int) async throws -> [[CopiedValue]] {
        try await snapshotRead { db in
            let keyList = table.key.joined(separator: ", ")
            var sql = "SELECT \(table.columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \"\(table.name)\""
            var arguments: [DatabaseValue] = []
            if let key {
                sql += " WHERE (\(keyList)) > (\(key.map { _ in "?" }.joined(separator: ", ")))"
                arguments = key.map(Self.databaseValue)
            }
            sql += " ORDER BY \(keyList) LIMIT \(limit)"
            var rows: [[CopiedValue]] = []
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
            try withExtendedLifetime(cursor) {
                while let row = try cursor.next() {
                    rows.append(try (0..<table.columns.count).map { try Self.copiedValue(row[$0] as DatabaseValue, column: table.columns[$0]) })
                }
            }
            return rows
        }
    }

    public func insertCopiedRows(_ rows: [[CopiedValue]], into table: CopiedTable) async throws {
        let verb = table.name == "store_setting" ? "INSERT OR REPLACE" : "INSERT"
        let sql = "\(verb) INTO \"\(table.name)\" (\(table.columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(table.columns.map { _ in "?" }.joined(separator: ", ")))"
        try await immediateWrite { db in
            let statement = try db.cachedStatement(sql: sql)
            for row in rows where !(table.name == "store_setting" && row.first == .text(CopiedTable.unfinishedCopyKey)) {
                try statement.execute(arguments: StatementArguments(row.map(Self.databaseValue)))
            }
        }
    }

    public func holdsData() async throws -> Bool {
        try await snapshotRead { db in
            let tables = ["product", "user", "shop_order", "cart", "audit_log", "outbox_event", "webhook_subscription"]
            let anyRows = try tables.contains { try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \"\($0)\")") ?? false }
            let marked = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM store_setting WHERE key = ?)", arguments: [CopiedTable.unfinishedCopyKey]) ?? false
            return anyRows || marked
        }
    }

    public func deleteAllData() async throws {
        try await immediateWrite { db in
            for table in CopiedTable.all.reversed() where table.name != "store_setting" {
                try db.execute(sql: "DELETE FROM \"\(table.name)\"")
            }
            try db.execute(sql: "DELETE FROM store_setting WHERE key = ?", arguments: [CopiedTable.unfinishedCopyKey])
            try Self.recountProductsByStatus(db)
        }
    }

    public func beginCopy(from source: String) async throws {
        try await immediateWrite { db in
            try db.execute(sql: "INSERT OR REPLACE INTO store_setting (key, value) VALUES (?, ?)", arguments: [CopiedTable.unfinishedCopyKey, source])
        }
    }

    public func finishCopy() async throws {
        try await immediateWrite { db in
            // AUTOINCREMENT tables moved their sequences as ids were inserted.
            try db.execute(sql: "DELETE FROM store_setting WHERE key = ?", arguments: [CopiedTable.unfinishedCopyKey])
            try self.bump(.catalog, .stock, .orders, .users, in: db)
        }
    }

    static func copiedValue(_ value: DatabaseValue, column: String) throws -> CopiedValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .string(let text): return .text(text)
        case .blob(let data): return .blob([UInt8](data))
        case .double: throw BackroomError(.internalError, "store error: column \(column) holds a real number, which Backroom never stores")
        }
    }

    static func databaseValue(_ value: CopiedValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}
