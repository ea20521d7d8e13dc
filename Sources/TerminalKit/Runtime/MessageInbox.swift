import Synchronization

/// Messages posted from any thread, taken by the UI thread.
public final class MessageInbox<Message: Sendable>: Sendable {
    private let messages = Mutex<[Message]>([])

    public init() {}

    public func post(_ message: Message) {
        messages.withLock { $0.append(message) }
    }

    public func takeAll() -> [Message] {
        messages.withLock { messages in
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }
}
