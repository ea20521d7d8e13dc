import BackroomCore
import PostgresNIO

/// Node heartbeats: one row per node name, outside the revision counters.
extension PostgresShopStore: NodeStore {
    public func recordHeartbeat(_ node: NodeHeartbeat) async throws {
        let logger = self.logger
        try await write { connection, _ in
            try await connection.query("""
                INSERT INTO node_heartbeat (name, url, started_at, seen_at, version)
                VALUES (\(node.name), \(node.url), \(node.startedAt.millisecondsSince1970), \(node.seenAt.millisecondsSince1970), \(node.version))
                ON CONFLICT (name) DO UPDATE SET url = excluded.url, started_at = excluded.started_at,
                    seen_at = excluded.seen_at, version = excluded.version
                """, logger: logger)
            return ()
        }
    }

    public func nodes(seenSince since: Timestamp) async throws -> [NodeHeartbeat] {
        let logger = self.logger
        return try await read { connection in
            try await connection.query("""
                SELECT name, url, started_at, seen_at, version FROM node_heartbeat
                WHERE seen_at >= \(since.millisecondsSince1970) ORDER BY name COLLATE "C"
                """, logger: logger).decoded { row in
                NodeHeartbeat(
                    name: try row.stored("name"), url: try row.stored("url"),
                    startedAt: Timestamp(millisecondsSince1970: try row.stored("started_at")),
                    seenAt: Timestamp(millisecondsSince1970: try row.stored("seen_at")), version: try row.stored("version")
                )
            }
        }
    }

    public func removeNode(named name: String, staleBefore: Timestamp) async throws {
        let logger = self.logger
        try await write { connection, _ in
            try await connection.query(
                "DELETE FROM node_heartbeat WHERE name = \(name) OR seen_at < \(staleBefore.millisecondsSince1970)", logger: logger
            )
            return ()
        }
    }
}
