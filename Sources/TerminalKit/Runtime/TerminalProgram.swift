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

    /// What the terminal itself should do for this model: mouse reporting,
    /// a text for the clipboard, a full repaint, suspending. The runner
    /// compares it with what it applied last and acts on the differences.
    func terminalState(_ model: Model) -> TerminalState
}

extension TerminalProgram {
    public func tick(model: Model) -> Message? { nil }

    public func terminalState(_ model: Model) -> TerminalState { TerminalState() }
}

/// Requests to the terminal, as values: counters ask for an action each
/// time they change, so a pure `update` can ask for one.
public struct TerminalState: Sendable, Equatable {
    /// Mouse reporting on (wheel and clicks arrive as events).
    public var mouse: Bool
    /// Text to put on the clipboard (OSC 52) when `clipboardSerial` changes.
    public var clipboard: String?
    public var clipboardSerial: Int
    /// Repaint every cell (Ctrl-L) when this changes.
    public var repaintSerial: Int
    /// Suspend (Ctrl-Z) when this changes; the program continues after `fg`.
    public var suspendSerial: Int

    public init(mouse: Bool = false, clipboard: String? = nil, clipboardSerial: Int = 0, repaintSerial: Int = 0, suspendSerial: Int = 0) {
        self.mouse = mouse
        self.clipboard = clipboard
        self.clipboardSerial = clipboardSerial
        self.repaintSerial = repaintSerial
        self.suspendSerial = suspendSerial
    }
}

/// Work that runs off the UI thread and may post one message back.
public struct Command<Message: Sendable>: Sendable {
    public let run: @Sendable () async -> Message?

    public init(_ run: @escaping @Sendable () async -> Message?) {
        self.run = run
    }
}
