/// A store that can copy itself while it serves: what `backroom backup`
/// and the server's backup schedule use.
public protocol StoreBackup: Sendable {
    /// Writes a consistent copy of the whole store to `path` while writes go
    /// on, then verifies the copy (the database's own integrity check and
    /// `check`'s invariants). A copy that fails verification is deleted and
    /// the error says why.
    func backup(to path: String) async throws -> BackupReport
}

/// A verified backup.
public struct BackupReport: Sendable, Hashable {
    public var path: String
    public var bytes: Int64
    public var milliseconds: Int64
    public var finishedAt: Timestamp

    public init(path: String, bytes: Int64, milliseconds: Int64, finishedAt: Timestamp) {
        self.path = path
        self.bytes = bytes
        self.milliseconds = milliseconds
        self.finishedAt = finishedAt
    }
}
