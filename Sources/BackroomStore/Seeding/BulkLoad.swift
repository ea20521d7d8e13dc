import GRDB

/// Loads many rows into a table fast: its secondary indexes and full-text
/// triggers are dropped for the load and rebuilt after (sorting once beats
/// millions of random index inserts), all inside the caller's transaction,
/// so a failure leaves the schema as it was. Definitions are read back from
/// `sqlite_master`, so the rebuilt schema is exactly the migrated one.
enum BulkLoad {
    static func withoutSecondaryIndexes<T>(
        _ db: Database, table: String, fullTextTable: String?, _ body: () throws -> T
    ) throws -> T {
        let definitions = try Row.fetchAll(db, sql: """
            SELECT type, name, sql FROM sqlite_master
            WHERE tbl_name = ? AND sql IS NOT NULL AND (type = 'index' OR (type = 'trigger' AND name LIKE '%_insert'))
            ORDER BY type, name
            """, arguments: [table]).map { (type: try $0.stored("type", as: String.self), name: try $0.stored("name", as: String.self), sql: try $0.stored("sql", as: String.self)) }
        for definition in definitions {
            try db.execute(sql: "DROP \(definition.type.uppercased()) \(definition.name.quotedDatabaseIdentifier)")
        }
        let result = try body()
        for definition in definitions where definition.type == "index" {
            try db.execute(sql: definition.sql)
        }
        if let fullTextTable {
            try db.execute(sql: "INSERT INTO \(fullTextTable.quotedDatabaseIdentifier) (\(fullTextTable.quotedDatabaseIdentifier)) VALUES ('rebuild')")
        }
        for definition in definitions where definition.type == "trigger" {
            try db.execute(sql: definition.sql)
        }
        return result
    }

    /// Whether adding `newRows` to a table of `existingRows` is cheaper by rebuilding its indexes.
    static func prefersRebuild(existingRows: Int, newRows: Int) -> Bool {
        newRows >= 10_000 && newRows * 2 >= existingRows
    }
}
