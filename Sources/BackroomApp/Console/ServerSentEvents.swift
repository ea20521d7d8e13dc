/// Splits a Server-Sent Events byte stream into events (`event:` and
/// `data:` fields, blank line to end), however the bytes are chunked.
public struct ServerSentEventParser: Sendable {
    public struct Event: Sendable, Equatable {
        public var name: String
        public var data: String
        public var id: String?
    }

    private var buffer: [UInt8] = []
    private var name = ""
    private var data: [String] = []
    private var id: String?

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            var line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty {
                    events.append(Event(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"), id: id))
                }
                name = ""
                data = []
                id = nil
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(":") { continue }
            let field: Substring
            var value: Substring
            if let colon = text.firstIndex(of: ":") {
                field = text[..<colon]
                value = text[text.index(after: colon)...]
                if value.first == " " { value = value.dropFirst() }
            } else {
                field = Substring(text)
                value = ""
            }
            switch field {
            case "event": name = String(value)
            case "data": data.append(String(value))
            case "id": id = String(value)
            default: break
            }
        }
        return events
    }
}
