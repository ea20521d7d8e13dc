import Foundation

/// A domain event as the outbox keeps it: written in the same transaction
/// as the change it describes, with the resource as the API returned it
/// then (`payload`, JSON).
public struct OutboxEvent: Sendable, Hashable, Identifiable {
    /// The outbox's sequence number: events are delivered in this order.
    public var id: Int64
    /// The stable public id (`evt_…`) receivers deduplicate with.
    public var eventID: String
    public var type: EventType
    /// What the event is about, e.g. `order` / `BR-000042`; events about
    /// one resource reach each subscription in order.
    public var resourceType: String
    public var resourceID: String
    public var at: Timestamp
    public var actor: String
    public var payload: String

    public init(id: Int64, eventID: String, type: EventType, resourceType: String, resourceID: String, at: Timestamp, actor: String, payload: String) {
        self.id = id
        self.eventID = eventID
        self.type = type
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.at = at
        self.actor = actor
        self.payload = payload
    }

    public var resourceKey: String { "\(resourceType)/\(resourceID)" }
}

/// The public id of a domain event.
public enum OutboxEventID {
    /// `evt_` and 32 hex digits: random, so ids from several processes or
    /// nodes never collide.
    public static func make() -> String {
        let uuid = UUID().uuid
        let bytes = [uuid.0, uuid.1, uuid.2, uuid.3, uuid.4, uuid.5, uuid.6, uuid.7,
                     uuid.8, uuid.9, uuid.10, uuid.11, uuid.12, uuid.13, uuid.14, uuid.15]
        return "evt_" + bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
