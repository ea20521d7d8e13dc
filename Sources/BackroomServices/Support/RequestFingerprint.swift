import BackroomCore
import Crypto
import Foundation

extension IdempotencyClaim {
    /// A claim for a request body: its SHA-256, so the same key with a
    /// different body is told apart from a retry.
    public init(actor: String, key: String, body: Data) throws(BackroomError) {
        let trimmed = key.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= Self.maximumKeyLength else {
            throw BackroomError.validation("Idempotency-Key", "An Idempotency-Key has 1 to \(Self.maximumKeyLength) characters.")
        }
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        self.init(actor: actor, key: trimmed, fingerprint: digest)
    }
}
