import Dispatch
import Foundation

/// Runs a program on the real terminal. `run()` blocks its thread (a
/// dedicated one, not the cooperative pool): it owns ncurses, applies
/// messages, and redraws only when the frame changed. Commands run as tasks
/// and post their messages to the inbox.
public final class TerminalRunner<Program: TerminalProgram>: @unchecked Sendable {
    public let inbox = MessageInbox<Program.Message>()
    private let program: Program
    private let tickInterval: Duration
    private let environment: [String: String]

    public init(program: Program, tickInterval: Duration = .milliseconds(250), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.program = program
        self.tickInterval = tickInterval
        self.environment = environment
    }

    /// Runs until the program finishes and returns its last model. The
    /// terminal is restored on return, whatever happened. Throws
    /// `TerminalUnavailable`, before touching the terminal, when it cannot
    /// be driven (not a terminal, `TERM=dumb`, no terminfo entry).
    @discardableResult
    public func run(onScreen: (NcursesScreen) -> Void = { _ in }) throws -> Program.Model {
        let screen = try NcursesScreen(environment: environment)
        defer { screen.close() }
        onScreen(screen)
        var shownSize = screen.size
        var (model, commands) = program.start(size: shownSize)
        launch(commands)
        var applied = TerminalState()
        var lastFrame: CellGrid?
        var isDirty = true
        let tickNanoseconds = UInt64(tickInterval.components.seconds) * 1_000_000_000 + UInt64(tickInterval.components.attoseconds / 1_000_000_000)
        var nextTick = DispatchTime.now().uptimeNanoseconds + tickNanoseconds
        while !program.isFinished(model) {
            for message in inbox.takeAll() {
                launch(program.update(&model, message))
                isDirty = true
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= nextTick {
                nextTick = now + tickNanoseconds
                if let message = program.tick(model: model) {
                    launch(program.update(&model, message))
                    isDirty = true
                }
            }
            if program.isFinished(model) { break }
            let wanted = program.terminalState(model)
            if wanted != applied {
                apply(wanted, over: applied, screen: screen)
                if wanted.repaintSerial != applied.repaintSerial || wanted.suspendSerial != applied.suspendSerial {
                    lastFrame = nil
                    isDirty = true
                }
                applied = wanted
            }
            // The program hears of a size before it draws at that size:
            // ncurses queues KEY_RESIZE behind keys already read, and may
            // learn of a resize late (`followTerminalSize`), so a frame would
            // otherwise be laid out for one size and drawn into another.
            if screen.followTerminalSize() { lastFrame = nil }
            let size = screen.size
            if size != shownSize {
                shownSize = size
                lastFrame = nil
                if let message = program.message(for: .resize(size), model: model) {
                    launch(program.update(&model, message))
                }
                isDirty = true
            }
            if isDirty {
                isDirty = false
                var grid = CellGrid(width: size.width, height: size.height)
                program.view(model, into: &grid)
                // Redraw only when the frame differs: live data that did not
                // change what is visible costs no terminal output.
                if grid != lastFrame {
                    screen.draw(grid)
                    lastFrame = grid
                }
            }
            // Keys are answered at once; posted messages within 50 ms.
            let untilTick = Int((nextTick - min(nextTick, DispatchTime.now().uptimeNanoseconds)) / 1_000_000)
            if let event = screen.readEvent(timeoutMilliseconds: max(1, min(50, untilTick))) {
                if case .resize(let size) = event {
                    shownSize = size
                    lastFrame = nil
                }
                if let message = program.message(for: event, model: model) {
                    launch(program.update(&model, message))
                }
                isDirty = true
            }
        }
        return model
    }

    private func apply(_ wanted: TerminalState, over applied: TerminalState, screen: NcursesScreen) {
        if wanted.mouse != applied.mouse { screen.setMouse(enabled: wanted.mouse) }
        if wanted.clipboardSerial != applied.clipboardSerial, let text = wanted.clipboard { screen.copyToClipboard(text) }
        if wanted.repaintSerial != applied.repaintSerial { screen.invalidate() }
        if wanted.suspendSerial != applied.suspendSerial { screen.suspend() }
    }

    private func launch(_ commands: [Command<Program.Message>]) {
        for command in commands {
            let inbox = self.inbox
            Task.detached {
                if let message = await command.run() { inbox.post(message) }
            }
        }
    }
}
