import BackroomCore
import GRDB

/// Node heartbeats: one row per node name, outside the revision counters.
extension SQLiteShopStore {
    public func recordHeartbeat(_ node: NodeHeartbeat) async throws {
        try await immediateWrite { db in
            try db.cachedStatement(sql: """
                INSERT INTO node_heartbeat (name, url, started_at, seen_at, version) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET url = excluded.url, started_at = excluded.started_at,
                    seen_at = excluded.seen_at, version = excluded.version
                """).execute(arguments: [
                    node.name, node.url, node.startedAt.millisecondsSince1970, node.seenAt.millisecondsSince1970, node.version,
                ])
        }
    }

    public func nodes(seenSince since: Timestamp) async throws -> [NodeHeartbeat] {
        try await snapshotRead { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT name, url, started_at, seen_at, version FROM node_heartbeat WHERE seen_at >= ? ORDER BY name"),
                arguments: [since.millisecondsSince1970]
            ).map { row in
                NodeHeartbeat(
                    name: row["name"], url: row["url"], startedAt: Timestamp(millisecondsSince1970: row["started_at"]),
                    seenAt: Timestamp(millisecondsSince1970: row["seen_at"]), version: row["version"]
                )
            }
        }
    }

    public func removeNode(named name: String, staleBefore: Timestamp) async throws {
        try await immediateWrite { db in
            try db.execute(
                sql: "DELETE FROM node_heartbeat WHERE name = ? OR seen_at < ?", arguments: [name, staleBefore.millisecondsSince1970]
            )
        }
    }
}
