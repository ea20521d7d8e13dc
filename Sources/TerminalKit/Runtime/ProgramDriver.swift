/// Runs a program without a terminal, for tests: feed it events and
/// messages, let its commands finish, look at the screen. Deterministic:
/// commands run one at a time, in order, until none is left.
public final class ProgramDriver<Program: TerminalProgram> {
    public let program: Program
    public private(set) var model: Program.Model
    public private(set) var size: Size
    private var pending: [Command<Program.Message>] = []

    public init(_ program: Program, size: Size) {
        self.program = program
        self.size = size
        let (model, commands) = program.start(size: size)
        self.model = model
        pending = commands
    }

    /// Runs queued commands (and the commands their messages start) to completion.
    public func settle() async {
        while !pending.isEmpty {
            let command = pending.removeFirst()
            if let message = await command.run() {
                pending += program.update(&model, message)
            }
        }
    }

    public func send(_ message: Program.Message) async {
        pending += program.update(&model, message)
        await settle()
    }

    public func press(_ key: Key) async {
        await event(.key(key))
    }

    /// Types each character of `text` as a key.
    public func type(_ text: String) async {
        for character in text { await press(.character(character)) }
    }

    public func press(_ spec: String) async {
        guard let key = Key(spec: spec) else { preconditionFailure("unknown key \(spec)") }
        await press(key)
    }

    public func event(_ event: InputEvent) async {
        if case .resize(let newSize) = event { size = newSize }
        if let message = program.message(for: event, model: model) {
            pending += program.update(&model, message)
        }
        await settle()
    }

    /// Applies an event without running the work it starts: keys typed
    /// faster than queries answer. `settle()` runs it all later, in order.
    public func enqueue(_ event: InputEvent) {
        if case .resize(let newSize) = event { size = newSize }
        if let message = program.message(for: event, model: model) {
            pending += program.update(&model, message)
        }
    }

    public func tick() async {
        if let message = program.tick(model: model) { await send(message) }
    }

    public func resize(to newSize: Size) async {
        await event(.resize(newSize))
    }

    /// The screen as the view draws it now.
    public func screen() -> CellGrid {
        var grid = CellGrid(width: size.width, height: size.height)
        program.view(model, into: &grid)
        return grid
    }

    public var isFinished: Bool { program.isFinished(model) }
}
