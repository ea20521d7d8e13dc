/// An Elm-style program: a model, messages that change it, a view that
/// draws it. `update` is fast and never blocks; slow work (queries, network)
/// is a `Command` that runs elsewhere and posts a message back.
public protocol TerminalProgram: Sendable {
    associatedtype Model
    associatedtype Message: Sendable

    /// The first model and the work to start, for a screen of `size`.
    func start(size: Size) -> (Model, [Command<Message>])

    /// Applies a message; returns the work it starts.
    func update(_ model: inout Model, _ message: Message) -> [Command<Message>]

    /// Draws the model. A pure function of the model.
    func view(_ model: Model, into grid: inout CellGrid)

    /// The message for a terminal event, if the program cares.
    func message(for event: InputEvent, model: Model) -> Message?

    /// A message to post every `tickInterval` (live data, clocks), if any.
    func tick(model: Model) -> Message?

    func isFinished(_ model: Model) -> Bool
}

extension TerminalProgram {
    public func tick(model: Model) -> Message? { nil }
}

/// Work that runs off the UI thread and may post one message back.
public struct Command<Message: Sendable>: Sendable {
    public let run: @Sendable () async -> Message?

    public init(_ run: @escaping @Sendable () async -> Message?) {
        self.run = run
    }
}
