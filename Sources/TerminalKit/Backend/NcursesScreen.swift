import CNcurses
import Foundation

/// The real terminal, through ncursesw. Only the UI thread may touch it:
/// ncurses is not thread-safe and its globals are reached through the C
/// shim. Draws only the cells that changed since the last frame.
public final class NcursesScreen {
    public private(set) var colorProfile: ColorProfile = .none
    private var previous: CellGrid?
    private var pairs: [PairKey: Int16] = [:]
    private var mouseEnabled = false
    private var isOpen = false

    struct PairKey: Hashable {
        var foreground: Int
        var background: Int
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try Self.checkTerminal(environment: environment)
        setlocale(LC_ALL, "")
        Self.unblockJobControlSignals()
        br_save_terminal()
        br_install_crash_handlers()
        initscr()
        isOpen = true
        raw()
        noecho()
        nonl()
        br_keypad(true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        colorProfile = ColorProfile.detect(environment: environment, terminalColors: has_colors() ? Int(br_colors()) : 0)
    }

    deinit {
        close()
    }

    /// Refuses, before touching the terminal, what cannot be driven: output
    /// that is not a terminal, a terminal without cursor addressing
    /// (`TERM=dumb`), or one terminfo does not know. (`initscr` would print
    /// its own complaint and exit the process instead.)
    public static func checkTerminal(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw TerminalUnavailable("the console needs a terminal (standard input and output are not one)")
        }
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            throw TerminalUnavailable("the console needs a terminal with cursor addressing; TERM is \(term.isEmpty ? "not set" : "\"dumb\"")")
        }
        switch br_check_terminal(term) {
        case 1: return
        case 2: throw TerminalUnavailable("the console needs a terminal with cursor addressing; TERM=\(term) has none")
        default: throw TerminalUnavailable("no terminfo entry for TERM=\(term); set TERM to your terminal (xterm-256color, screen, …)")
        }
    }

    /// Copies `text` to the terminal's clipboard (OSC 52), which terminals
    /// and tmux (with `set-clipboard on`) pass to the system clipboard.
    public func copyToClipboard(_ text: String) {
        let sequence = "\u{1B}]52;c;" + Base64.encode(Array(text.utf8)) + "\u{07}"
        var bytes = Array(sequence.utf8)
        refresh()
        _ = bytes.withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    /// Ctrl-Z: gives the terminal back and stops, like any full-screen
    /// program; after `fg`, takes the terminal again and repaints.
    ///
    /// The stop is sent to this thread with the default action in place, so
    /// it takes effect before `raise` returns. (Through ncurses' own SIGTSTP
    /// handler, which re-sends the signal to the whole process, another
    /// thread may take it after the handler is back, and nothing stops.)
    public func suspend() {
        endwin()
        var defaultAction = sigaction()
        defaultAction.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&defaultAction.sa_mask)
        var previous = sigaction()
        sigaction(SIGTSTP, &defaultAction, &previous)
        raise(SIGTSTP)
        sigaction(SIGTSTP, &previous, nil)
        invalidate()
        refresh()
    }

    /// The UI thread is often started from a pool thread, which blocks most
    /// signals. With SIGTTOU blocked, a console started in the background
    /// (`backroom console &`) would switch the terminal to raw mode behind
    /// the shell's back, and the shell would keep that mode after `fg`.
    /// Unblocked, the kernel stops us until we are in the foreground, as it
    /// does any well-behaved full-screen program.
    private static func unblockJobControlSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTTOU, SIGTTIN, SIGTSTP, SIGCONT, SIGWINCH] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// Leaves curses mode and restores the terminal. Safe to call twice.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if mouseEnabled { _ = mousemask(0, nil) }
        curs_set(1)
        endwin()
    }

    public var size: Size {
        var rows: Int32 = 0
        var columns: Int32 = 0
        br_get_size(&rows, &columns)
        return Size(width: Int(columns), height: Int(rows))
    }

    /// Takes the terminal's current size if ncurses has not yet. ncurses
    /// learns of a resize from SIGWINCH, which the kernel may hand to any
    /// thread; caught by another than the one waiting for keys, the new
    /// size waited until some later key, and frames were drawn for the old
    /// size meanwhile (blank or torn in the monkey test). Asking the kernel
    /// costs one ioctl per loop. Returns whether the size changed.
    public func followTerminalSize() -> Bool {
        var rows: Int32 = 0
        var columns: Int32 = 0
        guard br_terminal_size(&rows, &columns) == 1 else { return false }
        let current = size
        guard Int(rows) != current.height || Int(columns) != current.width else { return false }
        resizeterm(rows, columns)
        invalidate()
        return true
    }

    public func setMouse(enabled: Bool) {
        mouseEnabled = enabled
        _ = mousemask(enabled ? br_mouse_mask() : 0, nil)
    }

    /// Forgets the last frame so the next draw repaints everything (after a resize).
    public func invalidate() {
        previous = nil
        br_clearok(true)
    }

    public func draw(_ grid: CellGrid) {
        // After a crash signal the terminal is the shell's again.
        guard br_is_crashing() == 0 else { return }
        let full = previous == nil || previous!.width != grid.width || previous!.height != grid.height
        if full { erase() }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if cell.isContinuation { continue }
                if !full, let previous, previous[x, y] == cell {
                    // Unchanged, unless the wide character beside it changed.
                    if !(x + 1 < grid.width && previous[x + 1, y] != grid[x + 1, y]) { continue }
                }
                put(cell, x: x, y: y)
            }
        }
        if let cursor = grid.cursor, grid.contains(x: cursor.x, y: cursor.y) {
            curs_set(1)
            move(Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        refresh()
        previous = grid
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var attributes = br_attr_normal()
        let style = cell.style
        if style.bold { attributes |= br_attr_bold() }
        if style.underline { attributes |= br_attr_underline() }
        if style.reverse { attributes |= br_attr_reverse() }
        if style.dim { attributes |= br_attr_dim() }
        let pair = pairNumber(for: style)
        var scalars = cell.character.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        scalars.append(0)
        _ = scalars.withUnsafeBufferPointer { buffer in
            br_put_cell(Int32(y), Int32(x), buffer.baseAddress, attributes, pair)
        }
    }

    private func pairNumber(for style: Style) -> Int16 {
        guard colorProfile != .none else { return 0 }
        var key = PairKey(foreground: colorProfile.index(for: style.foreground), background: colorProfile.index(for: style.background))
        key = Self.legible(key, profile: colorProfile)
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        let next = pairs.count + 1
        guard next < Int(br_color_pairs()), next < Int(Int16.max) else { return 0 }
        init_pair(Int16(next), Int16(key.foreground), Int16(key.background))
        pairs[key] = Int16(next)
        return Int16(next)
    }

    /// On 8 colours a dark grey maps to black, which on a terminal's
    /// default (usually black) background disappears, and a colour can land
    /// on its own background: such text falls back to the terminal's default
    /// foreground, which is always readable.
    static func legible(_ key: PairKey, profile: ColorProfile) -> PairKey {
        guard profile == .basic8 else { return key }
        var key = key
        if key.foreground == 0 && (key.background == -1 || key.background == 0) { key.foreground = -1 }
        if key.foreground >= 0 && key.foreground == key.background { key.foreground = -1 }
        return key
    }

    /// Waits up to `milliseconds` for an event (0: do not wait).
    public func readEvent(timeoutMilliseconds milliseconds: Int) -> InputEvent? {
        timeout(Int32(milliseconds))
        var character: wint_t = 0
        let result = br_get_wch(&character)
        if result == ERR { return nil }
        if result == br_key_code_yes() {
            return decodeFunctionKey(Int32(character))
        }
        return Self.decodeCharacter(UInt32(character))
    }

    private func decodeFunctionKey(_ code: Int32) -> InputEvent? {
        switch code {
        case KEY_RESIZE:
            invalidate()
            return .resize(size)
        case KEY_MOUSE:
            var x: Int32 = 0
            var y: Int32 = 0
            var state: mmask_t = 0
            guard br_get_mouse(&x, &y, &state) == OK else { return nil }
            if br_is_wheel_up(state) != 0 { return .mouse(MouseEvent(kind: .wheelUp, x: Int(x), y: Int(y))) }
            if br_is_wheel_down(state) != 0 { return .mouse(MouseEvent(kind: .wheelDown, x: Int(x), y: Int(y))) }
            if br_is_click(state) != 0 { return .mouse(MouseEvent(kind: .click, x: Int(x), y: Int(y))) }
            return nil
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_IC: return .key(.insert)
        case KEY_BTAB: return .key(.backTab)
        case KEY_ENTER: return .key(.enter)
        case KEY_F0 + 1...KEY_F0 + 24: return .key(.function(Int(code - KEY_F0)))
        default: return nil
        }
    }

    static func decodeCharacter(_ value: UInt32) -> InputEvent? {
        switch value {
        case 13, 10: return .key(.enter)
        case 27: return .key(.escape)
        case 127, 8: return .key(.backspace)
        case 9: return .key(.tab)
        case 1...26: return .key(.control(Character(Unicode.Scalar(value + 96)!)))
        default:
            guard let scalar = Unicode.Scalar(value), value >= 32 else { return nil }
            return .key(.character(Character(scalar)))
        }
    }
}
