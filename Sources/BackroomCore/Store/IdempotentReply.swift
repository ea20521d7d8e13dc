import Foundation

/// A request sent with an `Idempotency-Key`: who sent it, the key, and a
/// fingerprint of what was asked (the same key with another request is
/// refused, not answered with the first reply).
public struct IdempotencyClaim: Sendable, Hashable {
    public var actor: String
    public var key: String
    public var fingerprint: String

    public init(actor: String, key: String, fingerprint: String) {
        self.actor = actor
        self.key = key
        self.fingerprint = fingerprint
    }

    /// Keys longer than this are refused.
    public static let maximumKeyLength = 255
    /// Replies are kept this long.
    public static let lifetimeSeconds: Int64 = 24 * 3600
}

/// The reply a batch request got, as it was sent.
public struct StoredReply: Sendable, Hashable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// What an idempotent batch did.
public enum IdempotentBatch: Sendable {
    /// The writes ran now; the reply was stored with them.
    case performed([Result<StoreWriteResult, BackroomError>], StoredReply)
    /// An earlier request with this key ran them; its reply.
    case replayed(StoredReply)
}
