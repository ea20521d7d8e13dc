import BackroomCore
import TerminalKit

/// The `:` line: what it understands, its history (Up/Down) and Tab
/// completion of commands and pane names.
struct CommandLine: Sendable, Equatable {
    var input = TextInput(maximumLength: 200)
    var history: [String] = []
    /// Index into `history` while browsing it with Up/Down.
    var browsing: Int?

    static let maximumHistory = 100

    /// Every command, for completion and help.
    static let verbs = [
        "orders", "inventory", "users", "requests", "metrics", "audit", "count", "export", "sku", "user", "order", "theme", "mouse", "columns",
        "reconnect", "help", "quit",
    ]

    static let help: [(String, String)] = [
        (":orders status=paid", "Orders with these statuses"),
        (":inventory, :users…", "Show a pane by its name"),
        (":BR-000042", "Open an order"),
        (":sku MUG-0002", "Open a product"),
        (":user EMAIL", "Find a user"),
        (":columns", "Choose this pane's columns"),
        (":export FILE", "Write the pane (CSV; .jsonl: JSON)"),
        (":count", "Stock take (scanner friendly)"),
        (":theme NAME", "Switch the theme (no name: list)"),
        (":mouse on|off", "Mouse reporting"),
        (":reconnect", "Reconnect to the server now"),
        (":q", "Quit"),
        ("↑/↓ · Tab", "History · complete a command"),
    ]

    /// Remembers a line that was run (not twice in a row).
    mutating func remember(_ line: String) {
        let trimmed = line.trimmingWhitespace()
        guard !trimmed.isEmpty, history.last != trimmed else { return }
        history.append(trimmed)
        if history.count > Self.maximumHistory { history.removeFirst(history.count - Self.maximumHistory) }
    }

    /// Up/Down through the history; returns false for other keys.
    mutating func browse(older: Bool) {
        guard !history.isEmpty else { return }
        let index: Int
        if let browsing {
            index = older ? max(0, browsing - 1) : browsing + 1
        } else {
            guard older else { return }
            index = history.count - 1
        }
        if index >= history.count {
            browsing = nil
            input.set("")
        } else {
            browsing = index
            input.set(history[index])
        }
    }

    /// Completes the first word to a command (or the longest common start
    /// of several); returns the candidates when it could not choose.
    mutating func complete() -> [String] {
        let text = input.value
        guard !text.contains(" ") else { return [] }
        let candidates = Self.verbs.filter { $0.hasPrefix(text.lowercased()) }
        guard !candidates.isEmpty else { return [] }
        if candidates.count == 1 {
            input.set(candidates[0] + " ")
            return []
        }
        var common = candidates[0]
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(common) { common.removeLast() }
        }
        if common.count > text.count { input.set(common) }
        return candidates
    }
}

/// A parsed command line.
enum ConsoleCommand: Sendable, Equatable {
    case show(PaneKind)
    case orders(statuses: Set<OrderStatus>)
    case order(OrderNumber)
    case sku(SKU)
    case user(String)
    case theme(String?)
    case mouse(Bool)
    case columns
    case export(String)
    case reconnect
    case help
    case quit

    /// `:orders status=paid,shipped`, `:BR-000042`, `:sku MUG-1`, `:user ana@…`, …
    static func parse(_ line: String) throws(BackroomError) -> ConsoleCommand? {
        let words = line.split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        let verb = first.lowercased()
        let rest = words.dropFirst()
        switch verb {
        case "q", "quit", "exit": return .quit
        case "help", "h": return .help
        case "inventory", "inv", "i": return .show(.inventory)
        case "users", "u": return .show(.users)
        case "requests", "r": return .show(.requests)
        case "metrics", "m": return .show(.metrics)
        case "audit", "a": return .show(.audit)
        case "webhooks", "hooks", "w": return .show(.webhooks)
        case "columns", "cols": return .columns
        case "count", "stocktake": return .show(.stockTake)
        case "export":
            guard !rest.isEmpty else { throw BackroomError.validation("command", "Where to? :export inventory.csv") }
            return .export(rest.joined(separator: " "))
        case "reconnect": return .reconnect
        case "orders", "o":
            var statuses: Set<OrderStatus> = []
            for argument in rest {
                guard argument.lowercased().hasPrefix("status=") else {
                    throw BackroomError.validation("command", "Unknown argument \"\(argument)\"; try :orders status=paid,shipped.")
                }
                for name in argument.dropFirst("status=".count).split(separator: ",") {
                    statuses.insert(try OrderStatus(parsing: String(name)))
                }
            }
            return rest.isEmpty ? .show(.orders) : .orders(statuses: statuses)
        case "order":
            guard let text = rest.first else { throw BackroomError.validation("command", "Which order? :order BR-000042") }
            return .order(try OrderNumber(text))
        case "sku", "product":
            guard let text = rest.first else { throw BackroomError.validation("command", "Which SKU? :sku MUG-0002") }
            return .sku(try SKU(text))
        case "user":
            guard let text = rest.first else { throw BackroomError.validation("command", "Which user? :user ana@example.com") }
            return .user(text)
        case "theme":
            return .theme(rest.first)
        case "mouse":
            return .mouse(rest.first?.lowercased() != "off")
        default:
            if let number = try? OrderNumber(first), first.uppercased().hasPrefix("BR-") { return .order(number) }
            throw BackroomError.validation("command", "Unknown command :\(verb). Try :orders, :BR-000042, :sku MUG-1, :user EMAIL, :theme NAME, :q (Tab completes).")
        }
    }
}
