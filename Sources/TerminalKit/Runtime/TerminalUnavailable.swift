/// The terminal cannot be driven: the reason, in one line.
public struct TerminalUnavailable: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
